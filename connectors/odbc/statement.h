#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/odbc/connection.h"

namespace syncline::odbc {

/// An ODBC statement (SQLHSTMT) on a Connection: direct or prepared execution with text parameters, and a
/// forward-only cursor read row by row, every value as text. Move-only. Used by one thread at a time, the same
/// that uses its Connection; calls that reach the server (execute, fetch, getText) may block. Every method throws
/// OdbcError when the driver reports an error, with the connection's secrets removed from the message.
/// The statement keeps its connection's handle alive. A moved-from Statement may only be destroyed or assigned to.
class Statement {
  public:
    /// Allocates a statement on `connection` (which must not be moved-from).
    explicit Statement(Connection& connection);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// Closes any open cursor and runs `sql` (SQLExecDirect) with the parameters bound so far.
    void execute(std::string_view sql);
    /// Closes any open cursor, forgets all bound parameters and prepares `sql` (SQLPrepare).
    void prepare(std::string_view sql);
    /// Binds parameter `index` (1-based) as text, or SQL NULL for std::nullopt; the statement keeps the value
    /// until it is bound again or prepare() is called. The driver converts the text to the column's type
    /// (decimals stay exact). Throws std::out_of_range for index 0 or above 32767.
    void bindText(std::size_t index, std::optional<std::string> value);
    /// Closes any open cursor and runs the prepared statement (SQLExecute) with the bound parameters.
    void execute();
    /// Closes the open cursor, if any (SQLFreeStmt SQL_CLOSE), so that a kept statement holds no result set (with
    /// psqlODBC's UseDeclareFetch, no server cursor and no transaction); the prepared statement and its parameters
    /// stay.
    void closeCursor();

    /// Rows changed by the last INSERT, UPDATE or DELETE (SQLRowCount); -1 when the driver cannot tell.
    std::int64_t affectedRows() const;
    /// Columns of the current result set; 0 when the statement produced none.
    std::size_t columnCount() const;
    /// Name (label) of result column `column` (1-based).
    std::string columnName(std::size_t column) const;

    /// Moves to the next row; false after the last one.
    bool fetch();
    /// Value of column `column` (1-based) of the current row, converted to text by the driver (SQL_C_CHAR, never
    /// through a double: NUMERIC '12.500000' stays exact, CHAR keeps its padding), read in chunks of any length;
    /// std::nullopt for SQL NULL. Read each column at most once per row, in increasing column order (the ODBC
    /// SQLGetData rule most drivers enforce); throws std::logic_error when a column is read twice.
    std::optional<std::string> getText(std::size_t column);

    /// The SQLHSTMT, for code in this module.
    void* handle() const { return handle_; }
    /// The secrets to remove from this statement's diagnostics (its connection's).
    const std::vector<std::string>& secrets() const;

  private:
    struct Parameter;

    std::shared_ptr<Connection::State> connection_;
    void* handle_ = nullptr;
    std::vector<std::unique_ptr<Parameter>> parameters_;
    std::vector<char> chunk_;
};

}  // namespace syncline::odbc
