#include "engine/config/env_overrides.h"

#include <unistd.h>  // environ

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "engine/config/schema.h"

namespace syncline::config {

namespace {

constexpr std::string_view kPrefix = "SYNCLINE_";

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t");
    const auto end = text.find_last_not_of(" \t");
    return begin == std::string::npos ? "" : text.substr(begin, end - begin + 1);
}

// "ERP__STREAMS__PRODUCTS__BATCH_SIZE" → "erp.streams.products.batch_size"; "" when a part is empty.
std::string dottedKey(std::string_view name) {
    std::string key;
    for (std::size_t start = 0;;) {
        const auto end = name.find("__", start);
        const std::string part =
            lower(std::string(name.substr(start, end == std::string_view::npos ? end : end - start)));
        if (part.empty()) {
            return "";
        }
        key += (key.empty() ? "" : ".") + part;
        if (end == std::string_view::npos) {
            return key;
        }
        start = end + 2;
    }
}

// erp.streams.products → SYNCLINE_ERP__STREAMS__PRODUCTS
std::string variableOf(const std::string& key) {
    std::string name(kPrefix);
    for (char c : key) {
        name += c == '.' ? std::string("__") : std::string(1, static_cast<char>(std::toupper(c)));
    }
    return name;
}

bool isSecretName(const std::string& name) {
    return name == "password" || name == "pwd" || name == "secret" || name == "token" || name == "hmac_key";
}

std::optional<std::int64_t> parseInteger(const std::string& text) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data() + (text.size() > 1 && text[0] == '+' ? 1 : 0), end, value);
    if (ec != std::errc() || ptr != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<bool> parseBoolean(const std::string& text) {
    const auto word = lower(trim(text));
    if (word == "true") {
        return true;
    }
    if (word == "false") {
        return false;
    }
    return std::nullopt;
}

toml::array parseList(const std::string& text) {
    toml::array out;
    if (trim(text).empty()) {
        return out;
    }
    for (std::size_t start = 0;;) {
        const auto end = text.find(',', start);
        out.push_back(trim(text.substr(start, end == std::string::npos ? end : end - start)));
        if (end == std::string::npos) {
            return out;
        }
        start = end + 1;
    }
}

// What the value is, by the schema's type of the key, else by the type of the file's value.
enum class Typed { String, Integer, Boolean, List, Table };

// The [erp] keys of the connector kind the file (or an override applied before) names, for typing their values.
std::vector<KeySpec> connectorKeys(const toml::table& root) {
    const toml::node* kind = root.at_path("erp.connector").node();
    const auto factory =
        connector::findConnector(kind != nullptr && kind->is_string() ? kind->as_string()->get() : "odbc");
    return factory ? erpKeys(factory->spec()) : std::vector<KeySpec>{};
}

Typed typeOf(const std::string& key, const toml::table& root) {
    const auto connector_keys = connectorKeys(root);  // findKey points into it
    if (const KeySpec* spec = findKey(key, connector_keys)) {
        switch (spec->kind) {
            case ValueKind::Integer:
                return Typed::Integer;
            case ValueKind::Boolean:
                return Typed::Boolean;
            case ValueKind::StringList:
                return Typed::List;
            case ValueKind::Table:
            case ValueKind::Mapping:
                return Typed::Table;
            case ValueKind::String:
            case ValueKind::Path:
            case ValueKind::Secret:
            case ValueKind::Statements:
                return Typed::String;
        }
    }
    const toml::node* existing = root.at_path(key).node();
    if (existing == nullptr) {
        return Typed::String;
    }
    if (existing->is_integer()) {
        return Typed::Integer;
    }
    if (existing->is_boolean()) {
        return Typed::Boolean;
    }
    if (existing->is_array()) {
        return Typed::List;
    }
    return existing->is_table() ? Typed::Table : Typed::String;
}

// The variables `*_env` keys of `table` name: they hold secrets, whatever their names look like.
void secretVariables(const toml::table& table, std::set<std::string>& out) {
    for (const auto& [name, value] : table) {
        const std::string_view key = name.str();
        if (value.is_table()) {
            secretVariables(*value.as_table(), out);
        } else if (value.is_string() && key.size() > 4 && key.substr(key.size() - 4) == "_env") {
            out.insert(value.as_string()->get());
        }
    }
}

}  // namespace

bool insertAt(toml::table& root, const std::string& key, toml::node&& value, bool replace) {
    toml::table* table = &root;
    std::size_t start = 0;
    for (auto dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
        const std::string part = key.substr(start, dot - start);
        toml::node* next = table->get(part);
        if (next == nullptr) {
            next = &table->insert(part, toml::table{}).first->second;
        }
        if (!next->is_table()) {
            return false;
        }
        table = next->as_table();
        start = dot + 1;
    }
    const std::string last = key.substr(start);
    if (table->contains(last) && !replace) {
        return true;
    }
    std::move(value).visit([&](auto&& v) { table->insert_or_assign(last, std::move(v)); });
    return true;
}

