#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/odbc/connection.h"
#include "connectors/odbc/statement.h"
#include "connectors/odbc/statement_watchdog.h"

namespace syncline::odbc {

/// One column of a BatchReader's result set, as SQLDescribeCol reported it, and how it is read.
struct ResultColumn {
    std::string name;             ///< the driver's label (PostgreSQL folds unquoted names to lower case)
    int sql_type = 0;             ///< SQL_VARCHAR, SQL_NUMERIC, ... (sql.h / sqlext.h)
    std::size_t size = 0;         ///< column size: characters, or the precision of a number; 0 when unknown
    int decimal_digits = 0;       ///< scale of a number, fraction digits of a timestamp
    std::size_t value_bytes = 0;  ///< the longest value its array buffer holds (without the NUL); 0 for long data
    bool long_data = false;       ///< too long or of unknown length for an array buffer: read with SQLGetData
};

/// How a BatchReader reads.
struct BatchReaderOptions {
    /// Rows per SQLFetch (SQL_ATTR_ROW_ARRAY_SIZE), at least 1; lowered so the buffers stay within max_buffer_bytes.
    std::size_t rows_per_fetch = 1000;
    /// SQL_ATTR_QUERY_TIMEOUT for the execution and each fetch; 0 = no limit. psqlODBC enforces it with
    /// statement_timeout (SQLSTATE 57014 when it fires); sqliteodbc only uses it as its busy timeout; a driver without
    /// it (HYC00) runs the query without a limit.
    std::chrono::seconds query_timeout{0};
    /// Upper bound of the array buffers (values, indicators, row status) of all columns together.
    std::size_t max_buffer_bytes = std::size_t{32} << 20;
    /// When set (it must outlive the reader), the execution and each fetch are watched by it: one running longer
    /// than its limit is cancelled (StatementWatchdog).
    StatementWatchdog* watchdog = nullptr;
};

/// Executes one SELECT and reads its result in blocks of rows with ODBC array fetch: every column bound as SQL_C_CHAR
/// (text exactly as the driver formats it: NUMERIC stays exact, CHAR keeps its padding) into column-wise buffers of
/// rows_per_fetch values, with SQL_ATTR_ROWS_FETCHED_PTR and SQL_ATTR_ROW_STATUS_PTR. Memory is bounded by
/// rows_per_fetch × the row's buffer width whatever the size of the result set, provided the driver streams too
/// (psqlODBC UseDeclareFetch=1, sqliteodbc StepAPI=1: see withStreamingAttributes).
///
/// Buffer width per value, from SQLDescribeCol: CHAR/VARCHAR/WCHAR/WVARCHAR 4 × size (UTF-8); DECIMAL/NUMERIC
/// precision + 3 (sign, point, leading zero); integers size + 2; floating point 32; dates, times, timestamps and
/// intervals max(size, 32); GUID 36; BINARY/VARBINARY 2 × size (hex); anything else 4 × size.
///
/// Long data: a LONGVARCHAR, WLONGVARCHAR or LONGVARBINARY column (PostgreSQL `text` through psqlODBC), or a column
/// whose size is 0, unknown (SQL_NO_TOTAL) or needs more than kMaxBoundValueBytes, cannot be bound without either
/// cutting values or reserving megabytes per row. When a result set has such a column the whole result is read row by
/// row instead (one row per fetch(), every value with SQLGetData in chunks, no length limit) — correct but slower
/// (arrayFetch() is false). CAST the column to a bounded type (VARCHAR(n)) in the query to keep array fetch.
///
/// Truncation: a bound value longer than its buffer (a SQLite column holding more than its declared size, a
/// PostgreSQL NUMERIC without precision holding more than 28 digits) is never cut silently: truncated() tells, and
/// value() throws OdbcError (SQLSTATE 22001, data) naming the column.
///
/// Used by one thread at a time, with its Connection; fetch() blocks on the server. Every call that reaches the driver
/// throws OdbcError on failure (a lost connection classifies as transient). Not movable: the driver keeps pointers
/// to the reader's buffers.
class BatchReader {
  public:
    /// Values needing more bytes than this are read as long data.
    static constexpr std::size_t kMaxBoundValueBytes = 64 * 1024;

    /// Executes `sql` on `connection` (which must outlive the reader): directly without parameters, else prepared
    /// with each parameter bound as text (std::nullopt = NULL) in order. Describes the result columns, binds them and
    /// sets the array fetch attributes. Blocks on the server for the execution. Throws OdbcError, also when the
    /// statement returns no result set (SQLSTATE 07005).
    BatchReader(Connection& connection, std::string_view sql, const std::vector<std::optional<std::string>>& parameters,
                const BatchReaderOptions& options);
    ~BatchReader();
    BatchReader(const BatchReader&) = delete;
    BatchReader& operator=(const BatchReader&) = delete;

    /// The result columns, in select-list order.
    const std::vector<ResultColumn>& columns() const { return columns_; }
    /// True when rows are read in blocks; false when a long column forced the row-by-row path.
    bool arrayFetch() const { return array_fetch_; }
    /// Rows one fetch() reads at most (1 on the row-by-row path).
    std::size_t rowsPerFetch() const { return rows_per_fetch_; }

    /// Reads the next block of rows and returns how many it holds; 0 at the end of the result (and on every later
    /// call). The values of the previous block are gone. Blocks on the server.
    std::size_t fetch();

    /// Value of `column` (0-based, below columns().size()) in `row` (0-based, below the last fetch()'s count; indices
    /// are not checked); std::nullopt for NULL. The view is valid until the next fetch(). Throws OdbcError (22001)
    /// when the value was truncated.
    std::optional<std::string_view> value(std::size_t row, std::size_t column) const;
    /// Whether the value did not fit its buffer (only possible with arrayFetch()).
    bool truncated(std::size_t row, std::size_t column) const;

  private:
    void describeColumns(std::size_t requested_rows, std::size_t max_buffer_bytes);
    void bindColumns();
    std::size_t fetchBlock();
    std::size_t fetchRow();
    StatementWatchdog::Watch watchCall();

    Statement statement_;
    StatementWatchdog* watchdog_ = nullptr;
    std::vector<ResultColumn> columns_;
    bool array_fetch_ = true;
    bool done_ = false;
    std::size_t rows_per_fetch_ = 1;
    // Array fetch: one buffer of rows_per_fetch_ × (value_bytes + 1) and one indicator per row, per column.
    std::vector<std::vector<char>> data_;
    std::vector<std::vector<std::ptrdiff_t>> indicators_;  // SQLLEN
    std::vector<unsigned short> row_status_;               // SQLUSMALLINT
    unsigned long rows_fetched_ = 0;                       // SQLULEN
    // Row by row: the values of the current row.
    std::vector<std::optional<std::string>> row_values_;
};

}  // namespace syncline::odbc
