#include "engine/config/config.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "engine/audit/row_hash.h"
#include "engine/config/api_tls_section.h"
#include "engine/config/env_overrides.h"
#include "engine/config/plugin_section.h"
#include "engine/config/schedule_section.h"
#include "engine/config/schema.h"
#include "engine/config/secret_handover.h"
#include "engine/model/suggest.h"
#include "engine/connector/streams.h"

#include <nlohmann/json.hpp>

namespace syncline::config {

namespace fs = std::filesystem;

namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

bool isBlank(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string_view kindName(ValueKind kind) {
    switch (kind) {
        case ValueKind::String:
            return "a string";
        case ValueKind::Integer:
            return "an integer";
        case ValueKind::Boolean:
            return "true or false";
        case ValueKind::Table:
            return "a table";
        case ValueKind::StringList:
            return "an array of strings";
        case ValueKind::Path:
            return "a path (a string)";
        case ValueKind::Secret:
            return "a secret";
        case ValueKind::Statements:
            return "one statement (a string) or an array of them";
        case ValueKind::Mapping:
            return "a table";
    }
    return "a value";
}

bool isKind(const toml::node& node, ValueKind kind) {
    switch (kind) {
        case ValueKind::String:
            return node.is_string();
        case ValueKind::Integer:
            return node.is_integer();
        case ValueKind::Boolean:
            return node.is_boolean();
        case ValueKind::Table:
            return node.is_table();
        case ValueKind::StringList:
            return node.is_array() && std::all_of(node.as_array()->begin(), node.as_array()->end(),
                                                  [](const toml::node& element) { return element.is_string(); });
        case ValueKind::Path:
            return node.is_string();
        case ValueKind::Secret:
            return false;  // written as <key>_env or <key>_file
        case ValueKind::Statements:
            return node.is_string() || node.is_array();
        case ValueKind::Mapping:
            return node.is_table();
    }
    return false;
}

// Collects issues while reading one file.
class Reader {
  public:
    Reader(std::string file, const toml::table& root) : file_(std::move(file)), root_(root) {}

    std::vector<ConfigIssue> issues;
    /// The chosen connector's keys under [erp] (schema.h erpKeys), set before checkTable.
    std::vector<KeySpec> erp_keys;
    /// Of those, the *_env and *_file keys of its secrets ("erp.password_env").
    std::vector<std::string> erp_secret_keys;
    /// erp.connector names no registered kind: its keys cannot be checked (and are not called unknown).
    bool erp_kind_unknown = false;

    void issue(const toml::node* node, const std::string& key, std::string message) {
        ConfigIssue out{file_, 0, 0, key, std::move(message)};
        if (node != nullptr) {
            out.line = static_cast<int>(node->source().begin.line);
            out.column = static_cast<int>(node->source().begin.column);
        }
        issues.push_back(std::move(out));
    }

    void issueAt(const toml::source_region& where, const std::string& key, std::string message) {
        issues.push_back(ConfigIssue{file_, static_cast<int>(where.begin.line), static_cast<int>(where.begin.column),
                                     key, std::move(message)});
    }

    void checkTable(const toml::table& table, const std::string& prefix) {
        for (const auto& [name, node] : table) {
            const std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
            const KeySpec* spec = findKey(key, erp_keys);
            if (spec == nullptr && erp_kind_unknown && key.rfind("erp.", 0) == 0) {
                continue;
            } else if (spec == nullptr) {
                unknownKey(name.source(), key, prefix, std::string(name.str()));
            } else if (spec->kind == ValueKind::Statements) {
                checkStatementList(node, key);
            } else if (!isKind(node, spec->kind)) {
                issue(&node, key, fmt::format("must be {}", kindName(spec->kind)));
            } else if (spec->path == "schedule.*" && !isKnownJob(std::string(name.str()))) {
                issueAt(name.source(), key, "unknown job; allowed: " + join(knownJobNames()));
            } else if (spec->path == "ownership.*" && conflict::ownableFields(std::string(name.str())).empty()) {
                issueAt(name.source(), key, "unknown entity; allowed: product, stock, customer, price_rule");
            } else if (spec->path == "ownership.*.*" && !isOwnable(prefix, std::string(name.str()))) {
                const std::string entity = prefix.substr(std::string("ownership.").size());
                issueAt(name.source(), key,
                        fmt::format("not a field of '{}' that can be owned (keys, erp_modified and active always "
                                    "belong to the ERP); allowed: {}",
                                    entity, join(conflict::ownableFields(entity))));
            } else if (spec->kind == ValueKind::Mapping) {
                continue;  // its keys are the connector's to check
            } else if (spec->kind == ValueKind::Table) {
                checkTable(*node.as_table(), key);
            } else {
                checkValue(node, *spec, key);
            }
        }
    }

    const toml::node* node(const std::string& key) const { return root_.at_path(key).node(); }

    std::string string(const std::string& key, std::string fallback = "") const {
        const auto* n = node(key);
        if (n == nullptr && !fallback.empty()) {
            insertAt(defaults_, key, toml::value<std::string>(fallback), false);
        }
        return n != nullptr && n->is_string() ? n->as_string()->get() : fallback;
    }

    int integer(const std::string& key, int fallback) const {
        const auto* n = node(key);
        if (n == nullptr) {
            insertAt(defaults_, key, toml::value<std::int64_t>(fallback), false);
        }
        return n != nullptr && n->is_integer() ? static_cast<int>(n->as_integer()->get()) : fallback;
    }

    /// The defaults string() and integer() used for keys the file leaves out, as a tree (`check-config --print`).
    const toml::table& defaults() const { return defaults_; }

    // A path relative to the config file's folder, made absolute.
    std::string path(const std::string& key) const {
        const std::string value = string(key);
        if (value.empty()) {
            return value;
        }
        const fs::path p(value);
        return p.is_absolute() ? p.string() : (fs::path(file_).parent_path() / p).lexically_normal().string();
    }

    // Reads `<prefix>.<name>_env` or `<prefix>.<name>_file`.
    Secret secret(const std::string& prefix, const std::string& name = "password") {
        const std::string env_key = prefix + "." + name + "_env";
        const std::string file_key = prefix + "." + name + "_file";
        const std::string env_name = string(env_key);
        const std::string file_name = path(file_key);
        if (!env_name.empty() && !file_name.empty()) {
            issue(node(file_key), file_key, fmt::format("set either {} or {}, not both", env_key, file_key));
            return {};
        }
        // The messages never repeat what the key holds: an admin may have typed the secret itself there, and
        // file:line:col already point at it.
        if (!env_name.empty()) {
            const bool a_name =
                std::all_of(env_name.begin(), env_name.end(),
                            [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }) &&
                !std::isdigit(static_cast<unsigned char>(env_name.front()));
            if (!a_name) {
                issue(node(env_key), env_key,
                      "must name an environment variable (letters, digits and _), which holds the secret; not the "
                      "secret itself");
                return {};
            }
            const auto value = secretFromEnvironment(env_name);
            if (!value || value->empty()) {
                issue(node(env_key), env_key, "the environment variable it names is not set or empty");
                return {};
            }
            env_secrets_[env_name] = *value;
            return Secret(*value, "environment variable " + env_name);
        }
        if (!file_name.empty()) {
            std::ifstream in(file_name);
            std::string line;
            if (!in || !std::getline(in, line) || line.empty()) {
                issue(node(file_key), file_key,
                      fmt::format("cannot read a {} from the file it names (missing, unreadable or empty)", name));
                return {};
            }
            return Secret(line, "file " + file_name);
        }
        return {};
    }

    /// Every secret read from the environment so far: variable name → value.
    const std::map<std::string, std::string>& envSecrets() const { return env_secrets_; }

  private:
    static std::vector<std::string> knownJobNames() {
        std::vector<std::string> out;
        for (const auto& job : knownJobs()) {
            out.push_back(job.name);
        }
        return out;
    }

    static bool isKnownJob(const std::string& name) {
        const auto names = knownJobNames();
        return std::find(names.begin(), names.end(), name) != names.end();
    }

    static bool isOwnable(const std::string& prefix, const std::string& field) {
        const auto fields = conflict::ownableFields(prefix.substr(std::string("ownership.").size()));
        return std::find(fields.begin(), fields.end(), field) != fields.end();
    }

    // A Statements key (erp.orders.header): an array of statements, or one statement as a string.
    void checkStatementList(const toml::node& node, const std::string& key) {
        if (node.is_string()) {
            if (isBlank(node.as_string()->get())) {
                issue(&node, key, "must not be empty");
            }
            return;
        }
        const auto* statements = node.as_array();
        if (statements == nullptr) {
            issue(&node, key, "must be an array of statements (strings), or one statement as a string");
            return;
        }
        if (statements->empty()) {
            issue(&node, key, "must list at least one SQL statement");
        }
        for (std::size_t i = 0; i < statements->size(); ++i) {
            const toml::node& statement = *statements->get(i);
            if (!statement.is_string()) {
                issue(&statement, key, fmt::format("statement {} must be a string", i + 1));
            } else if (isBlank(statement.as_string()->get())) {
                issue(&statement, key, fmt::format("statement {} is empty", i + 1));
            }
        }
    }

    void unknownKey(const toml::source_region& where, const std::string& key, const std::string& prefix,
                    const std::string& name) {
        if (name == "password" || name == "pwd" || name == "secret" || name == "token" || name == "hmac_key") {
            const std::string kind = name == "token" || name == "hmac_key" ? name : "password";
            issueAt(where, key,
                    fmt::format("secrets are not accepted in the config file; set {0}.{1}_env (an environment "
                                "variable's name) or {0}.{1}_file (a file's path) instead",
                                prefix.empty() ? "<section>" : prefix, kind));
            return;
        }
        if (key == "pricing.live.query") {
            issueAt(where, key,
                    "moved: the ERP's live price query is the connector's setting now, erp.live_price.query "
                    "(docs/pricing.md)");
            return;
        }
        const auto allowed = keysUnder(prefix, erp_keys);
        std::string message = "unknown key";
        if (const auto best = model::closestMatch(name, allowed)) {
            message += fmt::format(" (did you mean '{}'?)", *best);
        }
        message += allowed.empty() ? "" : "; allowed here: " + join(allowed);
        issueAt(where, key, message);
    }

    void checkValue(const toml::node& node, const KeySpec& spec, const std::string& key) {
        if (spec.kind == ValueKind::String) {
            const std::string& value = node.as_string()->get();
            if (!spec.allowed.empty() &&
                std::find(spec.allowed.begin(), spec.allowed.end(), value) == spec.allowed.end()) {
                issue(&node, key, fmt::format("'{}' is not allowed; allowed: {}", value, join(spec.allowed)));
            }
        } else if (spec.kind == ValueKind::Integer) {
            const auto value = node.as_integer()->get();
            if ((spec.min && value < *spec.min) || (spec.max && value > *spec.max)) {
                issue(&node, key, fmt::format("{} is out of range; allowed: {} to {}", value, *spec.min, *spec.max));
            }
        }
    }

    std::string file_;
    const toml::table& root_;
    std::map<std::string, std::string> env_secrets_;
    mutable toml::table defaults_;  // a record of what the const readers fell back to
};

std::string hostName() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') {
        return "syncline";
    }
    return buf;
}

