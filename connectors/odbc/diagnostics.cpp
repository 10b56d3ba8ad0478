#include "connectors/odbc/diagnostics.h"

#include <algorithm>

#include "connectors/odbc/connection_string.h"

namespace syncline::odbc::detail {

namespace {

// One line per message: drivers end messages with newlines and psqlODBC puts the DETAIL on a line of its own.
std::string foldLines(std::string text) {
    std::replace_if(
        text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    std::string out;
    for (char c : text) {
        if (c != ' ' || (!out.empty() && out.back() != ' ')) {
            out += c;
        }
    }
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

}  // namespace

std::vector<DiagnosticRecord> collectDiagnostics(SQLSMALLINT handle_type, SQLHANDLE handle,
                                                 const std::vector<std::string>& secrets) {
    std::vector<DiagnosticRecord> records;
    if (handle == SQL_NULL_HANDLE) {
        return records;
    }
    std::vector<SQLCHAR> message(1024);
    for (SQLSMALLINT number = 1;; ++number) {
        SQLCHAR state[SQL_SQLSTATE_SIZE + 1] = {};
        SQLINTEGER native = 0;
        SQLSMALLINT length = 0;
        SQLRETURN rc = SQLGetDiagRec(handle_type, handle, number, state, &native, message.data(),
                                     static_cast<SQLSMALLINT>(message.size()), &length);
        if (rc == SQL_SUCCESS_WITH_INFO && length >= static_cast<SQLSMALLINT>(message.size())) {
            message.resize(static_cast<std::size_t>(length) + 1);
            rc = SQLGetDiagRec(handle_type, handle, number, state, &native, message.data(),
                               static_cast<SQLSMALLINT>(message.size()), &length);
        }
        if (!SQL_SUCCEEDED(rc)) {
            break;  // SQL_NO_DATA after the last record
        }
        const std::size_t used = std::min<std::size_t>(std::max<SQLSMALLINT>(length, 0), message.size() - 1);
        DiagnosticRecord record{
            reinterpret_cast<const char*>(state), native,
            redactSecrets(foldLines(std::string(message.begin(), message.begin() + used)), secrets)};
        const bool repeated = std::any_of(records.begin(), records.end(), [&](const DiagnosticRecord& r) {
            return r.sql_state == record.sql_state && r.message == record.message;
        });
        if (!repeated) {
            records.push_back(std::move(record));
        }
    }
    return records;
}

SQLRETURN check(SQLRETURN rc, SQLSMALLINT handle_type, SQLHANDLE handle, std::string_view operation,
                const std::vector<std::string>& secrets) {
    if (rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO || rc == SQL_NO_DATA) {
        return rc;
    }
    if (rc == SQL_INVALID_HANDLE) {
        throw moduleError(std::string(operation), "invalid ODBC handle");
    }
    auto records = collectDiagnostics(handle_type, handle, secrets);
    if (records.empty() && rc != SQL_ERROR) {
        throw moduleError(std::string(operation), "unexpected ODBC return code " + std::to_string(rc));
    }
    throw OdbcError(std::string(operation), std::move(records));
}

OdbcError moduleError(std::string operation, std::string message) {
    return OdbcError(std::move(operation), {DiagnosticRecord{"HY000", 0, std::move(message)}});
}

}  // namespace syncline::odbc::detail
