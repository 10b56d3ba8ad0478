#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "engine/connector/settings.h"

namespace syncline::connector_host {

/// Checks settings that came as JSON (ConnectorService.checkSettings/configure) against a connector kind's setting
/// specs, the way `syncline check-config` checks an [erp] section: unknown keys (naming the nearest known one),
/// types, integer ranges, allowed values, required keys, and secrets written into the settings instead of being
/// handed over. Keys of a Mapping are the connector's own and are not looked at. Path values are made absolute
/// (relative to the working folder). Issues carry dotted paths relative to the settings. Any thread.
std::vector<connector::SettingIssue> checkSettingsJson(const std::vector<connector::SettingSpec>& specs,
                                                       nlohmann::json& values);

}  // namespace syncline::connector_host
