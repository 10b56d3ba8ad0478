#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/connector/error.h"
#include "engine/model/records.h"

namespace syncline::connector {

/// Why one delivered row is unusable (a value that does not fit its field's type): the field and the reason, for
/// the reject log. An empty reason means the row is fine.
struct RowError {
    std::string field;   ///< the canonical field ("list_price"); empty when the row as a whole is bad
    std::string reason;  ///< "'12,5.3' is not a decimal number"

    bool empty() const { return reason.empty(); }
    /// "field 'list_price': '12,5.3' is not a decimal number", or the reason alone without a field.
    std::string describe() const { return field.empty() ? reason : "field '" + field + "': " + reason; }
    friend bool operator==(const RowError&, const RowError&) = default;
};

/// A batch of records from one stream. Each row holds one value per field of the session's
/// fields(), in that order, already normalized to canonical text; std::nullopt is NULL.
struct RecordBatch {
    std::vector<std::vector<std::optional<std::string>>> rows;
    /// The source values a row was made from, for the reject log when the row turns out bad:
    /// "column=value" pairs, keyed like `rows`. May be empty when the connector cannot provide it.
    std::vector<std::string> raw;
    /// Per row (or empty for a batch without errors): why the row could not be normalized.
    std::vector<RowError> row_errors;
    /// The stream's position after this batch and every batch before it: opaque text (a timestamp, a number, a
    /// change token) that the engine stores when the run ends and hands back to the next open(). nullopt: the
    /// position did not move (or the stream has none).
    std::optional<std::string> cursor;
    /// Rows whose cursor value lies beyond the request's cursor_limit: (row index, the value). They are delivered
    /// like any row, but the cursor does not move to them (one row dated 2099 would freeze incremental reads).
    std::vector<std::pair<std::size_t, std::string>> beyond_limit;

    void clear() {
        rows.clear();
        raw.clear();
        row_errors.clear();
        cursor.reset();
        beyond_limit.clear();
    }
    std::size_t size() const { return rows.size(); }
};

enum class PullMode { Full, Incremental };

/// What the engine asks of a stream read.
struct OpenRequest {
    PullMode mode = PullMode::Full;
    /// The position stored after the last successful run (a batch's `cursor`), on full reads too: a stream's
    /// cursor never moves back, so a full read starts its cursor from here. Incremental reads continue from it.
    std::optional<std::string> cursor;
    /// Incremental reads of a time cursor start this many seconds before it ([sync] overlap_seconds): late
    /// commits and rows sharing the boundary's timestamp are read again; the engine skips unchanged rows.
    int overlap_seconds = 0;
    /// A date or timestamp cursor never moves past this (now plus [sync] future_tolerance_s); none: no limit.
    std::optional<std::chrono::system_clock::time_point> cursor_limit;
};

/// An exported order as the ERP reports it.
struct OrderState {
    std::string status;  ///< open, confirmed, shipped, invoiced or cancelled
    std::optional<std::string> tracking_number;
    std::optional<std::string> invoice_number;
};

/// One live price question; every value as text.
struct LivePriceQuestion {
    std::string customer;
    std::string sku;
    std::string quantity;
    std::string currency;
    std::string date;  ///< YYYY-MM-DD
};

/// The ERP's answer: a unit price as exact decimal text (never a double) and its currency when the ERP says.
struct LivePriceAnswer {
    std::string unit_price;
    std::optional<std::string> currency;
};

/// The ERP's own price for a line, asked while a customer waits. Thread-safe: the pricing APIs ask from many
/// threads at once. A call blocks for as long as the ERP takes; the caller bounds the wait (app/live_prices.h).
class LivePriceSource {
  public:
    virtual ~LivePriceSource() = default;
    /// nullopt: the ERP has no price for it.
    virtual Result<std::optional<LivePriceAnswer>> ask(const LivePriceQuestion& question) = 0;
};

/// One column (or field) of a source table (or resource), as `connectors discover` shows it.
struct DiscoveredColumn {
    std::string name;
    std::string type;  ///< the source's own type name ("varchar(40)", "NUMERIC", "string")
    bool nullable = true;
};

/// A table, view or resource of the source.
struct DiscoveredResource {
    std::string name;  ///< as it is written in a query or request ("Sales.Product", "items")
    std::vector<DiscoveredColumn> columns;
    std::optional<std::int64_t> rows;  ///< counted when asked (DiscoverRequest::count_rows)
};

/// What discover is asked.
struct DiscoverRequest {
    std::optional<std::string> stream;  ///< only the resource this stream maps to
    bool columns = true;                ///< list each resource's columns
    bool count_rows = false;            ///< count each resource's rows (can be slow)
};

/// What discover found, and a suggested stream mapping per stream it could match.
struct Discovery {
    std::vector<DiscoveredResource> resources;
    /// (stream, TOML of an [erp.streams.<stream>] table to paste), for each stream a resource matched.
    std::vector<std::pair<std::string, std::string>> suggestions;
};

/// How a configured stream fared in a dry check (`connectors test --streams`).
struct StreamCheck {
    std::string stream;
    std::optional<Error> error;  ///< none: its read works and delivers every mapped field
    std::string detail;          ///< e.g. the columns the query returns
};

/// An open read of one stream. Created by Connector::open. Used by one thread at a time, not necessarily the thread
/// that opened it: the engine calls next() from its read-ahead thread while the job's thread applies the previous
/// batch, and destroys the session on the job's thread. May hold a server cursor and a connection until destroyed.
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

/// An ERP connector, made by its kind's factory from the [erp] settings (engine/connector/registry.h).
///
/// Threads: a connector is used by one job thread at a time, except livePrices()'s source (thread-safe). Every call
/// blocks on the ERP and returns failures as Error values; none throws.
class Connector {
  public:
    virtual ~Connector() = default;

    /// The kind it was made as ("odbc"): its registry name.
    virtual std::string kind() const = 0;

    /// The streams this connector is configured for ("products", "stock", ...).
    virtual std::vector<std::string> streams() const = 0;

    /// Whether `stream` can be read incrementally (from a cursor). When not, the engine reads it in full every run.
    virtual bool incremental(const std::string& stream) const = 0;

    /// Tests the connection. Blocks up to the login timeout. Returns a one-line description of the
    /// source ("PostgreSQL 15.20 via psqlodbcw.so 13.02.0000").
    virtual Result<std::string> check() = 0;

    /// Starts reading `stream`. Incremental reads continue from request.cursor (minus the overlap for a time
    /// cursor); a stream without incremental reads, or a request without a cursor, is read in full.
    virtual Result<std::unique_ptr<PullSession>> open(const std::string& stream, const OpenRequest& request) = 0;

    /// Reads each configured stream without applying anything (as few rows as the source allows) and checks that
    /// every mapped field is there. The default opens each stream in full and reads its first batch.
    virtual std::vector<StreamCheck> checkStreams();

    /// The source's tables or resources with their columns (only the one request.stream maps to, when given), and a
    /// suggested mapping per stream. Config error "not supported" by default.
    virtual Result<Discovery> discover(const DiscoverRequest& request);

    /// The live price source of this connector, or nullptr when it is not configured for live prices.
    virtual Result<std::shared_ptr<LivePriceSource>> livePrices();

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
