#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/odbc/batch_reader.h"
#include "connectors/odbc/connection.h"
#include "connectors/odbc/odbc_error.h"
#include "connectors/odbc/statement_watchdog.h"
#include "engine/connector/connector.h"
#include "engine/connector/field_cursor.h"
#include "engine/connector/stream_config.h"

namespace syncline::odbc {

/// What an OdbcPullSession runs: a connection string with the streaming attributes already added, the stream, and
/// the query with its parameters.
struct PullQuery {
    std::string connection_string;  ///< complete, with credentials: never logged
    std::chrono::seconds login_timeout{Connection::kDefaultLoginTimeout};
    std::chrono::seconds query_timeout{0};
    /// Cancel the execution or a fetch that runs longer than query_timeout (StatementWatchdog); false for drivers
    /// whose SQLCancel is not safe from another thread (sqliteodbc).
    bool cancel_overdue = true;
    connector::StreamConfig stream;
    std::string sql;
    std::vector<std::optional<std::string>> parameters;
    /// Where the stream's cursor starts and how far it may go (the cursor is the highest cursor_field value).
    connector::OpenRequest request;
};

/// One read of a stream of a config-driven ODBC connector, on a connection of its own (opened by open(), closed
/// at the end of the stream, after an error, or when the session is destroyed). Rows are array-fetched
/// (BatchReader, stream.batch_size rows per fetch) and each mapped column is normalized (normalizeField) into the
/// canonical text of its field.
///
/// Per row of a batch: `rows` holds the fields' values in fields() order; `raw` holds "Column=value; ..." of every
/// column of the source row as the driver returned it (NULL as NULL, cut at about 1 KB); `row_errors` holds the
/// first normalization failure of the row as field "list_price", reason "'12,5.3' is not a decimal number" (the
/// failing field is std::nullopt and the row is still delivered, so the pipeline can reject it with its raw values),
/// or an empty RowError. `cursor` is the highest value of the stream's cursor_field so far (connector::FieldCursor).
/// A value longer than its column's array buffer is such a row error too, never cut silently.
///
/// With a query timeout and cancel_overdue, the execution and each fetch that run longer than it are cancelled by a
/// StatementWatchdog; the error then says so: "stream 'products': the ERP did not answer within 300 s (the query
/// timeout); the statement was cancelled: ..." (transient).
///
/// Used by one thread at a time (the pull's read-ahead thread); next() blocks on the ERP. Never throws: ODBC failures
/// come back as connector::Error classified by SQLSTATE (a connection lost mid-read is transient); after an error
/// every later next() returns the same error.
class OdbcPullSession final : public connector::PullSession {
  public:
    /// Connects, executes the query and maps each field's column (case-insensitive) to a result column. Blocks up to
    /// the login timeout and for the query's execution. Config error when a mapped column is not in the result (the
    /// message lists the columns the query returns) or appears in it twice; ODBC failures by their SQLSTATE.
    static connector::Result<std::unique_ptr<connector::PullSession>> open(const PullQuery& query);

    ~OdbcPullSession() override;

    const std::vector<std::string>& fields() const override { return fields_; }
    connector::Result<bool> next(connector::RecordBatch& batch) override;

  private:
    OdbcPullSession(const PullQuery& query, std::unique_ptr<StatementWatchdog> watchdog,
                    std::unique_ptr<Connection> connection, std::unique_ptr<BatchReader> reader,
                    std::vector<std::size_t> field_columns);

    // `error` as a connector::Error; a transient one naming the query timeout when the watchdog cancelled the call.
    static connector::Error failure(const std::string& stream, const StatementWatchdog* watchdog,
                                    const OdbcError& error);

    // Fills row `index` of `batch` (which exists) from `row` of the reader's block.
    void fillRow(connector::RecordBatch& batch, std::size_t index, std::size_t row) const;
    // "Column=value; ..." of the row in cells_.
    void writeRaw(std::string& raw) const;
    void release();

    connector::StreamConfig stream_;
    std::vector<std::string> fields_;
    std::vector<std::size_t> field_columns_;       // per field of stream_.fields: its column in the reader
    std::unique_ptr<StatementWatchdog> watchdog_;  // before the reader: it outlives the statement it watches
    std::unique_ptr<Connection> connection_;
    std::unique_ptr<BatchReader> reader_;
    std::size_t block_rows_ = 0;  // rows of the reader's current block
    std::size_t next_row_ = 0;    // the first of them not yet delivered
    bool done_ = false;
    std::optional<connector::Error> failure_;
    std::optional<connector::FieldCursor> cursor_;  // when the stream has a cursor_field
    // The current row's values, read once for both the fields and the raw text.
    struct Cell {
        std::optional<std::string_view> value;
        bool truncated = false;
    };
    mutable std::vector<Cell> cells_;
};

}  // namespace syncline::odbc
