#include "connectors/odbc/catalog.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "connectors/odbc/diagnostics.h"
#include "connectors/odbc/statement.h"

namespace syncline::odbc {

namespace {

std::string infoText(Connection& connection, SQLUSMALLINT info_type, std::string_view name) {
    std::vector<char> buffer(256);
    for (;;) {
        SQLSMALLINT length = 0;
        detail::check(
            SQLGetInfo(connection.handle(), info_type, buffer.data(), static_cast<SQLSMALLINT>(buffer.size()), &length),
            SQL_HANDLE_DBC, connection.handle(), name, connection.secrets());
        if (length < static_cast<SQLSMALLINT>(buffer.size())) {
            return std::string(buffer.data(), static_cast<std::size_t>(std::max<SQLSMALLINT>(length, 0)));
        }
        buffer.resize(static_cast<std::size_t>(length) + 1);
    }
}

bool isSystemSchema(std::string_view schema) {
    return schema == "pg_catalog" || schema == "information_schema";
}

}  // namespace

ConnectionInfo describe(Connection& connection) {
    ConnectionInfo info;
    info.dbms_name = infoText(connection, SQL_DBMS_NAME, "SQLGetInfo(SQL_DBMS_NAME)");
    info.dbms_version = infoText(connection, SQL_DBMS_VER, "SQLGetInfo(SQL_DBMS_VER)");
    info.driver_name = infoText(connection, SQL_DRIVER_NAME, "SQLGetInfo(SQL_DRIVER_NAME)");
    info.driver_version = infoText(connection, SQL_DRIVER_VER, "SQLGetInfo(SQL_DRIVER_VER)");
    info.data_source_name = infoText(connection, SQL_DATA_SOURCE_NAME, "SQLGetInfo(SQL_DATA_SOURCE_NAME)");
    return info;
}

std::vector<TableInfo> listTables(Connection& connection, bool with_views) {
    Statement statement(connection);
    // psqlODBC reads a NULL schema as "the search path": ask for every schema explicitly.
    SQLCHAR any_schema[] = "%";
    SQLCHAR any_table[] = "%";
    SQLCHAR tables_only[] = "TABLE";
    SQLCHAR tables_and_views[] = "TABLE,VIEW";
    SQLCHAR* table_type = with_views ? tables_and_views : tables_only;
    detail::check(
        SQLTables(statement.handle(), nullptr, 0, any_schema, SQL_NTS, any_table, SQL_NTS, table_type, SQL_NTS),
        SQL_HANDLE_STMT, statement.handle(), "SQLTables", connection.secrets());
    // Result columns: TABLE_CAT, TABLE_SCHEM, TABLE_NAME, TABLE_TYPE, REMARKS.
    std::vector<TableInfo> tables;
    while (statement.fetch()) {
        TableInfo table{statement.getText(2).value_or(""), statement.getText(3).value_or("")};
        if (!isSystemSchema(table.schema)) {
            tables.push_back(std::move(table));
        }
    }
    return tables;
}

std::vector<ColumnInfo> listColumns(Connection& connection, const TableInfo& table) {
    Statement statement(connection);
    std::string schema = table.schema;
    std::string name = table.name;
    detail::check(
        SQLColumns(statement.handle(), nullptr, 0, schema.empty() ? nullptr : reinterpret_cast<SQLCHAR*>(schema.data()),
                   schema.empty() ? 0 : SQL_NTS, reinterpret_cast<SQLCHAR*>(name.data()), SQL_NTS, nullptr, 0),
        SQL_HANDLE_STMT, statement.handle(), "SQLColumns", connection.secrets());
    // Result columns: TABLE_CAT, TABLE_SCHEM, TABLE_NAME, COLUMN_NAME (4), DATA_TYPE, TYPE_NAME (6), COLUMN_SIZE (7),
    // BUFFER_LENGTH, DECIMAL_DIGITS (9), NUM_PREC_RADIX, NULLABLE (11); read in increasing order.
    std::vector<ColumnInfo> columns;
    while (statement.fetch()) {
        ColumnInfo column;
        column.name = statement.getText(4).value_or("");
        column.type = statement.getText(6).value_or("?");
        const auto size = statement.getText(7);
        const auto digits = statement.getText(9);
        const std::string lower = [&] {
            std::string t = column.type;
            std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return std::tolower(c); });
            return t;
        }();
        if (size && (lower.find("char") != std::string::npos || lower == "numeric" || lower == "decimal")) {
            column.type += "(" + *size + (digits && lower.find("char") == std::string::npos ? "," + *digits : "") + ")";
        }
        column.nullable = statement.getText(11).value_or("1") != "0";
        columns.push_back(std::move(column));
    }
    return columns;
}

std::int64_t countRows(Connection& connection, const TableInfo& table) {
    const std::string quote = infoText(connection, SQL_IDENTIFIER_QUOTE_CHAR, "SQLGetInfo(SQL_IDENTIFIER_QUOTE_CHAR)");
    Statement statement(connection);
    statement.execute("SELECT COUNT(*) FROM " + qualifiedName(table, quote));
    const std::optional<std::string> text = statement.fetch() ? statement.getText(1) : std::nullopt;
    std::int64_t count = -1;
    if (text) {
        const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), count);
        if (error != std::errc{} || end != text->data() + text->size()) {
            count = -1;
        }
    }
    if (count < 0) {
        throw detail::moduleError("SQLFetch", "SELECT COUNT(*) returned no count but '" + text.value_or("NULL") + "'");
    }
    return count;
}

std::string quoteIdentifier(std::string_view identifier, std::string_view quote) {
    if (quote.empty() || quote == " ") {
        return std::string(identifier);
    }
    std::string out(quote);
    for (std::size_t pos = 0; pos < identifier.size();) {
        if (identifier.substr(pos, quote.size()) == quote) {
            out.append(quote).append(quote);
            pos += quote.size();
        } else {
            out += identifier[pos++];
        }
    }
    out.append(quote);
    return out;
}

std::string qualifiedName(const TableInfo& table, std::string_view quote) {
    const std::string name = quoteIdentifier(table.name, quote);
    return table.schema.empty() ? name : quoteIdentifier(table.schema, quote) + "." + name;
}

}  // namespace syncline::odbc
