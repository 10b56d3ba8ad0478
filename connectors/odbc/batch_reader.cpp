#include "connectors/odbc/batch_reader.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "connectors/odbc/diagnostics.h"

namespace syncline::odbc {

static_assert(std::is_same_v<SQLLEN, std::ptrdiff_t>, "indicator buffers are declared as std::ptrdiff_t");
static_assert(std::is_same_v<SQLULEN, unsigned long>, "rows_fetched_ is declared as unsigned long");
static_assert(std::is_same_v<SQLUSMALLINT, unsigned short>, "row_status_ is declared as unsigned short");

namespace {

constexpr std::size_t kMinTemporalBytes = 32;
constexpr std::size_t kFloatBytes = 32;
constexpr std::size_t kGuidBytes = 36;
constexpr std::size_t kUtf8BytesPerCharacter = 4;

// Bytes a value of the column takes as SQL_C_CHAR text (without the NUL); 0 when it is long or of unknown length.
std::size_t valueBytes(SQLSMALLINT type, SQLULEN size) {
    const auto limit = static_cast<SQLULEN>(BatchReader::kMaxBoundValueBytes);
    std::size_t bytes = 0;
    switch (type) {
        case SQL_LONGVARCHAR:
        case SQL_WLONGVARCHAR:
        case SQL_LONGVARBINARY:
            return 0;
        case SQL_TINYINT:
        case SQL_SMALLINT:
        case SQL_INTEGER:
        case SQL_BIGINT:
            return std::max<std::size_t>(size, 20) + 2;  // sign; a driver may report 0 for the precision
        case SQL_BIT:
            return 8;
        case SQL_REAL:
        case SQL_FLOAT:
        case SQL_DOUBLE:
            return kFloatBytes;
        case SQL_GUID:
            return kGuidBytes;
        case SQL_TYPE_DATE:
        case SQL_TYPE_TIME:
        case SQL_TYPE_TIMESTAMP:
        case SQL_DATETIME:  // ODBC 2 SQL_DATE
        case SQL_TIME:
        case SQL_TIMESTAMP:
            return std::clamp<std::size_t>(size, kMinTemporalBytes, kMinTemporalBytes * 4);
        case SQL_DECIMAL:
        case SQL_NUMERIC:
            bytes = size == 0 || size > limit ? 0 : size + 3;
            break;
        case SQL_BINARY:
        case SQL_VARBINARY:
            bytes = size == 0 || size > limit ? 0 : size * 2;
            break;
        default:  // CHAR, VARCHAR, WCHAR, WVARCHAR, intervals, driver-specific types
            bytes = size == 0 || size > limit ? 0 : size * kUtf8BytesPerCharacter;
            break;
    }
    if (type >= SQL_INTERVAL_YEAR && type <= SQL_INTERVAL_MINUTE_TO_SECOND) {
        bytes = std::max(bytes, kMinTemporalBytes);
    }
    return bytes > BatchReader::kMaxBoundValueBytes ? 0 : bytes;
}

std::string columnNameAt(SQLHSTMT stmt, SQLUSMALLINT number, const std::vector<std::string>& secrets, SQLSMALLINT& type,
                         SQLULEN& size, SQLSMALLINT& digits) {
    std::vector<SQLCHAR> name(256);
    for (;;) {
        SQLSMALLINT length = 0, nullable = 0;
        detail::check(SQLDescribeCol(stmt, number, name.data(), static_cast<SQLSMALLINT>(name.size()), &length, &type,
                                     &size, &digits, &nullable),
                      SQL_HANDLE_STMT, stmt, "SQLDescribeCol", secrets);
        if (length < static_cast<SQLSMALLINT>(name.size())) {
            return std::string(reinterpret_cast<const char*>(name.data()), static_cast<std::size_t>(length));
        }
        name.resize(static_cast<std::size_t>(length) + 1);
    }
}

void setAttribute(SQLHSTMT stmt, SQLINTEGER attribute, SQLULEN value, std::string_view name,
                  const std::vector<std::string>& secrets) {
    detail::check(SQLSetStmtAttr(stmt, attribute, reinterpret_cast<SQLPOINTER>(value), 0), SQL_HANDLE_STMT, stmt, name,
                  secrets);
}

void setPointerAttribute(SQLHSTMT stmt, SQLINTEGER attribute, void* pointer, std::string_view name,
                         const std::vector<std::string>& secrets) {
    detail::check(SQLSetStmtAttr(stmt, attribute, pointer, 0), SQL_HANDLE_STMT, stmt, name, secrets);
}

}  // namespace

BatchReader::BatchReader(Connection& connection, std::string_view sql,
                         const std::vector<std::optional<std::string>>& parameters, const BatchReaderOptions& options)
    : statement_(connection), watchdog_(options.watchdog) {
    const auto stmt = static_cast<SQLHSTMT>(statement_.handle());
    if (options.query_timeout.count() > 0) {
        try {
            setAttribute(stmt, SQL_ATTR_QUERY_TIMEOUT, static_cast<SQLULEN>(options.query_timeout.count()),
                         "SQLSetStmtAttr(SQL_ATTR_QUERY_TIMEOUT)", statement_.secrets());
        } catch (const OdbcError& error) {
            if (error.sqlState() != "HYC00") {  // optional feature not implemented: the query runs without a limit
                throw;
            }
        }
    }
    if (parameters.empty()) {
        const auto watch = watchCall();
        statement_.execute(sql);
    } else {
        statement_.prepare(sql);
        for (std::size_t i = 0; i < parameters.size(); ++i) {
            statement_.bindText(i + 1, parameters[i]);
        }
        const auto watch = watchCall();
        statement_.execute();
    }
    if (statement_.columnCount() == 0) {
        throw OdbcError("SQLNumResultCols", {{"07005", 0, "the statement returned no result set (not a SELECT?)"}});
    }
    describeColumns(std::max<std::size_t>(options.rows_per_fetch, 1), options.max_buffer_bytes);
    bindColumns();
}

BatchReader::~BatchReader() = default;

StatementWatchdog::Watch BatchReader::watchCall() {
    return watchdog_ != nullptr ? watchdog_->watch(statement_.handle()) : StatementWatchdog::Watch();
}

void BatchReader::describeColumns(std::size_t requested_rows, std::size_t max_buffer_bytes) {
    const auto stmt = static_cast<SQLHSTMT>(statement_.handle());
    const std::size_t count = statement_.columnCount();
    if (count > std::numeric_limits<SQLUSMALLINT>::max()) {
        throw detail::moduleError("SQLNumResultCols", "more than 65535 result columns");
    }
    std::size_t row_bytes = sizeof(SQLUSMALLINT);
    for (std::size_t i = 0; i < count; ++i) {
        SQLSMALLINT type = 0, digits = 0;
        SQLULEN size = 0;
        ResultColumn column;
        column.name = columnNameAt(stmt, static_cast<SQLUSMALLINT>(i + 1), statement_.secrets(), type, size, digits);
        column.sql_type = type;
        column.size = size > static_cast<SQLULEN>(std::numeric_limits<std::size_t>::max() / 8) ? 0 : size;
        column.decimal_digits = digits;
        column.value_bytes = valueBytes(type, size);
        column.long_data = column.value_bytes == 0;
        array_fetch_ = array_fetch_ && !column.long_data;
        row_bytes += column.value_bytes + 1 + sizeof(SQLLEN);
        columns_.push_back(std::move(column));
    }
    rows_per_fetch_ = array_fetch_ ? std::clamp<std::size_t>(max_buffer_bytes / row_bytes, 1, requested_rows) : 1;
}

void BatchReader::bindColumns() {
    if (!array_fetch_) {
        row_values_.resize(columns_.size());
        return;
    }
    const auto stmt = static_cast<SQLHSTMT>(statement_.handle());
    const auto& secrets = statement_.secrets();
    setAttribute(stmt, SQL_ATTR_ROW_BIND_TYPE, SQL_BIND_BY_COLUMN, "SQLSetStmtAttr(SQL_ATTR_ROW_BIND_TYPE)", secrets);
    setAttribute(stmt, SQL_ATTR_ROW_ARRAY_SIZE, rows_per_fetch_, "SQLSetStmtAttr(SQL_ATTR_ROW_ARRAY_SIZE)", secrets);
    row_status_.assign(rows_per_fetch_, SQL_ROW_NOROW);
    setPointerAttribute(stmt, SQL_ATTR_ROW_STATUS_PTR, row_status_.data(), "SQLSetStmtAttr(SQL_ATTR_ROW_STATUS_PTR)",
                        secrets);
    setPointerAttribute(stmt, SQL_ATTR_ROWS_FETCHED_PTR, &rows_fetched_, "SQLSetStmtAttr(SQL_ATTR_ROWS_FETCHED_PTR)",
                        secrets);
    data_.resize(columns_.size());
    indicators_.resize(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        const std::size_t width = columns_[i].value_bytes + 1;
        data_[i].assign(rows_per_fetch_ * width, '\0');
        indicators_[i].assign(rows_per_fetch_, SQL_NULL_DATA);
        detail::check(SQLBindCol(stmt, static_cast<SQLUSMALLINT>(i + 1), SQL_C_CHAR, data_[i].data(),
                                 static_cast<SQLLEN>(width), indicators_[i].data()),
                      SQL_HANDLE_STMT, stmt, "SQLBindCol", secrets);
    }
}

std::size_t BatchReader::fetch() {
    if (done_) {
        return 0;
    }
    const std::size_t rows = array_fetch_ ? fetchBlock() : fetchRow();
    done_ = rows == 0;
    return rows;
}

std::size_t BatchReader::fetchBlock() {
    const auto stmt = static_cast<SQLHSTMT>(statement_.handle());
    rows_fetched_ = 0;
    SQLRETURN rc = SQL_SUCCESS;
    {
        const auto watch = watchCall();
        rc = SQLFetch(stmt);
    }
    if (detail::check(rc, SQL_HANDLE_STMT, stmt, "SQLFetch", statement_.secrets()) == SQL_NO_DATA) {
        return 0;
    }
    const auto rows = std::min<std::size_t>(rows_fetched_, rows_per_fetch_);
    for (std::size_t row = 0; row < rows; ++row) {
        if (row_status_[row] == SQL_ROW_ERROR) {
            auto records = detail::collectDiagnostics(SQL_HANDLE_STMT, stmt, statement_.secrets());
            records.insert(records.begin(),
                           DiagnosticRecord{
                               "HY000", 0, "the driver could not read row " + std::to_string(row + 1) + " of a block"});
            throw OdbcError("SQLFetch", std::move(records));
        }
    }
    return rows;
}

std::size_t BatchReader::fetchRow() {
    const auto watch = watchCall();  // the row's long values may come over the network too
    if (!statement_.fetch()) {
        return 0;
    }
    for (std::size_t i = 0; i < columns_.size(); ++i) {
        row_values_[i] = statement_.getText(i + 1);
    }
    return 1;
}

bool BatchReader::truncated(std::size_t row, std::size_t column) const {
    if (!array_fetch_) {
        return false;
    }
    const SQLLEN indicator = indicators_[column][row];
    return indicator == SQL_NO_TOTAL ||
           (indicator != SQL_NULL_DATA && static_cast<std::size_t>(indicator) > columns_[column].value_bytes);
}

std::optional<std::string_view> BatchReader::value(std::size_t row, std::size_t column) const {
    if (!array_fetch_) {
        const auto& value = row_values_[column];
        return value ? std::optional<std::string_view>(*value) : std::nullopt;
    }
    const SQLLEN indicator = indicators_[column][row];
    if (indicator == SQL_NULL_DATA) {
        return std::nullopt;
    }
    const ResultColumn& info = columns_[column];
    if (indicator == SQL_NO_TOTAL || static_cast<std::size_t>(indicator) > info.value_bytes) {
        throw OdbcError("SQLFetch", {{"22001", 0,
                                      "a value of column '" + info.name + "' is longer than the " +
                                          std::to_string(info.value_bytes) +
                                          " bytes its declared size allows; CAST it to a wider type in the query"}});
    }
    return std::string_view(data_[column].data() + row * (info.value_bytes + 1), static_cast<std::size_t>(indicator));
}

}  // namespace syncline::odbc
