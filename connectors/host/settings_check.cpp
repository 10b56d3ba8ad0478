#include "connectors/host/settings_check.h"

#include <algorithm>
#include <filesystem>

#include "engine/model/suggest.h"

namespace syncline::connector_host {

using connector::SettingIssue;
using connector::SettingKind;
using connector::SettingSpec;

namespace {

std::vector<std::string> segmentsOf(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto end = std::min(path.find('.', start), path.size());
        out.push_back(path.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

bool matches(const std::vector<std::string>& pattern, const std::vector<std::string>& path) {
    if (pattern.size() != path.size()) {
        return false;
    }
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (pattern[i] != "*" && pattern[i] != path[i]) {
            return false;
        }
    }
    return true;
}

std::string join(const std::vector<std::string>& segments, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) {
        out += (i == 0 ? "" : ".") + segments[i];
    }
    return out;
}

class Checker {
  public:
    explicit Checker(const std::vector<SettingSpec>& specs) : specs_(specs) {
        for (const auto& spec : specs) {
            patterns_.push_back(segmentsOf(spec.path));
        }
    }

    std::vector<SettingIssue> issues;

    void table(nlohmann::json& node, std::vector<std::string>& path) {
        for (auto& [name, value] : node.items()) {
            path.push_back(name);
            const SettingSpec* spec = find(path);
            if (spec == nullptr) {
                unknown(path);
            } else {
                this->value(*spec, value, path);
            }
            path.pop_back();
        }
        required(node, path);
    }

  private:
    const SettingSpec* find(const std::vector<std::string>& path) const {
        for (std::size_t i = 0; i < specs_.size(); ++i) {
            if (matches(patterns_[i], path)) {
                return &specs_[i];
            }
        }
        return nullptr;
    }

    void issue(const std::vector<std::string>& path, std::string message) {
        issues.push_back({join(path, path.size()), std::move(message)});
    }

    void unknown(const std::vector<std::string>& path) {
        const std::string& name = path.back();
        for (const char* suffix : {"_env", "_file"}) {
            const std::string s = suffix;
            if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
                auto secret = path;
                secret.back() = name.substr(0, name.size() - s.size());
                if (const auto* spec = find(secret); spec != nullptr && spec->kind == SettingKind::Secret) {
                    issue(path,
                          "a secret is never written into the settings: set the thrift connector's own "
                          "erp.password_env or erp.password_file, which is handed over as '" +
                              secret.back() + "'");
                    return;
                }
            }
        }
        std::string best;
        std::size_t best_distance = 3;  // more than 2 edits away is no suggestion
        for (std::size_t i = 0; i < specs_.size(); ++i) {
            auto parent = patterns_[i];
            parent.pop_back();
            auto mine = path;
            mine.pop_back();
            if (!matches(parent, mine) || patterns_[i].back() == "*") {
                continue;
            }
            if (const auto d = model::editDistance(name, patterns_[i].back()); d < best_distance) {
                best_distance = d;
                best = patterns_[i].back();
            }
        }
        issue(path, "unknown key" + (best.empty() ? std::string() : "; did you mean '" + best + "'?"));
    }

    void value(const SettingSpec& spec, nlohmann::json& value, std::vector<std::string>& path) {
        switch (spec.kind) {
            case SettingKind::String:
            case SettingKind::Path:
                if (!value.is_string()) {
                    issue(path, "must be a string");
                } else if (!spec.allowed.empty() && std::find(spec.allowed.begin(), spec.allowed.end(),
                                                              value.get<std::string>()) == spec.allowed.end()) {
                    std::string allowed;
                    for (const auto& a : spec.allowed) {
                        allowed += (allowed.empty() ? "" : ", ") + a;
                    }
                    issue(path, "'" + value.get<std::string>() + "' is not allowed; allowed: " + allowed);
                } else if (spec.kind == SettingKind::Path && !value.get<std::string>().empty()) {
                    value = std::filesystem::absolute(value.get<std::string>()).lexically_normal().string();
                }
                break;
            case SettingKind::Integer:
                if (!value.is_number_integer()) {
                    issue(path, "must be an integer");
                } else if ((spec.min && value.get<std::int64_t>() < *spec.min) ||
                           (spec.max && value.get<std::int64_t>() > *spec.max)) {
                    issue(path, "must be between " + std::to_string(spec.min.value_or(INT64_MIN)) + " and " +
                                    std::to_string(spec.max.value_or(INT64_MAX)));
                }
                break;
            case SettingKind::Boolean:
                if (!value.is_boolean()) {
                    issue(path, "must be true or false");
                }
                break;
            case SettingKind::Table:
                if (!value.is_object()) {
                    issue(path, "must be a table");
                } else {
                    table(value, path);
                }
                break;
            case SettingKind::Mapping:
                if (!value.is_object()) {
                    issue(path, "must be a table");
                }
                break;
            case SettingKind::StringList:
                if (!value.is_array() ||
                    !std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
                    issue(path, "must be an array of strings");
                }
                break;
            case SettingKind::Statements:
                if (!value.is_string() &&
                    !(value.is_array() &&
                      std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); }))) {
                    issue(path, "must be one statement (a string) or an array of them");
                }
                break;
            case SettingKind::Secret:
                issue(path, "is a secret: set the thrift connector's erp.password_env or erp.password_file instead");
                break;
        }
    }

    // Required keys directly under `node` (at `path`).
    void required(const nlohmann::json& node, const std::vector<std::string>& path) {
        for (std::size_t i = 0; i < specs_.size(); ++i) {
            if (!specs_[i].required || specs_[i].kind == SettingKind::Secret) {
                continue;
            }
            auto parent = patterns_[i];
            const std::string name = parent.back();
            parent.pop_back();
            if (name != "*" && matches(parent, path) && !node.contains(name)) {
                auto missing = path;
                missing.push_back(name);
                issue(missing, "is required");
            }
        }
    }

    const std::vector<SettingSpec>& specs_;
    std::vector<std::vector<std::string>> patterns_;
};

}  // namespace

std::vector<SettingIssue> checkSettingsJson(const std::vector<SettingSpec>& specs, nlohmann::json& values) {
    Checker checker(specs);
    if (!values.is_object()) {
        return {{"", "the settings must be a table"}};
    }
    std::vector<std::string> path;
    checker.table(values, path);
    return checker.issues;
}

}  // namespace syncline::connector_host
