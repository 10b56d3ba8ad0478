#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace syncline::odbc {

/// Why connecting with `connection_string` would write the password where others can read it, or nullopt.
/// psqlODBC's `CommLog` and `Debug` settings log every connection, its password included, to world-readable
/// /tmp/psqlodbc_*.log / mylog_*.log files, and a connection string's `CommLog=0` does not turn off what
/// odbcinst.ini turned on. So a psqlODBC connection is refused when either is on (not 0) in the connection string,
/// in the DSN's odbc.ini section or in the driver's odbcinst.ini section; the message names where, and how to
/// fix it. Reads the ini files through unixODBC: any thread, no network, never throws (except std::bad_alloc).
std::optional<std::string> driverLoggingRisk(std::string_view connection_string);

}  // namespace syncline::odbc