void readWebstore(Reader& r, Config& config) {
    auto& ws = config.webstore;
    ws.backend =
        r.string("webstore.backend", "sqlite") == "postgresql" ? store::Backend::PostgreSQL : store::Backend::SQLite;
    ws.connect_timeout_s = r.integer("webstore.connect_timeout_s", 10);
    if (ws.backend == store::Backend::SQLite) {
        ws.sqlite_path = r.path("webstore.path");
        ws.sqlite_synchronous = r.string("webstore.synchronous", "normal");
        if (ws.sqlite_path.empty()) {
            r.issue(r.node("webstore"), "webstore.path", "is required when webstore.backend is 'sqlite'");
        }
        return;
    }
    ws.host = r.string("webstore.host", "127.0.0.1");
    ws.port = r.integer("webstore.port", 5432);
    ws.database = r.string("webstore.database");
    ws.user = r.string("webstore.user");
    ws.sslmode = r.string("webstore.sslmode", "prefer");
    for (const char* key : {"webstore.database", "webstore.user"}) {
        if (r.string(key).empty()) {
            r.issue(r.node("webstore"), key, "is required when webstore.backend is 'postgresql'");
        }
    }
    for (const char* key : {"webstore.host", "webstore.database", "webstore.user"}) {
        const std::string value = r.string(key);
        if (std::any_of(value.begin(), value.end(), [](unsigned char c) { return std::isspace(c) || c == '\''; })) {
            r.issue(r.node(key), key, "must not contain spaces or quotes");
        }
    }
    config.webstore_password = r.secret("webstore");
    ws.password = config.webstore_password.reveal();
    const std::string key =
        r.node("webstore.password_env") != nullptr ? "webstore.password_env" : "webstore.password_file";
    if (ws.password.find_first_of("\r\n") != std::string::npos) {
        r.issue(r.node(key), key, "the password holds a line break, which libpq cannot take");
    }
    const auto pgpassword = secretFromEnvironment("PGPASSWORD");
    if (!ws.password.empty() && pgpassword && !pgpassword->empty()) {
        // libpq takes PGPASSWORD before any password file, for every connection: the webstore's would lose, and
        // PGPASSWORD would go to the webstore's server.
        r.issue(r.node(key), key,
                "PGPASSWORD is set in the environment, and libpq would send it instead of this password; unset it "
                "(give the ERP its password with erp.password_env or erp.password_file)");
    }
}

