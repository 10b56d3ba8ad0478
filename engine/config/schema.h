#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/connector/registry.h"

namespace syncline::config {

/// One allowed key of the config file: its type, its limits and its help text. The engine's keys (configSchema())
/// and the chosen connector's (its spec, under [erp]) are the single source of truth for validation, and for the
/// example config's docs.
using KeySpec = connector::SettingSpec;
using ValueKind = connector::SettingKind;

/// The engine's own keys. [erp] holds only erp.connector, erp.plugin_dir, erp.login_timeout_s and
/// erp.query_timeout_s of these; the rest of [erp] is the connector's (erpKeys).
const std::vector<KeySpec>& configSchema();

/// `connector`'s settings as config keys: paths prefixed with "erp.", a secret `x` as the two keys `x_env` and
/// `x_file`.
std::vector<KeySpec> erpKeys(const connector::ConnectorSpec& connector);

/// `path` with a stream, entity or job name replaced by "*" ("erp.streams.products.query" → "erp.streams.*.query",
/// "schedule.catalog.cron" → "schedule.*.cron").
std::string wildcardPath(const std::string& path);

/// The spec of `path` (stream, entity and job names match "*") among the engine's keys and `erp_keys`, or nullptr.
const KeySpec* findKey(const std::string& path, const std::vector<KeySpec>& erp_keys = {});

/// The allowed keys directly under the table at `prefix` ("" for the top level), the engine's and `erp_keys`.
std::vector<std::string> keysUnder(const std::string& prefix, const std::vector<KeySpec>& erp_keys = {});

}  // namespace syncline::config
