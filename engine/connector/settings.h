#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace syncline::connector {

/// The kind of value a setting holds, as written in the config file.
enum class SettingKind {
    String,
    Integer,
    Boolean,
    Table,       ///< a table whose keys are settings of their own
    StringList,  ///< an array of strings
    Path,        ///< a string naming a file or folder, relative to the config file's folder; delivered absolute
    Secret,      ///< written as `<key>_env` (an environment variable's name) or `<key>_file`, never as the value
    Statements,  ///< one string, or an array of strings (statements run in order)
    Mapping,     ///< a table whose keys the connector checks itself (a stream's field mapping)
};

/// One setting a connector (or the engine) accepts: its type, limits, default and help text. The list of these is
/// the single source of truth for checking a config file, for `syncline connectors spec` and for the example config.
struct SettingSpec {
    std::string path;  ///< dotted, relative to its section; "*" stands for a name ("streams.*.query")
    SettingKind kind = SettingKind::String;
    std::vector<std::string> allowed;  ///< strings: the only accepted values (empty = any)
    std::optional<std::int64_t> min;   ///< integers
    std::optional<std::int64_t> max;
    std::string help;
    std::optional<std::string> default_value;  ///< as it would be written in the file; none: no default
    bool required = false;                     ///< the section is incomplete without it
};

/// Shorthands for building spec lists.
SettingSpec stringSetting(std::string path, std::string help, std::vector<std::string> allowed = {},
                          std::optional<std::string> default_value = std::nullopt);
SettingSpec integerSetting(std::string path, std::int64_t min, std::int64_t max, std::string help,
                           std::optional<std::int64_t> default_value = std::nullopt);
SettingSpec booleanSetting(std::string path, std::string help, std::optional<bool> default_value = std::nullopt);
SettingSpec tableSetting(std::string path, std::string help);
SettingSpec kindSetting(SettingKind kind, std::string path, std::string help);

/// The stable lower-case name of a kind ("string", "integer", "secret", ...), for `connectors spec`.
std::string toString(SettingKind kind);

/// A connector's settings as read from the [erp] section: checked against its spec (types, ranges, allowed values,
/// unknown keys), paths made absolute, secrets resolved. Plain data; never logged (secrets holds passwords).
struct Settings {
    /// The section as JSON: tables are objects, integers numbers. Secret settings are absent here (see secrets).
    nlohmann::json values = nlohmann::json::object();
    /// Secret settings by their spec path ("password"), resolved from the environment or a file.
    std::map<std::string, std::string> secrets;
    int login_timeout_s = 10;   ///< [erp] login_timeout_s: seconds to wait for a connection
    int query_timeout_s = 300;  ///< [erp] query_timeout_s: seconds one call (query, request, fetch) may take

    /// The string at a dotted path, or `fallback` when absent or not a string.
    std::string string(const std::string& path, const std::string& fallback = "") const;
    /// The integer at a dotted path, or `fallback`.
    std::int64_t integer(const std::string& path, std::int64_t fallback) const;
    /// The boolean at a dotted path, or `fallback`.
    bool boolean(const std::string& path, bool fallback) const;
    /// The value at a dotted path, or nullptr.
    const nlohmann::json* find(const std::string& path) const;
    /// A secret's value, or "" when it is not set.
    std::string secret(const std::string& name) const;
};

/// A problem with a connector's settings found beyond the schema, at a dotted path relative to the section
/// ("streams.stock.cursor_field"); the engine adds the file, line and column.
struct SettingIssue {
    std::string path;
    std::string message;
};

}  // namespace syncline::connector
