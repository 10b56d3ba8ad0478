#include "connectors/odbc/odbc_error.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace syncline::odbc {

using connector::ErrorKind;

namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

std::string lowerCase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

template <std::size_t N>
bool containsAny(const std::string& lower_text, const std::array<std::string_view, N>& needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view needle) { return lower_text.find(needle) != std::string::npos; });
}

// libpq's login failures that no retry can fix, which psqlODBC reports as 08001 like a refused connection.
constexpr std::array<std::string_view, 7> kLoginConfigMessages = {
    "authentication failed",    // password, ident, peer, ... authentication failed for user
    "no password supplied",     // fe_sendauth
    "no pg_hba.conf entry",     // host not allowed
    "pg_hba.conf rejects",      // host explicitly rejected
    "does not exist",           // database "x" / role "x" does not exist
    "permission denied",        // for database "x"
    "is not permitted to log",  // role "x" is not permitted to log in
};

// Messages of a connection lost mid-session (libpq, psqlODBC, driver managers), reported by some drivers as HY000.
constexpr std::array<std::string_view, 10> kLostConnectionMessages = {
    "server closed the connection",
    "connection has been lost",
    "connection lost",
    "lost connection",
    "could not send data to server",
    "could not receive data from server",
    "no connection to the server",
    "connection reset",
    "broken pipe",
    "communication link failure",
};

// sqliteodbc reports every SQLite failure as HY000 with the SQLite result code as native error.
ErrorKind classifySqliteResult(const DiagnosticRecord& record) {
    switch (record.native_error) {
        case 5:  // SQLITE_BUSY
        case 6:  // SQLITE_LOCKED
            return ErrorKind::Transient;
        case 3:   // SQLITE_PERM
        case 8:   // SQLITE_READONLY
        case 14:  // SQLITE_CANTOPEN
        case 23:  // SQLITE_AUTH
        case 26:  // SQLITE_NOTADB
            return ErrorKind::Config;
        case 18:  // SQLITE_TOOBIG
        case 19:  // SQLITE_CONSTRAINT (unique, not null, check, foreign key)
        case 20:  // SQLITE_MISMATCH
        case 25:  // SQLITE_RANGE
            return ErrorKind::Data;
        case 1: {  // SQLITE_ERROR: among others, the statement does not fit the schema
            const std::string lower = lowerCase(record.message);
            constexpr std::array<std::string_view, 3> kSchemaMessages = {"no such table", "no such column",
                                                                         "syntax error"};
            return containsAny(lower, kSchemaMessages) ? ErrorKind::Config : ErrorKind::Fatal;
        }
        default:
            return ErrorKind::Fatal;
    }
}

std::string describeRecords(const std::vector<DiagnosticRecord>& records) {
    std::string out;
    for (const auto& record : records) {
        if (!out.empty()) {
            out += " | ";
        }
        out += "[" + record.sql_state + "] " + record.message;
    }
    return out;
}

std::vector<DiagnosticRecord> atLeastOne(const std::string& operation, std::vector<DiagnosticRecord> records) {
    if (records.empty()) {
        records.push_back({"HY000", 0, operation + " failed without a diagnostic record"});
    }
    return records;
}

}  // namespace

// SQLSTATE table. The ODBC 3 and PostgreSQL codes share the ISO class prefixes.
//
//   SQLSTATE        kind       meaning
//   08xxx           transient  connection exception: server unreachable, link lost (08001, 08S01, ...)
//   HYT00, HYT01    transient  query timeout, connection timeout expired
//   40001           transient  serialization failure: run the transaction again
//   40P01           transient  deadlock detected (PostgreSQL)
//   57P01..57P03    transient  admin shutdown, crash shutdown, cannot connect now (PostgreSQL)
//   57014           transient  query canceled: how psqlODBC reports its own query timeout (like HYT00)
//   53300           transient  too many connections (PostgreSQL): others will have disconnected later
//   28xxx           config     invalid authorization: wrong user or password
//   42xxx           config     syntax error or access rule violation: bad query, undefined table, no privilege
//   3D000           config     invalid catalog name: unknown database
//   3F000           config     invalid schema name
//   IM002..IM005    config     driver manager: data source or driver not found, driver could not be loaded
//   22xxx           data       data exception: bad value, overflow, invalid format
//   23xxx           data       integrity constraint violation: unique, foreign key, not null, check
//   anything else   fatal
ErrorKind classifySqlState(std::string_view sql_state) {
    if (startsWith(sql_state, "08") || sql_state == "HYT00" || sql_state == "HYT01" || sql_state == "40001" ||
        sql_state == "40P01" || sql_state == "57P01" || sql_state == "57P02" || sql_state == "57014" ||
        sql_state == "57P03" || sql_state == "53300") {
        return ErrorKind::Transient;
    }
    if (startsWith(sql_state, "28") || startsWith(sql_state, "42") || sql_state == "3D000" || sql_state == "3F000" ||
        sql_state == "IM002" || sql_state == "IM003" || sql_state == "IM004" || sql_state == "IM005" ||
        sql_state == kRefusedSetting) {
        return ErrorKind::Config;
    }
    if (startsWith(sql_state, "22") || startsWith(sql_state, "23")) {
        return ErrorKind::Data;
    }
    return ErrorKind::Fatal;
}

ErrorKind classifyDiagnostic(const DiagnosticRecord& record) {
    const std::string_view state = record.sql_state;
    if (startsWith(state, "08")) {
        return containsAny(lowerCase(record.message), kLoginConfigMessages) ? ErrorKind::Config : ErrorKind::Transient;
    }
    if (state == "HY000" && startsWith(record.message, "[SQLite]")) {
        return classifySqliteResult(record);
    }
    if (state == "HY000" && containsAny(lowerCase(record.message), kLostConnectionMessages)) {
        return ErrorKind::Transient;
    }
    if (state == "01000" && record.message.find("Can't open lib") != std::string::npos) {
        return ErrorKind::Config;
    }
    return classifySqlState(state);
}

OdbcError::OdbcError(std::string operation, std::vector<DiagnosticRecord> records)
    : std::runtime_error(""), operation_(std::move(operation)), records_(atLeastOne(operation_, std::move(records))) {
    static_cast<std::runtime_error&>(*this) = std::runtime_error(describeRecords(records_));
}

const DiagnosticRecord& OdbcError::primary() const {
    const auto it = std::find_if(records_.begin(), records_.end(), [](const DiagnosticRecord& record) {
        return !startsWith(record.sql_state, "01") && !startsWith(record.sql_state, "00");
    });
    return it != records_.end() ? *it : records_.front();
}

connector::Error toError(const OdbcError& error) {
    return connector::Error{error.kind(), error.sqlState(), error.what()};
}

}  // namespace syncline::odbc
