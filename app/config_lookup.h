#pragma once

#include <string>
#include <vector>

namespace syncline::app {

/// Where `syncline` looks for its config when neither -c nor $SYNCLINE_CONFIG names one, in this order:
/// ./syncline.toml, then /etc/syncline/syncline.toml (the package's).
const std::vector<std::string>& defaultConfigCandidates();

/// The config file to read: `explicit_path` (-c) when not empty, else `environment_path` ($SYNCLINE_CONFIG) when
/// not empty, else the first of `candidates` that exists. Throws config::ConfigError naming what it tried when none
/// does (exit 78).
std::string findConfig(const std::string& explicit_path, const std::string& environment_path,
                       const std::vector<std::string>& candidates = defaultConfigCandidates());

/// The config file of this process: findConfig() with -c and $SYNCLINE_CONFIG.
std::string configPathOf(const std::string& explicit_path);

}  // namespace syncline::app