// The [erp] table as the connector's settings: JSON without the engine's own keys and the secrets' *_env/*_file
// names, paths made absolute.
nlohmann::json settingsJson(Reader& r, const toml::node& node, const std::string& key) {
    if (const auto* table = node.as_table()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [name, child] : *table) {
            const std::string child_key = key + "." + std::string(name.str());
            const KeySpec* spec = findKey(child_key, r.erp_keys);
            const bool engine_key = spec != nullptr && findKey(child_key) == spec;
            const bool secret_name =
                std::find(r.erp_secret_keys.begin(), r.erp_secret_keys.end(), child_key) != r.erp_secret_keys.end();
            if (engine_key || secret_name) {
                continue;
            }
            out[std::string(name.str())] = settingsJson(r, child, child_key);
        }
        return out;
    }
    if (const auto* array = node.as_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& element : *array) {
            out.push_back(settingsJson(r, element, key));
        }
        return out;
    }
    if (node.is_string()) {
        const KeySpec* spec = findKey(key, r.erp_keys);
        return spec != nullptr && spec->kind == ValueKind::Path ? nlohmann::json(r.path(key))
                                                                : nlohmann::json(node.as_string()->get());
    }
    if (node.is_integer()) {
        return node.as_integer()->get();
    }
    if (node.is_boolean()) {
        return node.as_boolean()->get();
    }
    if (node.is_floating_point()) {
        return node.as_floating_point()->get();
    }
    return nullptr;  // dates and times: no connector setting takes one
}

