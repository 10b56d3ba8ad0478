#include "connectors/odbc/statement.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <utility>

#include "connectors/odbc/diagnostics.h"

namespace syncline::odbc {

namespace {

constexpr std::size_t kFirstChunk = 4096;
constexpr std::size_t kMaxChunk = std::size_t{1} << 20;
// Above this many bytes a parameter is sent as SQL_LONGVARCHAR: drivers for servers with a VARCHAR limit
// (SQL Server: 8000 bytes) need the long type for a long value.
constexpr std::size_t kLongTextBytes = 4000;
constexpr std::size_t kMaxColumn = std::numeric_limits<SQLUSMALLINT>::max();

char kNullParameterData[1] = {0};

SQLUSMALLINT columnNumber(std::size_t column) {
    if (column == 0 || column > kMaxColumn) {
        throw std::out_of_range("ODBC column numbers start at 1 and end at 65535, not " + std::to_string(column));
    }
    return static_cast<SQLUSMALLINT>(column);
}

}  // namespace

struct Statement::Parameter {
    std::optional<std::string> value;
    SQLLEN indicator = 0;
};

Statement::Statement(Connection& connection) : connection_(connection.state_) {
    if (!connection_) {
        throw std::logic_error("an ODBC statement needs a connection that was not moved from");
    }
    SQLHSTMT stmt = SQL_NULL_HSTMT;
    detail::check(SQLAllocHandle(SQL_HANDLE_STMT, connection_->handle, &stmt), SQL_HANDLE_DBC, connection_->handle,
                  "SQLAllocHandle", connection_->secrets);
    handle_ = stmt;
}

Statement::~Statement() {
    if (handle_ != nullptr) {
        SQLFreeHandle(SQL_HANDLE_STMT, handle_);
    }
}

Statement::Statement(Statement&& other) noexcept
    : connection_(std::move(other.connection_)),
      handle_(std::exchange(other.handle_, nullptr)),
      parameters_(std::move(other.parameters_)),
      chunk_(std::move(other.chunk_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        if (handle_ != nullptr) {
            SQLFreeHandle(SQL_HANDLE_STMT, handle_);  // before our connection may disconnect below
        }
        handle_ = std::exchange(other.handle_, nullptr);
        parameters_ = std::move(other.parameters_);
        chunk_ = std::move(other.chunk_);
        connection_ = std::move(other.connection_);
    }
    return *this;
}

const std::vector<std::string>& Statement::secrets() const {
    return connection_->secrets;
}

void Statement::execute(std::string_view sql) {
    closeCursor();
    std::string text(sql);  // SQLExecDirect takes a non-const buffer
    detail::check(SQLExecDirect(handle_, reinterpret_cast<SQLCHAR*>(text.data()), static_cast<SQLINTEGER>(text.size())),
                  SQL_HANDLE_STMT, handle_, "SQLExecDirect", secrets());
}

void Statement::prepare(std::string_view sql) {
    closeCursor();
    detail::check(SQLFreeStmt(handle_, SQL_RESET_PARAMS), SQL_HANDLE_STMT, handle_, "SQLFreeStmt(SQL_RESET_PARAMS)",
                  secrets());
    parameters_.clear();
    std::string text(sql);
    detail::check(SQLPrepare(handle_, reinterpret_cast<SQLCHAR*>(text.data()), static_cast<SQLINTEGER>(text.size())),
                  SQL_HANDLE_STMT, handle_, "SQLPrepare", secrets());
}

void Statement::bindText(std::size_t index, std::optional<std::string> value) {
    if (index == 0 || index > static_cast<std::size_t>(std::numeric_limits<SQLSMALLINT>::max())) {
        throw std::out_of_range("ODBC parameter numbers start at 1 and end at 32767, not " + std::to_string(index));
    }
    if (parameters_.size() < index) {
        parameters_.resize(index);
    }
    auto& parameter = parameters_[index - 1];
    if (!parameter) {
        parameter = std::make_unique<Parameter>();
    }
    parameter->value = std::move(value);
    SQLPOINTER data = kNullParameterData;
    std::size_t length = 0;
    if (parameter->value) {
        data = parameter->value->data();
        length = parameter->value->size();
        parameter->indicator = static_cast<SQLLEN>(length);
    } else {
        parameter->indicator = SQL_NULL_DATA;
    }
    const SQLSMALLINT sql_type = length > kLongTextBytes ? SQL_LONGVARCHAR : SQL_VARCHAR;
    detail::check(
        SQLBindParameter(handle_, static_cast<SQLUSMALLINT>(index), SQL_PARAM_INPUT, SQL_C_CHAR, sql_type,
                         std::max<SQLULEN>(length, 1), 0, data, static_cast<SQLLEN>(length), &parameter->indicator),
        SQL_HANDLE_STMT, handle_, "SQLBindParameter", secrets());
}

void Statement::execute() {
    closeCursor();
    detail::check(SQLExecute(handle_), SQL_HANDLE_STMT, handle_, "SQLExecute", secrets());
}

std::int64_t Statement::affectedRows() const {
    SQLLEN count = 0;
    detail::check(SQLRowCount(handle_, &count), SQL_HANDLE_STMT, handle_, "SQLRowCount", secrets());
    return count;
}

std::size_t Statement::columnCount() const {
    SQLSMALLINT count = 0;
    detail::check(SQLNumResultCols(handle_, &count), SQL_HANDLE_STMT, handle_, "SQLNumResultCols", secrets());
    return static_cast<std::size_t>(std::max<SQLSMALLINT>(count, 0));
}

std::string Statement::columnName(std::size_t column) const {
    const SQLUSMALLINT number = columnNumber(column);
    std::vector<SQLCHAR> name(256);
    for (;;) {
        SQLSMALLINT length = 0, type = 0, digits = 0, nullable = 0;
        SQLULEN size = 0;
        detail::check(SQLDescribeCol(handle_, number, name.data(), static_cast<SQLSMALLINT>(name.size()), &length,
                                     &type, &size, &digits, &nullable),
                      SQL_HANDLE_STMT, handle_, "SQLDescribeCol", secrets());
        if (length < static_cast<SQLSMALLINT>(name.size())) {
            return std::string(reinterpret_cast<const char*>(name.data()), static_cast<std::size_t>(length));
        }
        name.resize(static_cast<std::size_t>(length) + 1);
    }
}

bool Statement::fetch() {
    return detail::check(SQLFetch(handle_), SQL_HANDLE_STMT, handle_, "SQLFetch", secrets()) != SQL_NO_DATA;
}

std::optional<std::string> Statement::getText(std::size_t column) {
    const SQLUSMALLINT number = columnNumber(column);
    if (chunk_.size() < kFirstChunk) {
        chunk_.resize(kFirstChunk);
    }
    std::string text;
    for (bool first = true;; first = false) {
        SQLLEN indicator = 0;
        const SQLRETURN rc = detail::check(
            SQLGetData(handle_, number, SQL_C_CHAR, chunk_.data(), static_cast<SQLLEN>(chunk_.size()), &indicator),
            SQL_HANDLE_STMT, handle_, "SQLGetData", secrets());
        if (rc == SQL_NO_DATA) {
            if (first) {
                throw std::logic_error("ODBC column " + std::to_string(column) + " was already read in this row");
            }
            return text;  // the previous chunk was the last one
        }
        if (indicator == SQL_NULL_DATA) {
            return std::nullopt;
        }
        const auto capacity = static_cast<SQLLEN>(chunk_.size()) - 1;  // one byte for the terminating NUL
        if (indicator != SQL_NO_TOTAL && indicator <= capacity) {
            text.append(chunk_.data(), static_cast<std::size_t>(indicator));
            return text;
        }
        // Truncated (SQL_SUCCESS_WITH_INFO, 01004). A driver converting encodings may stop short of a whole
        // character, so take what precedes the NUL rather than the full buffer.
        const std::size_t got = strnlen(chunk_.data(), static_cast<std::size_t>(capacity));
        if (got == 0) {
            throw detail::moduleError("SQLGetData", "the driver returned a truncated value without data");
        }
        text.append(chunk_.data(), got);
        if (indicator != SQL_NO_TOTAL) {
            const auto remaining = static_cast<std::size_t>(indicator) - got;
            text.reserve(text.size() + remaining);
            chunk_.resize(std::clamp(remaining + 1, kFirstChunk, kMaxChunk));
        }
    }
}

void Statement::closeCursor() {
    // SQL_CLOSE, unlike SQLCloseCursor, is no error when no cursor is open.
    detail::check(SQLFreeStmt(handle_, SQL_CLOSE), SQL_HANDLE_STMT, handle_, "SQLFreeStmt(SQL_CLOSE)", secrets());
}

}  // namespace syncline::odbc
