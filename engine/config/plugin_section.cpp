#include "engine/config/plugin_section.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/connector/plugin_loader.h"

namespace syncline::config {

namespace fs = std::filesystem;

void loadPluginDir(const toml::table& root, const std::string& file, std::vector<ConfigIssue>& issues) {
    const toml::node* node = root.at_path("erp.plugin_dir").node();
    if (node == nullptr || !node->is_string()) {
        return;  // absent, or not a string: checkTable reports the latter
    }
    const std::string value = node->as_string()->get();
    const int line = static_cast<int>(node->source().begin.line);
    const int column = static_cast<int>(node->source().begin.column);
    if (value.empty()) {
        issues.push_back({file, line, column, "erp.plugin_dir", "must name a folder"});
        return;
    }
    const fs::path dir =
        fs::path(value).is_absolute() ? fs::path(value) : (fs::path(file).parent_path() / value).lexically_normal();
    for (const auto& problem : connector::loadPluginDir(dir.string())) {
        issues.push_back({file, line, column, "erp.plugin_dir", problem.describe()});
    }
}

void loadConfiguredPlugins(const std::string& path) {
    std::error_code ec;
    const std::string absolute = fs::absolute(path, ec).lexically_normal().string();
    if (!fs::is_regular_file(absolute, ec) || fs::file_size(absolute, ec) > 1024 * 1024) {
        return;  // no config (or no config file at all): only the built-in kinds; load() says what is wrong
    }
    std::ifstream in(absolute);
    std::stringstream text;
    text << in.rdbuf();
    toml::table root;
    try {
        root = toml::parse(text.str(), absolute);
    } catch (const toml::parse_error&) {
        return;  // load() reports the syntax error with its position
    }
    std::vector<ConfigIssue> issues;
    loadPluginDir(root, absolute, issues);
    if (!issues.empty()) {
        throw ConfigError(std::move(issues));
    }
}

}  // namespace syncline::config