void readErp(Reader& r, Config& config, const std::shared_ptr<const connector::ConnectorFactory>& factory) {
    if (r.node("erp") == nullptr || factory == nullptr) {
        return;
    }
    auto& erp = config.erp;
    erp.connector = factory->spec().kind;
    erp.login_timeout_s = r.integer("erp.login_timeout_s", 10);
    erp.query_timeout_s = r.integer("erp.query_timeout_s", 300);
    auto& settings = erp.settings;
    settings.values = settingsJson(r, *r.node("erp"), "erp");
    settings.login_timeout_s = erp.login_timeout_s;
    settings.query_timeout_s = erp.query_timeout_s;
    for (const auto& setting : factory->spec().settings) {
        if (setting.kind == ValueKind::Secret) {
            if (auto secret = r.secret("erp", setting.path); !secret.empty()) {
                settings.secrets[setting.path] = secret.reveal();
            }
        }
    }
    for (const auto& problem : factory->check(settings)) {
        const std::string key = "erp." + problem.path;
        // The key itself when it is in the file, else the nearest table above it.
        std::string at = key;
        while (r.node(at) == nullptr && at.find('.') != std::string::npos) {
            at = at.substr(0, at.rfind('.'));
        }
        r.issue(r.node(at), key, problem.message);
    }
    erp.features = factory->features(settings);
}

