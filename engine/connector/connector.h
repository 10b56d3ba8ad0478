#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/connector/error.h"
#include "engine/model/records.h"

namespace syncline::connector {

/// A batch of records from one stream. Each row holds one value per field of the session's
/// fields(), in that order, already normalized to canonical text; std::nullopt is NULL.
struct RecordBatch {
    std::vector<std::vector<std::optional<std::string>>> rows;
    /// The source values a row was made from, for the reject log when the row turns out bad:
    /// "column=value" pairs, keyed like `rows`. May be empty when the connector cannot provide it.
    std::vector<std::string> raw;
    /// Per row: why normalization failed ("field 'list_price': '12,5.3' is not a number"), or empty.
    std::vector<std::string> row_errors;

    void clear() {
        rows.clear();
        raw.clear();
        row_errors.clear();
    }
    std::size_t size() const { return rows.size(); }
};

enum class PullMode { Full, Incremental };

/// An exported order as the ERP reports it.
struct OrderState {
    std::string status;  ///< open, confirmed, shipped, invoiced or cancelled
    std::optional<std::string> tracking_number;
    std::optional<std::string> invoice_number;
};

/// An open read of one stream. Created by Connector::open; used by one thread (the job's); not thread-safe.
/// May hold a server cursor and a connection until destroyed.
class PullSession {
  public:
    virtual ~PullSession() = default;

    /// The canonical field names, in the order of each row's values.
    virtual const std::vector<std::string>& fields() const = 0;

    /// Replaces `batch` with the next rows (at most the stream's batch size). Returns true while
    /// rows were delivered, false at the end of the stream. Blocks on the source. Never throws:
    /// a failure is returned as an Error (transient: the run may be retried; config: stop).
    virtual Result<bool> next(RecordBatch& batch) = 0;
};

/// An ERP connector. Configured at construction; used by one job thread at a time.
class Connector {
  public:
    virtual ~Connector() = default;

    /// A short name for logs and the UI ("odbc").
    virtual std::string kind() const = 0;

    /// The streams this connector is configured for ("products", "stock", ...).
    virtual std::vector<std::string> streams() const = 0;

    /// Tests the connection. Blocks up to the login timeout. Returns a one-line description of the
    /// source ("PostgreSQL 15.20 via psqlodbcw.so 13.02.0000").
    virtual Result<std::string> check() = 0;

    /// Starts reading `stream`. Incremental reads pass `watermark` (the cursor stored after the
    /// previous run, as text) as the incremental query's parameter; Full ignores it.
    virtual Result<std::unique_ptr<PullSession>> open(const std::string& stream, PullMode mode,
                                                      const std::optional<std::string>& watermark) = 0;

    // --- Order export (the push side). A connector without it returns a Config error. -------------------------

    /// Whether this connector is configured to export orders.
    virtual bool exportsOrders() const { return false; }

    /// The ERP document number of the order whose reference field holds `key` (the webstore order id), or
    /// nullopt when the ERP has no such order. This is how a push whose outcome is unknown is reconciled:
    /// an order is only ever pushed after findOrder said it is absent.
    virtual Result<std::optional<std::string>> findOrder(const std::string& key);

    /// Creates the order in the ERP, header and lines in ONE ERP transaction, with `key` in its reference field,
    /// and returns the ERP document number. On an error nothing of the order remains in the ERP, except when the
    /// error came while committing (the reply was lost): then the outcome is unknown and the caller reconciles
    /// with findOrder. Errors: Transient (connection, timeout, deadlock: retry later), Data (the ERP refused
    /// the order: an unknown item, a blocked customer; the message says why), Config.
    virtual Result<std::string> pushOrder(const model::Order& order, const std::string& key);

    /// Whether this connector is configured to read the ERP's order status back.
    virtual bool readsOrderStatus() const { return false; }

    /// Where the ERP is with the order exported under `key`: nullopt when the ERP has no such order.
    virtual Result<std::optional<OrderState>> orderStatus(const std::string& key);
};

}  // namespace syncline::connector
