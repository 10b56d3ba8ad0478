#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

#include "engine/config/config.h"

// Internal to engine/config: the [erp] plugin_dir part of load().
namespace syncline::config {

/// Loads the connector plug-ins in the folder [erp] plugin_dir of `root` names (relative to the folder of `file`;
/// connector/plugin_loader.h), so their kinds are registered before erp.connector is looked up. Each plug-in refused,
/// and a folder that is missing or unusable, becomes an issue at erp.plugin_dir naming the file. Nothing happens
/// without the key.
void loadPluginDir(const toml::table& root, const std::string& file, std::vector<ConfigIssue>& issues);

}  // namespace syncline::config