// [ownership.<entity>] on top of the defaults; invalid entries were reported by checkTable.
void readOwnership(const toml::table& root, conflict::Ownership& ownership) {
    const auto* section = root.get_as<toml::table>("ownership");
    if (section == nullptr) {
        return;
    }
    for (const auto& [entity, fields] : *section) {
        if (!fields.is_table()) {
            continue;
        }
        for (const auto& [field, value] : *fields.as_table()) {
            const auto policy = value.is_string() ? conflict::parsePolicy(value.as_string()->get()) : std::nullopt;
            if (policy) {
                ownership.set(std::string(entity.str()), std::string(field.str()), *policy);
            }
        }
    }
}

}  // namespace

bool ErpConfig::reads(const std::string& stream) const {
    return std::find(features.streams.begin(), features.streams.end(), stream) != features.streams.end();
}

std::string ConfigIssue::format() const {
    std::string out = variable.empty() ? file : "environment variable " + variable;
    if (line > 0 && variable.empty()) {
        out += fmt::format(":{}:{}", line, column);
    }
    out += ": ";
    if (!key.empty()) {
        out += fmt::format("key '{}': ", key);
    }
    return out + message;
}

ConfigError::ConfigError(std::vector<ConfigIssue> issues)
    : std::runtime_error(issues.empty() ? "invalid config" : issues.front().format()), issues_(std::move(issues)) {}

void readApi(Reader& r, ApiConfig& api) {
    api.bind = r.string("api.bind", "127.0.0.1");
    api.http_port = static_cast<int>(r.integer("api.http_port", 0));
    api.thrift_port = static_cast<int>(r.integer("api.thrift_port", 0));
    api.token = r.secret("api", "token");
    api.max_connections = static_cast<int>(r.integer("api.max_connections", 64));
    api.max_request_bytes = static_cast<int>(r.integer("api.max_request_bytes", 1048576));
    api.max_cart_lines = static_cast<int>(r.integer("api.max_cart_lines", 500));
    api.max_connections_per_peer = static_cast<int>(r.integer("api.max_connections_per_peer", 16));
    api.http_max_open_connections = static_cast<int>(r.integer("api.http_max_open_connections", 512));
    api.http_request_timeout_ms = static_cast<int>(r.integer("api.http_request_timeout_ms", 10000));
    api.thrift_first_frame_timeout_ms = static_cast<int>(r.integer("api.thrift_first_frame_timeout_ms", 5000));
    if (api.enabled() && r.node("api.token_env") == nullptr && r.node("api.token_file") == nullptr) {
        r.issue(nullptr, "api.token_env",
                "an API is on (api.http_port or api.thrift_port), so it needs a token: set api.token_env or "
                "api.token_file");
    }
    if (api.http_port != 0 && api.http_port == api.thrift_port) {
        r.issue(r.node("api.thrift_port"), "api.thrift_port", "must differ from api.http_port");
    }
}

constexpr std::size_t kMaxConfigBytes = 1024 * 1024;

