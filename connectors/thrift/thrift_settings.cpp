#include "connectors/thrift/thrift_settings.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "connectors/thrift/thrift_connector.h"
#include "engine/connector/streams.h"

namespace syncline::thrift_connector {

using connector::SettingIssue;
using connector::SettingKind;
using connector::Settings;

namespace {

constexpr std::int64_t kDefaultMaxFrame = 16 * 1024 * 1024;

bool isVariableName(const std::string& name) {
    const auto start = [](unsigned char c) { return std::isalpha(c) != 0 || c == '_'; };
    return !name.empty() && start(static_cast<unsigned char>(name[0])) &&
           std::all_of(name.begin(), name.end(), [&](unsigned char c) { return start(c) || std::isdigit(c) != 0; });
}

// "host:port" or "[v6]:port" → (host, port); nullopt when it is neither.
std::optional<std::pair<std::string, std::string>> splitAddress(const std::string& address) {
    const auto colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
        return std::nullopt;
    }
    std::string host = address.substr(0, colon);
    const std::string port = address.substr(colon + 1);
    if (host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    if (!std::all_of(port.begin(), port.end(), [](unsigned char c) { return std::isdigit(c) != 0; }) ||
        port.size() > 5 || std::stoi(port) < 1 || std::stoi(port) > 65535 || host.empty()) {
        return std::nullopt;
    }
    return std::make_pair(host, port);
}

// What a service said about settings at config load: issues (paths relative to [erp]) or the features.
struct RemoteCheck {
    std::vector<SettingIssue> issues;
    connector::ConfiguredFeatures features;
};

RemoteCheck askService(const Settings& settings) {
    const Endpoint endpoint = endpointOf(settings);
    const auto wire = remoteSettingsOf(settings);
    RemoteCheck out;
    auto service = std::make_shared<RemoteService>(endpoint, wire);
    const auto unavailable = [&](const connector::Error& error) {
        if (error.kind == connector::ErrorKind::Transient && endpoint.command.empty()) {
            // A service that is down now may be up for the run: the run reports it then (transient, exit 75).
            spdlog::warn("{}; erp.settings are checked by the service when it can be reached", error.message);
            out.features.streams = connector::pullStreams();
            out.features.push_orders = true;
            out.features.order_status = true;
        } else {
            out.issues.push_back({endpoint.whereKey(), error.message});
        }
    };
    auto channel = service->connect(false);
    if (!channel) {
        unavailable(channel.error());
        return out;
    }
    // Pure, like spec(): within the login timeout, so a hung service holds check-config seconds, not minutes.
    auto checked = channel.value()->call<api::CheckResult>(
        "checkSettings", [&](Channel::Client& c, api::CheckResult& result) { c.checkSettings(result, wire); },
        endpoint.login_timeout);
    if (!checked) {
        unavailable(checked.error());
        return out;
    }
    for (const auto& issue : checked.value().issues) {
        out.issues.push_back({issue.path.empty() ? "settings" : "settings." + issue.path, issue.message});
    }
    if (out.issues.empty()) {
        if (!checked.value().__isset.features) {
            out.issues.push_back({endpoint.whereKey(), endpoint.describe() + " said neither issues nor features"});
        } else {
            out.features = fromWire(checked.value().features);
        }
    }
    return out;
}

class ThriftFactory final : public connector::ConnectorFactory {
  public:
    const connector::ConnectorSpec& spec() const override { return thriftSpec(); }

    std::vector<SettingIssue> check(const Settings& settings) const override {
        auto issues = checkEndpoint(settings);
        return issues.empty() ? remote(settings).issues : issues;
    }

    connector::ConfiguredFeatures features(const Settings& settings) const override {
        return checkEndpoint(settings).empty() ? remote(settings).features : connector::ConfiguredFeatures{};
    }

    std::unique_ptr<connector::Connector> create(const Settings& settings) const override {
        auto service = std::make_shared<RemoteService>(endpointOf(settings), remoteSettingsOf(settings));
        std::optional<connector::ConfiguredFeatures> features;
        {
            std::lock_guard lock(mutex_);
            if (cached_key_ == keyOf(settings) && cached_.issues.empty()) {
                features = cached_.features;
            }
        }
        return std::make_unique<ThriftConnector>(std::move(service), std::move(features));
    }

  private:
    static std::string keyOf(const Settings& settings) {
        std::string key = settings.values.dump();
        for (const auto& [name, value] : settings.secrets) {
            key += '\0' + name + '\0' + value;
        }
        return key + '\0' + std::to_string(settings.login_timeout_s) + '\0' + std::to_string(settings.query_timeout_s);
    }

    // check() and features() come one after the other for one config: the service is asked once.
    const RemoteCheck& remote(const Settings& settings) const {
        std::lock_guard lock(mutex_);
        const std::string key = keyOf(settings);
        if (key != cached_key_) {
            cached_ = askService(settings);
            cached_key_ = key;
        }
        return cached_;
    }

