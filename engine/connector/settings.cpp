#include "engine/connector/settings.h"

namespace syncline::connector {

SettingSpec stringSetting(std::string path, std::string help, std::vector<std::string> allowed,
                          std::optional<std::string> default_value) {
    SettingSpec spec{std::move(path), SettingKind::String, std::move(allowed), {}, {}, std::move(help), {}, false};
    spec.default_value = std::move(default_value);
    return spec;
}

SettingSpec integerSetting(std::string path, std::int64_t min, std::int64_t max, std::string help,
                           std::optional<std::int64_t> default_value) {
    SettingSpec spec{std::move(path), SettingKind::Integer, {}, min, max, std::move(help), {}, false};
    if (default_value) {
        spec.default_value = std::to_string(*default_value);
    }
    return spec;
}

SettingSpec booleanSetting(std::string path, std::string help, std::optional<bool> default_value) {
    SettingSpec spec{std::move(path), SettingKind::Boolean, {}, {}, {}, std::move(help), {}, false};
    if (default_value) {
        spec.default_value = *default_value ? "true" : "false";
    }
    return spec;
}

SettingSpec tableSetting(std::string path, std::string help) {
    return kindSetting(SettingKind::Table, std::move(path), std::move(help));
}

SettingSpec kindSetting(SettingKind kind, std::string path, std::string help) {
    return SettingSpec{std::move(path), kind, {}, {}, {}, std::move(help), {}, false};
}

std::string toString(SettingKind kind) {
    switch (kind) {
        case SettingKind::String:
            return "string";
        case SettingKind::Integer:
            return "integer";
        case SettingKind::Boolean:
            return "boolean";
        case SettingKind::Table:
            return "table";
        case SettingKind::StringList:
            return "string list";
        case SettingKind::Path:
            return "path";
        case SettingKind::Secret:
            return "secret";
        case SettingKind::Statements:
            return "statements";
        case SettingKind::Mapping:
            return "mapping";
    }
    return "string";
}

const nlohmann::json* Settings::find(const std::string& path) const {
    const nlohmann::json* node = &values;
    std::size_t start = 0;
    while (node != nullptr && start <= path.size()) {
        const auto end = std::min(path.find('.', start), path.size());
        if (!node->is_object()) {
            return nullptr;
        }
        const auto it = node->find(path.substr(start, end - start));
        node = it == node->end() ? nullptr : &*it;
        start = end + 1;
    }
    return node;
}

std::string Settings::string(const std::string& path, const std::string& fallback) const {
    const auto* node = find(path);
    return node != nullptr && node->is_string() ? node->get<std::string>() : fallback;
}

std::int64_t Settings::integer(const std::string& path, std::int64_t fallback) const {
    const auto* node = find(path);
    return node != nullptr && node->is_number_integer() ? node->get<std::int64_t>() : fallback;
}

bool Settings::boolean(const std::string& path, bool fallback) const {
    const auto* node = find(path);
    return node != nullptr && node->is_boolean() ? node->get<bool>() : fallback;
}

std::string Settings::secret(const std::string& name) const {
    const auto it = secrets.find(name);
    return it == secrets.end() ? "" : it->second;
}

}  // namespace syncline::connector
