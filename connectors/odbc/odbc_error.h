#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/connector/error.h"

namespace syncline::odbc {

/// One ODBC diagnostic record, as read by SQLGetDiagRec. The message has every known secret removed
/// and its line breaks folded into spaces, so it is safe to log as one line.
struct DiagnosticRecord {
    std::string sql_state;          ///< five characters, e.g. "08001"
    std::int32_t native_error = 0;  ///< the driver's or DBMS's own code (sqliteodbc: the SQLite result code)
    std::string message;            ///< as the driver manager or driver wrote it, e.g. "[SQLite]no such table: x (1)"
};

/// The SQLSTATE of Syncline's own refusal to connect with a driver setting that would expose a secret (psqlODBC's
/// CommLog or Debug, driver_logging.h): a config error.
inline constexpr std::string_view kRefusedSetting = "SLCFG";

/// The kind of failure an SQLSTATE stands for, by the table in odbc_error.cpp (08xxx transient, 28xxx config,
/// 23xxx data, ...). Pure function: any thread, never blocks, never throws.
connector::ErrorKind classifySqlState(std::string_view sql_state);

/// Like classifySqlState, refined by the message and native code where a driver reports faults of different
/// kinds under one SQLSTATE: psqlODBC reports every failed login as 08001 (a wrong password is config, a refused
/// TCP connection transient), sqliteodbc reports everything as HY000 with the SQLite result code as native error,
/// unixODBC reports a missing driver library as 01000 "Can't open lib". Pure: any thread, never throws.
connector::ErrorKind classifyDiagnostic(const DiagnosticRecord& record);

/// A failed ODBC call. Thrown inside this module only; at the connector boundary convert it with toError().
/// what() is "[SQLSTATE] message" for each record, joined by " | ", without secrets.
class OdbcError : public std::runtime_error {
  public:
    /// `operation` names the failed ODBC call ("SQLDriverConnect"). When `records` is empty a record with SQLSTATE
    /// HY000 saying so is added, so primary() always exists. The messages must already be redacted.
    OdbcError(std::string operation, std::vector<DiagnosticRecord> records);

    const std::string& operation() const { return operation_; }
    const std::vector<DiagnosticRecord>& records() const { return records_; }
    /// The record that describes the failure: the first that is not a warning or success (class 01, 00),
    /// else the first (unixODBC reports "Can't open lib" as a lone 01000 record of a failed call).
    const DiagnosticRecord& primary() const;
    const std::string& sqlState() const { return primary().sql_state; }
    /// classifyDiagnostic(primary()).
    connector::ErrorKind kind() const { return classifyDiagnostic(primary()); }

  private:
    std::string operation_;
    std::vector<DiagnosticRecord> records_;
};

/// The connector-boundary value of an OdbcError: kind(), the primary SQLSTATE as code, what() as message.
connector::Error toError(const OdbcError& error);

}  // namespace syncline::odbc
