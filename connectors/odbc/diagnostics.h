#pragma once

// Module-internal: included by this module's .cpp files only (it pulls in the unixODBC headers, which the
// public headers keep out of their users' way).

#include <sql.h>
#include <sqlext.h>

#include <string>
#include <string_view>
#include <vector>

#include "connectors/odbc/odbc_error.h"

namespace syncline::odbc::detail {

/// All diagnostic records of `handle` (SQLGetDiagRec from 1 until SQL_NO_DATA), messages redacted of `secrets`
/// and of password attributes, line breaks folded into spaces, repeated records dropped.
std::vector<DiagnosticRecord> collectDiagnostics(SQLSMALLINT handle_type, SQLHANDLE handle,
                                                 const std::vector<std::string>& secrets);

/// Returns `rc` when it is SQL_SUCCESS, SQL_SUCCESS_WITH_INFO or SQL_NO_DATA; otherwise throws OdbcError with the
/// diagnostics of `handle` and `operation` (the ODBC function's name).
SQLRETURN check(SQLRETURN rc, SQLSMALLINT handle_type, SQLHANDLE handle, std::string_view operation,
                const std::vector<std::string>& secrets);

/// An OdbcError for a failure found by this module itself (no driver diagnostics), SQLSTATE HY000.
OdbcError moduleError(std::string operation, std::string message);

}  // namespace syncline::odbc::detail