void readAudit(Reader& r, AuditConfig& audit) {
    audit.hmac_key = r.secret("audit", "hmac_key");
    if (!audit.hmac_key.empty() && audit.hmac_key.reveal().size() < audit::AuditKey::kMinSecretLength) {
        const std::string key = r.node("audit.hmac_key_env") != nullptr ? "audit.hmac_key_env" : "audit.hmac_key_file";
        // The length only: neither the secret nor where it came from (someone may have typed the key as the name).
        r.issue(r.node(key), key,
                fmt::format("the key has {} characters; it needs at least {} (e.g. `openssl rand -hex 32`)",
                            audit.hmac_key.reveal().size(), audit::AuditKey::kMinSecretLength));
        audit.hmac_key = {};
    }
}

namespace {

std::string absolutePath(const std::string& path) {
    std::error_code ec;
    return fs::absolute(path, ec).lexically_normal().string();
}

}  // namespace

std::string readConfigFile(const std::string& path) {
    const std::string absolute = absolutePath(path);
    std::error_code ec;
    // A FIFO, a device or /dev/zero would block or never end; a config is a few kilobytes of text.
    const auto status = fs::status(absolute, ec);
    if (!ec && fs::exists(status) && !fs::is_regular_file(status)) {
        throw ConfigError({ConfigIssue{path, 0, 0, "", "the config must be a regular file"}});
    }
    std::ifstream in(absolute);
    if (!in) {
        throw ConfigError({ConfigIssue{path, 0, 0, "", "cannot read the config file (does it exist?)"}});
    }
    std::stringstream text;
    std::vector<char> buffer(64 * 1024);
    std::size_t total = 0;
    while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
        total += static_cast<std::size_t>(in.gcount());
        if (total > kMaxConfigBytes) {
            throw ConfigError({ConfigIssue{path, 0, 0, "",
                                           "the config is larger than " + std::to_string(kMaxConfigBytes / 1024) +
                                               " KiB; that is no config file"}});
        }
        text.write(buffer.data(), in.gcount());
    }
    return text.str();
}

namespace {

// An issue about a key an environment variable set names the variable, not a place in the file.
void pointAtVariables(std::vector<ConfigIssue>& issues, const std::map<std::string, std::string>& overrides) {
    for (auto& issue : issues) {
        for (const auto& [key, variable] : overrides) {
            if (issue.variable.empty() && (issue.key == key || issue.key.rfind(key + ".", 0) == 0)) {
                issue.variable = variable;
                issue.line = 0;
                issue.column = 0;
            }
        }
    }
}

}  // namespace

Config load(const std::string& path) {
    return loadText(path, readConfigFile(path));
}

