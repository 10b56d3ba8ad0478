#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/odbc/connection_string.h"

namespace syncline::odbc {

/// ODBC drivers whose streaming settings Syncline knows.
enum class DriverFamily {
    PsqlOdbc,    ///< psqlODBC (PostgreSQL Unicode / ANSI, psqlodbcw.so, psqlodbca.so)
    SqliteOdbc,  ///< sqliteodbc (SQLite3, libsqlite3odbc.so)
    Other,
};

/// The `key=value` attributes of a connection string in order, keys trimmed, brace quoting of values undone
/// (`{a;b}` → `a;b`, `}}` → `}`). Pure: any thread, never throws (except std::bad_alloc).
std::vector<ConnectionAttribute> parseConnectionAttributes(std::string_view connection_string);

/// A value from odbc.ini (`file` "odbc.ini": the user's, then the system's) or odbcinst.ini, through unixODBC;
/// empty when missing. Any thread, no network, never throws (except std::bad_alloc).
std::string profileValue(const std::string& section, const char* key, const char* file);

/// The driver family a connection string leads to: by its `Driver` attribute, or for `DSN=name` by the DSN's
/// `Driver` in odbc.ini; a driver name is also looked up in odbcinst.ini to see its library. Matched by name and
/// library ("psqlodbc"/"postgres", "sqlite"). Reads the ini files through unixODBC (ODBCSYSINI/ODBCINI): any
/// thread, no network, never throws (except std::bad_alloc); Other when nothing matches.
DriverFamily driverFamily(std::string_view connection_string);

/// `connection_string` with the attributes that make the driver stream a result instead of loading all of it into
/// memory first (psqlODBC 1.5 GB and sqliteodbc 1.3 GB for 5M rows otherwise), appended when the driver is
/// recognized (driverFamily) and the setting is neither in the connection string (under any of its names, any
/// letter case) nor in the DSN's odbc.ini section — a setting the user made is never overridden:
/// - psqlODBC: `UseDeclareFetch=1` (read through a server cursor; alias B6) and `Fetch=<fetch_rows>` (rows per
///   cursor FETCH; alias A7);
/// - sqliteodbc: `StepAPI=1` (step through the statement instead of sqlite3_get_table).
/// Other drivers: unchanged. The result holds the password of the input: never log it.
/// Same threading and errors as driverFamily.
std::string withStreamingAttributes(std::string_view connection_string, std::size_t fetch_rows);

/// How soon a dead ERP link is noticed: TCP keepalive and the TCP user timeout (libpq 12 or later).
struct LinkSettings {
    std::chrono::seconds keepalive_idle{30};      ///< silence before the first keepalive probe
    std::chrono::seconds keepalive_interval{10};  ///< between probes
    int keepalive_count = 3;                      ///< unanswered probes before the link counts as dead
    std::chrono::seconds user_timeout{60};        ///< sent data (or probes) unacknowledged this long ends the link
};

/// `connection_string` with TCP settings that end a dead ERP link (a peer gone, a firewall dropping the connection's
/// packets) within about a minute, instead of the operating system's two hours during which a read waits for an
/// answer that cannot come. For psqlODBC they go to libpq (whose keepalive is on by default) through its `pqopt`
/// attribute: `pqopt={keepalives_idle=30 keepalives_interval=10 keepalives_count=3 tcp_user_timeout=60000}`.
/// A setting the user made is never overridden: nothing is added when `pqopt` (alias D5) is in the connection string
/// or the DSN's odbc.ini section; keepalives_idle is left out when KeepaliveTime (D1) is set and keepalives_interval
/// when KeepaliveInterval (D2) is (psqlODBC refuses a pqopt that contradicts them). A keepalive the user turned off
/// stays off (libpq ignores the keepalive settings then). Other drivers: unchanged (see docs/connectors/odbc.md).
/// Keepalive cannot tell a live but stuck peer from a working one (a middlebox that takes bytes and forwards none):
/// the run's stall bound covers that (docs/reliability.md). Same threading and errors as driverFamily; the result
/// holds the password of the input: never log it.
std::string withLinkAttributes(std::string_view connection_string, const LinkSettings& settings = {});

}  // namespace syncline::odbc
