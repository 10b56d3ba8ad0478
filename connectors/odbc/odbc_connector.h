#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/odbc/connection.h"
#include "connectors/odbc/order_export.h"
#include "engine/connector/connector.h"
#include "engine/connector/order_config.h"
#include "engine/connector/stream_config.h"

namespace syncline::odbc {

/// One stream of the ODBC connector: its field mapping and the SQL that reads it.
struct OdbcStream : connector::StreamConfig {
    std::string query;              ///< full read: every row of the stream
    std::string incremental_query;  ///< changed rows: one parameter, the cursor (empty = no incremental read)
};

/// The configuration of an OdbcConnector, made from the [erp] settings by odbcConfigOf (odbc_settings.h).
struct OdbcConnectorConfig {
    /// Complete connection string with UID/PWD, built by the caller with buildConnectionString (the connector adds
    /// withLinkAttributes). Never logged: errors have its passwords removed.
    std::string connection_string;
    std::chrono::seconds login_timeout{Connection::kDefaultLoginTimeout};
    std::chrono::seconds query_timeout{300};  ///< per query execution and per fetch; 0 = no limit
    std::vector<OdbcStream> streams;
    /// [erp.orders]: how orders are written into the ERP; not configured() = no order export.
    connector::OrderExportConfig orders{};
    /// [erp.live_price] query: the ERP's price for one line (LivePriceQuery); empty: no live prices.
    std::string live_price_query{};
    /// Absolute; when set, ODBCSYSINI/ODBCINI point here for this process (unixODBC reads them once, at the first
    /// ODBC call): the constructor sets them.
    std::string odbc_ini_dir{};
};

/// The config-only SQL connector. Pull side: each stream is an SQL query of the ERP's own whose result columns are
/// mapped to canonical fields (see OdbcPullSession for batches, normalization and errors). Push side: orders are
/// written by the ERP's own statements with named parameters (see OrderExport for the values and the transaction).
///
/// Streaming: before connecting a session, the connector adds the attributes that make a recognized driver stream
/// its result instead of loading it whole (withStreamingAttributes: psqlODBC UseDeclareFetch=1 and Fetch=<the
/// stream's batch_size>, sqliteodbc StepAPI=1), unless the connection string or the DSN sets them already.
///
/// A stalled ERP link: every connection of the connector gets TCP keepalive and a TCP user timeout where the driver
/// takes them (withLinkAttributes: psqlODBC's pqopt), so a dead link fails as a transient error within about a
/// minute. A pull session's execution and each fetch are also watched: one that runs longer than the query timeout
/// is cancelled (SQLCancel from a watchdog thread; not for sqliteodbc, whose SQLCancel is not safe from another thread)
/// and fails as a transient error saying so — for drivers or setups that do not enforce the timeout themselves
/// (psqlODBC with IgnoreTimeout=1 behind a pooler). A link that stays up but forwards nothing is beyond both: the run's
/// stall bound (app/run_watchdog.h) ends such a run.
///
/// Used by one job thread at a time; each call blocks on the ERP. Never throws: failures are connector::Error
/// values, ODBC ones classified by SQLSTATE (toError).
class OdbcConnector final : public connector::Connector {
  public:
    explicit OdbcConnector(OdbcConnectorConfig config);

    /// "odbc".
    std::string kind() const override;
    /// The configured streams' names, in config order.
    std::vector<std::string> streams() const override;
    /// Whether the stream has an incremental_query.
    bool incremental(const std::string& stream) const override;

    /// Connects (blocking up to the login timeout) and describes the source: "PostgreSQL 15.20 via psqlodbcw.so
    /// 13.02.0000" (DBMS name and version via driver library and version, as the driver reports them).
    connector::Result<std::string> check() override;

    /// Opens a session on a new connection (one per session) and executes the stream's query:
    /// - Full: `query`.
    /// - Incremental: `incremental_query` with the request's cursor (minus the overlap for a date or timestamp
    ///   cursor_field) bound as its only parameter (text; the driver converts it to the compared column's type).
    ///   When the stream has no incremental_query, or there is no cursor yet (the first run), the full `query` runs
    ///   instead: an incremental pull never silently reads nothing.
    /// Each batch carries the highest cursor_field value so far as its cursor (connector::FieldCursor).
    /// Config error for a stream that is not configured, a batch_size below 1, no mapped field, a default that does
    /// not fit its type, or a mapped column missing from the query's result (the message lists the result's
    /// columns). Blocks for the login and the query's execution (up to the query timeout).
    connector::Result<std::unique_ptr<connector::PullSession>> open(const std::string& stream,
                                                                    const connector::OpenRequest& request) override;

    /// The tables and views the user can see (SQLTables, SQLColumns; row counts by SELECT COUNT(*) when asked), with
    /// a suggested [erp.streams.*] mapping per stream whose fields match a table's columns by name.
    connector::Result<connector::Discovery> discover(const connector::DiscoverRequest& request) override;

    /// A LivePriceQuery over a pool of connections of its own, when [erp.live_price] query is set.
    connector::Result<std::shared_ptr<connector::LivePriceSource>> livePrices() override;

    /// Whether [erp.orders] is configured (even when its statements failed the checks: the calls then say why).
    bool exportsOrders() const override;

    /// Runs find_query with :order_id = `key` on a connection of its own (autocommit): the first column of its first
    /// row (spaces trimmed), or nullopt when it returns no row. Config error when order export is not configured or
    /// its statements failed the checks made at construction (unknown parameter, `?` placeholder, ...).
    connector::Result<std::optional<std::string>> findOrder(const std::string& key) override;

    /// Writes `order` with :order_id = `key`: header statements, then the line statement per line, in one
    /// transaction on a connection opened for this call (autocommit off, SQLEndTran COMMIT or ROLLBACK; never SQL
    /// BEGIN/COMMIT). Returns the ERP document number. Errors name the failing statement ("header 2", "line 3 (sku
    /// 'X')") with the SQLSTATE and the driver's message; a failed COMMIT is Transient with an unknown outcome.
    connector::Result<std::string> pushOrder(const model::Order& order, const std::string& key) override;
    /// status_query of [erp.orders] (OrderExport::status).
    bool readsOrderStatus() const override;
    connector::Result<std::optional<connector::OrderState>> orderStatus(const std::string& key) override;

  private:
    OdbcConnectorConfig config_;
    std::optional<OrderExport> orders_;  ///< set when config_.orders is configured()
};

}  // namespace syncline::odbc