namespace {

// Adds to `target` every key of `defaults` it lacks, recursively.
void mergeDefaults(toml::table& target, const toml::table& defaults) {
    for (const auto& [name, value] : defaults) {
        toml::node* have = target.get(name);
        if (have == nullptr) {
            target.insert(name, value);
        } else if (have->is_table() && value.is_table()) {
            mergeDefaults(*have->as_table(), *value.as_table());
        }
    }
}

}  // namespace

std::string effectiveToml(const toml::table& root, const toml::table& defaults,
                          const std::map<std::string, std::string>& overrides, const std::string& file) {
    toml::table effective = root;
    mergeDefaults(effective, defaults);
    std::ostringstream out;
    out << "# The effective config: " << file << ",\n";
    for (const auto& [key, variable] : overrides) {
        out << "# with " << key << " from the environment variable " << variable << ",\n";
    }
    out << "# and the defaults of the keys it leaves out. Relative paths are from "
        << std::filesystem::path(file).parent_path().string()
        << ".\n# Secrets are never shown: only the variables and files that hold them.\n\n"
        << toml::toml_formatter(effective, toml::format_flags::indentation) << "\n";
    return out.str();
}

std::vector<std::string> processEnvironment() {
    std::vector<std::string> out;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        out.emplace_back(*e);
    }
    return out;
}

std::map<std::string, std::string> applyEnvOverrides(toml::table& root, const std::vector<std::string>& environment,
                                                     const std::string& file, std::vector<ConfigIssue>& issues) {
    // A variable the file names as a secret's (password_env = "SYNCLINE_ERP__PASSWORD") is that secret, no override.
    std::set<std::string> secrets;
    secretVariables(root, secrets);
    // In name order, so that what wins and what is reported does not depend on the environment's order.
    std::map<std::string, std::string> variables;
    for (const auto& entry : environment) {
        const auto equals = entry.find('=');
        const std::string name = entry.substr(0, equals);
        if (equals != std::string::npos && name.rfind(kPrefix, 0) == 0 && name.find("__") != std::string::npos &&
            secrets.count(name) == 0) {
            variables[name] = entry.substr(equals + 1);
        }
    }
    std::map<std::string, std::string> applied;
    const auto fail = [&](const std::string& variable, const std::string& key, std::string message) {
        ConfigIssue issue{file, 0, 0, key, std::move(message)};
        issue.variable = variable;
        issues.push_back(std::move(issue));
    };
    for (const auto& [name, text] : variables) {
        const std::string key = dottedKey(std::string_view(name).substr(kPrefix.size()));
        if (key.empty() || key.find('.') == std::string::npos) {
            fail(name, "",
                 "not a config key: write SYNCLINE_<SECTION>__<KEY>, with \"__\" for each dot of the key (e.g. "
                 "SYNCLINE_ERP__DSN for erp.dsn)");
            continue;
        }
        const std::string leaf = key.substr(key.rfind('.') + 1);
        if (isSecretName(leaf)) {
            // Never into the tree: the value is a secret, and nothing may show it.
            const std::string section = key.substr(0, key.rfind('.'));
            const std::string kind = leaf == "token" || leaf == "hmac_key" ? leaf : "password";
            fail(name, key,
                 fmt::format("secrets are not accepted as overrides, as the config file does not take them; set "
                             "{0}.{1}_env (an environment variable's name) or {0}.{1}_file (a file's path) instead",
                             section, kind));
            continue;
        }
        if (const auto it = applied.find(key); it != applied.end()) {
            fail(name, key, fmt::format("{} sets this key already; set it once", it->second));
            continue;
        }
        bool ok = true;
        switch (typeOf(key, root)) {
            case Typed::Table:
                fail(name, key, "is a table: override its keys one by one (" + variableOf(key) + "__<KEY>)");
                continue;
            case Typed::Integer:
                if (const auto value = parseInteger(trim(text))) {
                    ok = insertAt(root, key, toml::value<std::int64_t>(*value), true);
                } else {
                    fail(name, key, "must be an integer");
                    continue;
                }
                break;
            case Typed::Boolean:
                if (const auto value = parseBoolean(text)) {
                    ok = insertAt(root, key, toml::value<bool>(*value), true);
                } else {
                    fail(name, key, "must be true or false");
                    continue;
                }
                break;
            case Typed::List:
                ok = insertAt(root, key, parseList(text), true);
                break;
            case Typed::String:
                ok = insertAt(root, key, toml::value<std::string>(text), true);
                break;
        }
        if (!ok) {
            fail(name, key, "cannot be set: the file has a value, not a table, on the way to it");
            continue;
        }
        applied[key] = name;
    }
    return applied;
}

}  // namespace syncline::config
