#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace syncline::connector {

/// How the engine must react to a failed connector call. Every connector (built in, plug-in or
/// out-of-process) reports failures with one of these, so the scheduler can tell "retry later"
/// from "stop and tell the admin".
enum class ErrorKind {
    Transient,  ///< the ERP or network is temporarily unavailable: retry with backoff
    Config,     ///< credentials, permissions, a missing table or a bad query: stop, tell the admin
    Data,       ///< this record is bad: reject it and go on
    Fatal,      ///< anything else: stop the run
};

/// Stable lower-case name ("transient", "config", "data", "fatal") used in logs, JSON and the DB.
std::string_view toString(ErrorKind kind);

/// A failure returned across the connector boundary. `code` is the source's own code
/// (an ODBC SQLSTATE, an HTTP status), `message` is safe to show and log: it never holds a secret.
struct Error {
    ErrorKind kind = ErrorKind::Fatal;
    std::string code;
    std::string message;

    std::string describe() const;
};

/// A value or an Error, for calls that cross the connector boundary.
template <typename T>
class Result {
  public:
    Result(T value) : state_(std::move(value)) {}
    Result(Error error) : state_(std::move(error)) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(state_); }
    const T& value() const { return std::get<0>(state_); }
    const Error& error() const { return std::get<1>(state_); }

  private:
    std::variant<T, Error> state_;
};

}  // namespace syncline::connector
