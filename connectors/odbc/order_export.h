#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/odbc/connection.h"
#include "connectors/odbc/named_parameters.h"
#include "connectors/odbc/statement.h"
#include "engine/connector/connector.h"
#include "engine/connector/error.h"
#include "engine/connector/order_config.h"
#include "engine/model/records.h"

namespace syncline::odbc {

/// Named values by lower-case name; std::nullopt is SQL NULL.
using NamedValues = std::map<std::string, std::optional<std::string>>;

/// The values an order gives its export statements, every one as text.
struct OrderValues {
    /// order_id (the key the order is exported under), customer_code, currency, placed_at (as given), order_date
    /// (its YYYY-MM-DD), now ("YYYY-MM-DD HH:MM:SS", UTC), total (the sum of line_total).
    NamedValues order;
    /// Per line, in the order's line order: line_no, sku, quantity, unit_price, line_total (quantity × unit_price
    /// rounded half-up to cents), line_note (NULL when the line has none).
    std::vector<NamedValues> lines;
};

/// The names in OrderValues::order and in each of OrderValues::lines.
const std::vector<std::string>& orderValueNames();
const std::vector<std::string>& lineValueNames();

/// The values of `order` exported under `key` at `now`. Decimals are exact text with six fractional digits
/// ("12.500000", "25.130000"), never through a double. Pure: any thread. Throws std::invalid_argument for an order
/// without lines or a placed_at that is not an ISO-8601 date-time, std::overflow_error when a total leaves the Decimal
/// range.
OrderValues orderValues(const model::Order& order, const std::string& key, std::chrono::system_clock::time_point now);

/// Where the ODBC connector's order export connects.
struct OrderExportTarget {
    std::string connection_string;  ///< with the password; never logged (errors are redacted)
    std::chrono::seconds login_timeout{15};
    std::chrono::seconds query_timeout{300};  ///< per statement; 0 = no limit
};

/// The write side of the ODBC connector: the statements of [erp.orders], their named parameters checked once at
/// construction, and the transaction of each push.
///
/// One connection is kept between calls (a login per order made pushing 1,000 orders 17-29 times slower than the
/// inserts themselves: docs/performance.md) with autocommit on between calls, so no transaction, lock or open cursor
/// outlives a call. find_query, the header statements and the line statement are prepared on it once, at their first
/// use, and executed again with new parameters by later calls. After any error the connection and its prepared
/// statements are dropped and the next call logs in again. push() runs the header
/// statements, then the line statement once per line, with autocommit off (SQLSetConnectAttr) and ends with SQLEndTran:
/// COMMIT when every statement succeeded, ROLLBACK otherwise. Used by one thread at a time; every call blocks on the
/// ERP. Never throws: errors are connector::Error values whose message names the order, the failing statement ("header
/// 2", "line 3") and the driver's SQLSTATE and text, never a password.
class OrderExport {
  public:
    /// Parses and checks the statements: all three must be set, parameters must be named (no `?`), find_query may
    /// only use :order_id, header statements may not use per-line values, the first header statement only the
    /// order's own values. A failed check makes every call return the same Config error.
    OrderExport(connector::OrderExportConfig config, OrderExportTarget target);

    /// The problem found at construction, if any.
    const std::optional<connector::Error>& configError() const { return config_error_; }

    /// Runs find_query with :order_id = `key` (autocommit on): the first column of its first row, spaces trimmed,
    /// or std::nullopt when it returns no row. Config error when it returns no result set or a NULL number.
    connector::Result<std::optional<std::string>> find(const std::string& key);

    /// Writes `order` with :order_id = `key` in one transaction and returns its ERP document number: the named
    /// value `document_number` after the header statements, or else find_query's answer after the commit.
    /// Before each statement its parameters are looked up among the values known at that point (the order's, the
    /// columns of the first row of every earlier header SELECT, the line's): an unknown one is a Config error found
    /// by the first order pushed. Errors: Data for an order the ERP refuses (constraint, unknown item, a header
    /// SELECT without a row, an order without lines) and for a line statement that changed no row; Transient for
    /// connection loss, timeouts, deadlocks and a failed COMMIT (the outcome is then unknown: reconcile with find());
    /// Config for statements that do not fit the ERP. Nothing of the order remains after an error, except after a
    /// failed COMMIT.
    connector::Result<std::string> push(const model::Order& order, const std::string& key);

    /// Runs status_query with :order_id = `key`: the columns status, tracking_number and invoice_number of its first
    /// row (by label, trimmed, empty as none), or std::nullopt when it returns no row. Data error for a status that
    /// is not open, confirmed, shipped, invoiced or cancelled; Config error when status_query is not set.
    connector::Result<std::optional<connector::OrderState>> status(const std::string& key);
    bool readsStatus() const { return !status_.sql.empty() && !config_error_; }

  private:
    // The kept connection and the statements prepared on it, each at its first use; dropped together.
    struct Session {
        explicit Session(const OrderExportTarget& target);

        Connection connection;
        std::optional<Statement> find;
        std::vector<std::optional<Statement>> header;
        std::optional<Statement> line;
    };

    /// The kept session, after logging in when there is none. Throws OdbcError.
    Session& session();
    /// The statement of `slot`, prepared from `sql` on the kept session's connection when it is not yet.
    Statement& prepared(std::optional<Statement>& slot, const std::string& sql);

    connector::Result<std::optional<std::string>> findOnce(const std::string& key);
    connector::Result<std::optional<connector::OrderState>> statusOnce(const std::string& key);

    connector::OrderExportConfig config_;
    OrderExportTarget target_;
    NamedStatement find_;
    std::vector<NamedStatement> header_;
    NamedStatement line_;
    NamedStatement status_;
    std::string document_number_;  ///< lower-cased
    std::optional<connector::Error> config_error_;
    std::optional<Session> session_;  ///< kept between calls; reset after an error
};

}  // namespace syncline::odbc
