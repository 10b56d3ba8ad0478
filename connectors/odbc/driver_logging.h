#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace syncline::odbc {

/// psqlODBC's `Debug` and `CommLog` settings write logs to world-readable files in /tmp; `Debug` writes every
/// connection string, the password included. Measured with psqlODBC 13.02:
/// - a `Debug` in the driver's global odbcinst.ini sections ([PostgreSQL Unicode], [PostgreSQL ANSI], or the
///   section the connection names as its driver) takes effect before the connection string is parsed, so nothing
///   in it can turn that off;
/// - the same settings in a DSN's odbc.ini section are overridden by `Debug=0;CommLog=0` in the connection string.
///
/// Why connecting with `connection_string` would still write the password to such a file, or nullopt: a global
/// `Debug` that is on, or `Debug`/`CommLog` asked for in the connection string itself. The message names where, and
/// how to fix it. Other drivers: nullopt. Reads the ini files through unixODBC (ODBCSYSINI/ODBCINI): any thread,
/// no network, never throws (except std::bad_alloc).
std::optional<std::string> driverLoggingRisk(std::string_view connection_string);

/// `connection_string` with `Debug=0;CommLog=0` appended for psqlODBC, which turns off what a DSN turned on;
/// unchanged for other drivers. Holds the password of the input: never log it. Same threading and errors as
/// driverLoggingRisk.
std::string withDriverLoggingOff(std::string_view connection_string);

}  // namespace syncline::odbc
