#include "app/config_lookup.h"

#include <cstdlib>
#include <filesystem>

#include "engine/config/config.h"

namespace syncline::app {

const std::vector<std::string>& defaultConfigCandidates() {
    static const std::vector<std::string> candidates = {"./syncline.toml", "/etc/syncline/syncline.toml"};
    return candidates;
}

std::string findConfig(const std::string& explicit_path, const std::string& environment_path,
                       const std::vector<std::string>& candidates) {
    if (!explicit_path.empty()) {
        return explicit_path;
    }
    if (!environment_path.empty()) {
        return environment_path;  // named on purpose: a missing file is an error, not a reason to look elsewhere
    }
    std::string tried;
    for (const auto& candidate : candidates) {
        std::error_code ec;
        if (std::filesystem::exists(candidate, ec)) {
            return candidate;
        }
        tried += (tried.empty() ? "" : ", then ") + candidate;
    }
    throw config::ConfigError(
        {config::ConfigIssue{"syncline", 0, 0, "",
                             "no config file found: without -c FILE or $SYNCLINE_CONFIG it looks for " + tried +
                                 ", and none exists (`syncline init` writes ./syncline.toml; the package installs "
                                 "/etc/syncline/syncline.toml)"}});
}

std::string configPathOf(const std::string& explicit_path) {
    const char* env = std::getenv("SYNCLINE_CONFIG");
    return findConfig(explicit_path, env == nullptr ? "" : env);
}

}  // namespace syncline::app
