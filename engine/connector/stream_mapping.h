#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/connector/connector.h"
#include "engine/connector/settings.h"
#include "engine/connector/stream_config.h"

namespace syncline::connector {

/// The settings every config-driven connector shares for its streams, to add to its spec: [erp.streams.<stream>]
/// with `fields` (canonical field = "COLUMN" or { column, type, prefix, default }), `cursor_field` and `batch_size`.
/// A connector adds its own per-stream keys (an SQL query, a request, a file pattern) beside them.
std::vector<SettingSpec> streamMappingSettings();

/// The streams of `settings`' [streams] table in pull order (products, stock, customers, price_rules), each with its
/// mapping, cursor field and batch size. Adds to `issues` what is wrong: an unknown stream, an unknown field, a
/// missing required field, an unknown type, a default that does not fit its type, a cursor_field that is not mapped.
std::vector<StreamConfig> readStreamMappings(const Settings& settings, std::vector<SettingIssue>& issues);

/// The names of the streams `settings` configure, in pull order (no checks).
std::vector<std::string> configuredStreams(const Settings& settings);

}  // namespace syncline::connector

namespace syncline::connector {

/// A resource's columns matched to a stream's fields by name, for `connectors discover`.
struct SuggestedMapping {
    std::string stream;
    std::string resource;
    std::vector<std::pair<std::string, std::string>> fields;  ///< (field, column), in the stream's field order
    std::vector<std::string> unmatched_required;              ///< required fields no column matched
};

/// The resource whose columns match most of `stream`'s fields (names compared without case, '_' and spaces, with a
/// few common ERP synonyms: ItemCode for sku, ModifiedDate for erp_modified), or nullopt when none matches a
/// required field.
std::optional<SuggestedMapping> suggestMapping(const std::string& stream,
                                               const std::vector<DiscoveredResource>& resources);

/// `text` as a TOML basic string, quoted, with '"' and '\\' escaped.
std::string tomlString(const std::string& text);

/// A mapping as TOML to paste: [erp.streams.<stream>] with the lines `extra` (e.g. `query = "..."`), then its
/// [erp.streams.<stream>.fields], unmatched required fields as comments.
std::string mappingToml(const SuggestedMapping& mapping, const std::vector<std::string>& extra);

}  // namespace syncline::connector
