#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <variant>

#include "postgres_sink.h"

namespace syncline::demo_erp {

struct SqliteTarget {
    std::filesystem::path database;  // absolute
};

/// Writes <dir>/odbcinst.ini (the one driver needed) and <dir>/odbc.ini (a DSN named `dsn`), so that
/// ODBCSYSINI=<dir> ODBCINI=<dir>/odbc.ini reach the demo ERP through unixODBC. The files never hold a password:
/// psqlODBC goes through libpq; Syncline gives it the password from erp.password_env / erp.password_file. Throws
/// DemoErpError on I/O errors.
void writeOdbcFiles(const std::filesystem::path& dir, std::string_view dsn,
                    const std::variant<SqliteTarget, PostgresEndpoint>& target);

}  // namespace syncline::demo_erp
