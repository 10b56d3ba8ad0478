#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace syncline::config {

enum class ValueKind { String, Integer, Boolean, Table, StringList };

/// One allowed key of the config file: its type, its limits and its help text. The table of these
/// (configSchema()) is the single source of truth for validation, and for the example config's docs.
struct KeySpec {
    std::string path;  ///< dotted, e.g. "webstore.port"
    ValueKind kind = ValueKind::String;
    std::vector<std::string> allowed;  ///< for strings: the only accepted values (empty = any)
    std::optional<std::int64_t> min;   ///< for integers
    std::optional<std::int64_t> max;
    std::string help;
};

const std::vector<KeySpec>& configSchema();

/// `path` with a stream, entity or job name replaced by "*" ("erp.streams.products.query" → "erp.streams.*.query",
/// "schedule.catalog.cron" → "schedule.*.cron").
std::string wildcardPath(const std::string& path);

/// The spec of `path` (stream, entity and job names match "*"), or nullptr.
const KeySpec* findKey(const std::string& path);

/// The allowed keys directly under the table at `prefix` ("" for the top level).
std::vector<std::string> keysUnder(const std::string& prefix);

}  // namespace syncline::config
