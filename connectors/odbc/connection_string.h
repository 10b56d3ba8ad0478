#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace syncline::odbc {

/// One `key=value` attribute of an ODBC connection string, e.g. {"UseDeclareFetch", "1"}.
struct ConnectionAttribute {
    std::string key;
    std::string value;
};

/// `value` as an ODBC connection-string attribute value: unchanged, or in braces (`{a;b}`, a `}` doubled) when it
/// holds `;`, `{` or `}`. Pure: any thread, never throws.
std::string quoteAttributeValue(std::string_view value);

/// The connection string for SQLDriverConnect. `dsn_or_connection_string` is either a data source name from
/// odbc.ini (no `=` in it: gives `DSN=<name>;`) or a DSN-less string such as `Driver={PostgreSQL Unicode};Server=db`
/// (kept as written, with a `;` appended when missing). Then each extra attribute, then `UID=` when `user` is not
/// empty and `PWD=` when `password` is not empty, values quoted by quoteAttributeValue.
/// This is the only place a password enters a connection string: never log the result (redactSecrets removes it).
/// Pure: any thread. Throws std::invalid_argument when the DSN/string is empty or an attribute key is empty or holds
/// `=`, `;`, `{` or `}`.
std::string buildConnectionString(std::string_view dsn_or_connection_string, std::string_view user,
                                  std::string_view password,
                                  const std::vector<ConnectionAttribute>& extra_attributes = {});

/// The values of the `PWD` and `Password` attributes (any letter case) of a connection string, brace quoting undone.
/// Pure: any thread, never throws.
std::vector<std::string> connectionStringSecrets(std::string_view connection_string);

/// `text` with every occurrence of each non-empty secret replaced by `***`, and the value of every `PWD=...` and
/// `Password=...` attribute (any letter case, plain up to `;` or the end, or `{...}`) replaced by `***` wherever it
/// appears. Use on every message that may quote a connection string or a driver's echo of it.
/// Pure: any thread, never throws (except std::bad_alloc).
std::string redactSecrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace syncline::odbc
