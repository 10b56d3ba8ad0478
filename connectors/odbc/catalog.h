#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/odbc/connection.h"

namespace syncline::odbc {

/// What a connection is connected to, as the driver reports it (SQLGetInfo); shown by `syncline connectors test`.
struct ConnectionInfo {
    std::string dbms_name;         ///< "PostgreSQL", "SQLite"
    std::string dbms_version;      ///< e.g. "15.0020"
    std::string driver_name;       ///< the driver library, e.g. "psqlodbcw.so"
    std::string driver_version;    ///< e.g. "13.02.0000"
    std::string data_source_name;  ///< the DSN; empty for a DSN-less connection
};

/// A user table. `schema` is empty when the driver has no schemas (SQLite).
struct TableInfo {
    std::string schema;
    std::string name;

    friend bool operator==(const TableInfo&, const TableInfo&) = default;
};

/// One column of a table (SQLColumns).
struct ColumnInfo {
    std::string name;
    std::string type;  ///< the driver's type name with its size: "varchar(40)", "numeric(19,6)", "INTEGER"
    bool nullable = true;
};

/// The connection's DBMS and driver names and versions and its data source name. The connection's thread; may block
/// (some drivers ask the server). Throws OdbcError.
ConnectionInfo describe(Connection& connection);

/// The tables (SQLTables, type TABLE, and VIEW when asked) the connection's user can see, in the driver's order
/// (schema, name), without PostgreSQL's pg_catalog and information_schema. The connection's thread; blocks on the
/// server. Throws OdbcError.
std::vector<TableInfo> listTables(Connection& connection, bool with_views = false);

/// The columns of `table` in their order (SQLColumns). The connection's thread; blocks on the server. Throws OdbcError.
std::vector<ColumnInfo> listColumns(Connection& connection, const TableInfo& table);

/// The number of rows of `table` (SELECT COUNT(*), the name quoted with the driver's identifier quote and qualified
/// with its schema when it has one). The connection's thread; blocks on the server for as long as the count takes.
/// Throws OdbcError (42xxx, config, for an unknown table).
std::int64_t countRows(Connection& connection, const TableInfo& table);

/// `identifier` between two `quote` strings, each `quote` in it doubled; unchanged when `quote` is empty or " "
/// (SQL_IDENTIFIER_QUOTE_CHAR of a driver without quoting). Pure: any thread, never throws.
std::string quoteIdentifier(std::string_view identifier, std::string_view quote);

/// `schema.name` with both parts quoted by quoteIdentifier, or just the quoted name when the schema is empty.
std::string qualifiedName(const TableInfo& table, std::string_view quote);

}  // namespace syncline::odbc