Config loadText(const std::string& path, const std::string& text) {
    const std::string absolute = absolutePath(path);
    toml::table root;
    try {
        root = toml::parse(text, absolute);
    } catch (const toml::parse_error& e) {
        throw ConfigError(
            {ConfigIssue{absolute, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column),
                         "", "TOML syntax: " + std::string(e.description())}});
    }
    std::vector<ConfigIssue> override_issues;
    const auto overrides = applyEnvOverrides(root, processEnvironment(), absolute, override_issues);
    Reader reader(absolute, root);
    reader.issues = std::move(override_issues);
    // Plug-in kinds register first, so they are looked up and validated like built-in ones.
    loadPluginDir(root, absolute, reader.issues);
    // [erp]'s keys are the chosen connector's: look its kind up before checking them.
    std::shared_ptr<const connector::ConnectorFactory> factory;
    if (const auto* erp = root.get("erp"); erp != nullptr && erp->is_table()) {
        const std::string kind = reader.string("erp.connector", "odbc");
        factory = connector::findConnector(kind);
        if (factory == nullptr) {
            reader.erp_kind_unknown = true;
            reader.issue(reader.node("erp.connector") != nullptr ? reader.node("erp.connector") : erp, "erp.connector",
                         fmt::format("unknown connector kind '{}'; known: {}{}", kind, connector::registeredKinds(),
                                     reader.node("erp.plugin_dir") == nullptr
                                         ? " (a plug-in kind needs erp.plugin_dir, the folder of its .so file)"
                                         : ""));
        } else {
            reader.erp_keys = erpKeys(factory->spec());
            for (const auto& setting : factory->spec().settings) {
                if (setting.kind == ValueKind::Secret) {
                    reader.erp_secret_keys.push_back("erp." + setting.path + "_env");
                    reader.erp_secret_keys.push_back("erp." + setting.path + "_file");
                }
            }
        }
    }
    reader.checkTable(root, "");
    if (root.get("webstore") == nullptr) {
        reader.issue(nullptr, "webstore", "section [webstore] is required");
    }
    Config config;
    config.path = absolute;
    config.node_name = reader.string("engine.node_name", hostName());
    config.lease_s = static_cast<int>(reader.integer("engine.lease_s", 30));
    config.shutdown_timeout_s = static_cast<int>(reader.integer("engine.shutdown_timeout_s", 30));
    config.log.level = reader.string("log.level", "info");
    config.log.format = reader.string("log.format", "text");
    readWebstore(reader, config);
    // A holder frozen inside a transaction loses its locks no later than its lease (docs/architecture.md).
    config.webstore.idle_in_transaction_timeout_s = config.lease_s;
    readErp(reader, config, factory);
    config.sync.overlap_seconds = reader.integer("sync.overlap_seconds", 300);
    config.pricing.max_age_s = static_cast<int>(reader.integer("pricing.max_age_s", 93600));
    config.pricing.cache_items = static_cast<int>(reader.integer("pricing.cache_items", 100000));
    config.pricing.cache_check_ms = static_cast<int>(reader.integer("pricing.cache_check_ms", 1000));
    config.pricing.cache_max_age_s = static_cast<int>(reader.integer("pricing.cache_max_age_s", 600));
    config.sync.max_deactivate_percent = reader.integer("sync.max_deactivate_percent", 20);
    config.sync.future_tolerance_s = reader.integer("sync.future_tolerance_s", 86400);
    config.sync.run_timeout_s = reader.integer("sync.run_timeout_s", 7200);
    readApi(reader, config.api);
    readAudit(reader, config.audit);
    readApiTls(root, absolute, config.api.tls, reader.issues);
    config.pricing.live.on = config.erp.features.live_price;
    config.pricing.live.timeout_ms = static_cast<int>(reader.integer("pricing.live.timeout_ms", 300));
    config.pricing.live.cache_ttl_s = static_cast<int>(reader.integer("pricing.live.cache_ttl_s", 60));
    config.pricing.live.cache_entries = static_cast<int>(reader.integer("pricing.live.cache_entries", 10000));
    config.secret_env = reader.envSecrets();
    readOwnership(root, config.ownership);
    readSchedules(root, absolute, config, reader.issues);
    config.overrides = overrides;
    pointAtVariables(reader.issues, overrides);
    if (!reader.issues.empty()) {
        // toml++ walks tables in key order; report in file order. Issues without a position go last.
        std::stable_sort(reader.issues.begin(), reader.issues.end(), [](const ConfigIssue& a, const ConfigIssue& b) {
            return (a.line == 0 ? INT32_MAX : a.line) < (b.line == 0 ? INT32_MAX : b.line);
        });
        throw ConfigError(std::move(reader.issues));
    }
    config.effective = effectiveToml(root, reader.defaults(), overrides, absolute);
    return config;
}

std::string starterConfig(const std::string& webstore_path) {
    return fmt::format(R"(# Syncline configuration. Every key is documented in config/syncline.example.toml.
# Check it with: syncline check-config {{this file}}

[log]
level = "info"
format = "text"

[webstore]
backend = "sqlite"
path = "{}"

# Connect your ERP over ODBC (see the admin guide):
# [erp]
# connector = "odbc"
# dsn = "MyErp"
# user = "syncline"
# password_env = "SYNCLINE_ERP_PASSWORD"
)",
                       webstore_path);
}

}  // namespace syncline::config