    mutable std::mutex mutex_;
    mutable std::string cached_key_;
    mutable RemoteCheck cached_;
};

}  // namespace

const connector::ConnectorSpec& thriftSpec() {
    static const connector::ConnectorSpec spec = [] {
        using namespace connector;
        ConnectorSpec s;
        s.kind = "thrift";
        s.version = "1.0.0";
        s.summary = "a connector served by another process, in any language (schemas/thrift/connector.thrift)";
        s.streams = pullStreams();
        s.capabilities = {true, true, true, true, true, true};
        s.settings = {
            kindSetting(SettingKind::StringList, "command",
                        "the connector service to start as a child process: program and arguments, no shell; it "
                        "listens on the unix socket SYNCLINE_CONNECTOR_SOCKET names (or set address or socket)"),
            stringSetting("address", "host:port of a running connector service"),
            kindSetting(SettingKind::Path, "socket", "unix socket of a running connector service"),
            stringSetting("remote_kind",
                          "the kind the service is asked to serve (syncline-connector-host serves several: \"odbc\"); "
                          "default: the service's own"),
            kindSetting(SettingKind::Mapping, "settings",
                        "the remote connector's own settings: passed to it as JSON and checked by it"),
            kindSetting(SettingKind::Secret, "password",
                        "a secret for the remote connector, handed over in its calls as secret 'password' (never in "
                        "its environment or arguments)"),
            kindSetting(SettingKind::Path, "working_dir",
                        "the folder the command runs in (relative paths in settings are relative to it); default: "
                        "syncline's working folder"),
            kindSetting(SettingKind::Mapping, "environment",
                        "variables added to the command's environment (strings; never a secret: use password_env)"),
            integerSetting("max_frame_bytes", 65536, 1073741824,
                           "the largest message either side may send (a batch of rows is one message)",
                           kDefaultMaxFrame),
            integerSetting("call_timeout_ms", 100, 86400000,
                           "how long one call may take; then the connection is dropped (a command's process killed, "
                           "and started again at the next call); default: erp.query_timeout_s"),
        };
        return s;
    }();
    return spec;
}

std::vector<SettingIssue> checkEndpoint(const Settings& settings) {
    std::vector<SettingIssue> issues;
    const auto* command = settings.find("command");
    const bool has_command = command != nullptr;
    const bool has_address = settings.find("address") != nullptr;
    const bool has_socket = settings.find("socket") != nullptr;
    if (int(has_command) + int(has_address) + int(has_socket) != 1) {
        issues.push_back({has_address ? "address" : (has_socket ? "socket" : "command"),
                          "set exactly one of erp.command (start the service), erp.address and erp.socket (reach a "
                          "running one)"});
    }
    if (has_command && (!command->is_array() || command->empty())) {
        issues.push_back({"command", "must name the program to start: [\"program\", \"argument\", ...]"});
    }
    if (has_address && !splitAddress(settings.string("address"))) {
        issues.push_back({"address", "'" + settings.string("address") + "' is no host:port (e.g. \"127.0.0.1:9091\")"});
    }
    for (const char* key : {"working_dir", "environment"}) {
        if (settings.find(key) != nullptr && !has_command) {
            issues.push_back({key, "only applies with erp.command"});
        }
    }
    if (const auto* env = settings.find("environment"); env != nullptr && env->is_object()) {
        for (const auto& [name, value] : env->items()) {
            if (!isVariableName(name) || name == "SYNCLINE_CONNECTOR_SOCKET") {
                issues.push_back({"environment." + name, "is no variable the command may be given"});
            } else if (!value.is_string()) {
                issues.push_back({"environment." + name, "must be a string"});
            }
        }
    }
    return issues;
}

Endpoint endpointOf(const Settings& settings) {
    if (const auto issues = checkEndpoint(settings); !issues.empty()) {
        throw std::invalid_argument("erp." + issues.front().path + ": " + issues.front().message);
    }
    Endpoint e;
    if (const auto* command = settings.find("command")) {
        for (const auto& arg : *command) {
            e.command.push_back(arg.is_string() ? arg.get<std::string>() : arg.dump());
        }
    }
    e.working_dir = settings.string("working_dir");
    if (const auto* env = settings.find("environment"); env != nullptr && env->is_object()) {
        for (const auto& [name, value] : env->items()) {
            e.environment[name] = value.get<std::string>();
        }
    }
    if (const auto address = splitAddress(settings.string("address"))) {
        e.host = address->first;
        e.port = address->second;
    }
    e.socket = settings.string("socket");
    e.remote_kind = settings.string("remote_kind");
    e.max_frame_bytes = static_cast<std::uint32_t>(settings.integer("max_frame_bytes", kDefaultMaxFrame));
    e.call_timeout = std::chrono::milliseconds(
        settings.integer("call_timeout_ms", static_cast<std::int64_t>(settings.query_timeout_s) * 1000));
    e.login_timeout = std::chrono::seconds(std::max(1, settings.login_timeout_s));
    return e;
}

api::Settings remoteSettingsOf(const Settings& settings) {
    const auto* values = settings.find("settings");
    std::map<std::string, std::string> secrets;
    if (const std::string password = settings.secret("password"); !password.empty()) {
        secrets["password"] = password;
    }
    return toWire(settings.string("remote_kind"),
                  values != nullptr && values->is_object() ? *values : nlohmann::json::object(), secrets,
                  settings.login_timeout_s, settings.query_timeout_s);
}

void registerThriftConnector() {
    connector::registerConnector(std::make_shared<ThriftFactory>());
}

}  // namespace syncline::thrift_connector
