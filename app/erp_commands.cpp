// connectors list | spec | test | discover: which connectors this engine has, and what it sees in the ERP. Every
// command goes through the connector interface (engine/connector), whatever the kind.
#include <chrono>
#include <iostream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/output.h"
#include "engine/connector/conformance.h"
#include "engine/connector/registry.h"

namespace syncline::app {

namespace {

std::string capabilitiesOf(const connector::Capabilities& c) {
    std::string out;
    const auto add = [&](bool on, const char* name) {
        if (on) {
            out += (out.empty() ? "" : ", ") + std::string(name);
        }
    };
    add(c.full, "full");
    add(c.incremental, "incremental");
    add(c.push_orders, "push orders");
    add(c.order_status, "order status");
    add(c.live_price, "live price");
    add(c.discover, "discover");
    return out;
}

nlohmann::json capabilitiesJson(const connector::Capabilities& c) {
    return {{"full", c.full},
            {"incremental", c.incremental},
            {"push_orders", c.push_orders},
            {"order_status", c.order_status},
            {"live_price", c.live_price},
            {"discover", c.discover}};
}

int failed(const GlobalOptions& options, const char* command, const connector::Error& error) {
    if (options.json) {
        std::cout << nlohmann::json{{"ok", false},
                                    {"error_kind", std::string(connector::toString(error.kind))},
                                    {"code", error.code},
                                    {"message", error.message}}
                         .dump(2)
                  << "\n";
    }
    std::cerr << "syncline connectors " << command << ": " << error.describe() << "\n";
    return exitCodeFor(error.kind);
}

// The configured connector, or nullptr after telling the admin there is no [erp].
std::unique_ptr<connector::Connector> configuredConnector(const config::Config& config, const char* command) {
    if (!config.erp.configured()) {
        std::cerr << "syncline connectors " << command << ": no [erp] section in " << config.path << "\n";
        return nullptr;
    }
    return makeConnector(config);
}

}  // namespace

int commandConnectorsList(const GlobalOptions& options) {
    Listing kinds({"kind", "version", "streams", "capabilities", "summary"});
    auto json = nlohmann::json::array();
    for (const auto& factory : connector::registeredConnectors()) {
        const auto& spec = factory->spec();
        std::string streams;
        for (const auto& s : spec.streams) {
            streams += (streams.empty() ? "" : ", ") + s;
        }
        kinds.add({spec.kind, spec.version, streams, capabilitiesOf(spec.capabilities), spec.summary});
        json.push_back({{"kind", spec.kind},
                        {"version", spec.version},
                        {"streams", spec.streams},
                        {"capabilities", capabilitiesJson(spec.capabilities)},
                        {"summary", spec.summary}});
    }
    if (options.json) {
        std::cout << json.dump(2) << "\n";
    } else {
        std::cout << kinds.text();
    }
    return kExitOk;
}

int commandConnectorsSpec(const GlobalOptions& options, const std::string& kind) {
    const auto factory = connector::findConnector(kind);
    if (factory == nullptr) {
        std::cerr << "syncline connectors spec: unknown connector kind '" << kind
                  << "'; known: " << connector::registeredKinds() << "\n";
        return kExitUsage;
    }
    const auto& spec = factory->spec();
    Listing keys({"key", "type", "default", "required", "help"});
    auto json_keys = nlohmann::json::array();
    for (const auto& s : spec.settings) {
        std::string type = connector::toString(s.kind);
        if (!s.allowed.empty()) {
            type = "one of:";
            for (const auto& a : s.allowed) {
                type += " " + a;
            }
        } else if (s.min && s.max) {
            type += " " + std::to_string(*s.min) + ".." + std::to_string(*s.max);
        }
        const std::string key = "erp." + s.path + (s.kind == connector::SettingKind::Secret ? "_env | _file" : "");
        keys.add({key, type, s.default_value ? nlohmann::json(*s.default_value) : nlohmann::json(nullptr),
                  s.required ? "yes" : "", s.help});
        nlohmann::json k = {{"key", "erp." + s.path},
                            {"type", connector::toString(s.kind)},
                            {"help", s.help},
                            {"required", s.required}};
        if (!s.allowed.empty()) {
            k["allowed"] = s.allowed;
        }
        if (s.min) {
            k["min"] = *s.min;
        }
        if (s.max) {
            k["max"] = *s.max;
        }
        if (s.default_value) {
            k["default"] = *s.default_value;
        }
        json_keys.push_back(std::move(k));
    }
    if (options.json) {
        std::cout << nlohmann::json{{"kind", spec.kind},
                                    {"version", spec.version},
                                    {"api_version", connector::kConnectorApiVersion},
                                    {"summary", spec.summary},
                                    {"streams", spec.streams},
                                    {"capabilities", capabilitiesJson(spec.capabilities)},
                                    {"settings", json_keys}}
                         .dump(2)
                  << "\n";
    } else {
        std::cout << spec.kind << " " << spec.version << ": " << spec.summary << "\n"
                  << "capabilities: " << capabilitiesOf(spec.capabilities) << "\n"
                  << "[erp] connector = \"" << spec.kind << "\", and:\n\n"
                  << keys.text();
    }
    return kExitOk;
}

int commandConnectorsTest(const GlobalOptions& options, const ConnectorsTestOptions& test) {
    const auto config = loadConfig(options);
    auto connector = configuredConnector(config, "test");
    if (!connector) {
        return kExitConfig;
    }
    const auto started = std::chrono::steady_clock::now();
    const auto described = connector->check();
    if (!described) {
        return failed(options, "test", described.error());
    }
    const auto connect_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    spdlog::debug("ERP reachable over {}: {}", connector->kind(), described.value());
    Listing tables({"schema", "table", "rows"});
    if (test.tables) {
        connector::DiscoverRequest request;
        request.columns = false;
        request.count_rows = true;
        const auto found = connector->discover(request);
        if (!found) {
            return failed(options, "test", found.error());
        }
        for (const auto& r : found.value().resources) {
            const auto dot = r.name.rfind('.');
            tables.add({dot == std::string::npos ? nlohmann::json(nullptr) : nlohmann::json(r.name.substr(0, dot)),
                        dot == std::string::npos ? r.name : r.name.substr(dot + 1),
                        r.rows ? nlohmann::json(*r.rows) : nlohmann::json(nullptr)});
        }
    }
    Listing streams({"stream", "ok", "detail"});
    bool streams_ok = true;
    std::vector<connector::StreamCheck> stream_checks;
    if (test.streams) {
        stream_checks = connector->checkStreams();
        for (const auto& check : stream_checks) {
            streams_ok = streams_ok && !check.error;
            streams.add(
                {check.stream, check.error ? "FAILED" : "ok", check.error ? check.error->describe() : check.detail});
        }
    }
    if (options.json) {
        nlohmann::json out = {{"ok", streams_ok},
                              {"connector", connector->kind()},
                              {"source", described.value()},
                              {"connect_ms", connect_ms}};
        if (test.tables) {
            out["tables"] = tables.json();
        }
        if (test.streams) {
            out["streams"] = streams.json();
        }
        std::cout << out.dump(2) << "\n";
    } else {
        std::cout << "ERP reachable (" << connector->kind() << " connector): " << described.value() << ", connected in "
                  << connect_ms << " ms\n";
        if (test.tables) {
            std::cout << "\n" << tables.text();
        }
        if (test.streams) {
            std::cout << "\n" << streams.text();
            for (const auto& check : stream_checks) {
                if (check.error) {  // in full: the table cuts long cells
                    std::cout << "\n" << check.stream << ": " << check.error->describe() << "\n";
                }
            }
        }
    }
    if (!streams_ok) {
        std::cerr << "syncline connectors test: a configured stream cannot be read; fix its mapping before the first "
                     "run\n";
        return kExitConfig;
    }
    return kExitOk;
}

int commandConnectorsDiscover(const GlobalOptions& options, const std::optional<std::string>& stream) {
    const auto config = loadConfig(options);
    auto connector = configuredConnector(config, "discover");
    if (!connector) {
        return kExitConfig;
    }
    connector::DiscoverRequest request;
    request.stream = stream;
    const auto found = connector->discover(request);
    if (!found) {
        return failed(options, "discover", found.error());
    }
    const auto& discovery = found.value();
    if (options.json) {
        auto resources = nlohmann::json::array();
        for (const auto& r : discovery.resources) {
            auto columns = nlohmann::json::array();
            for (const auto& c : r.columns) {
                columns.push_back({{"name", c.name}, {"type", c.type}, {"nullable", c.nullable}});
            }
            resources.push_back({{"name", r.name}, {"columns", columns}});
        }
        auto suggestions = nlohmann::json::object();
        for (const auto& [s, toml] : discovery.suggestions) {
            suggestions[s] = toml;
        }
        std::cout << nlohmann::json{{"resources", resources}, {"suggestions", suggestions}}.dump(2) << "\n";
        return kExitOk;
    }
    for (const auto& r : discovery.resources) {
        std::cout << r.name << "\n";
        for (const auto& c : r.columns) {
            std::cout << "  " << c.name << "  " << c.type << (c.nullable ? "" : "  NOT NULL") << "\n";
        }
    }
    if (discovery.suggestions.empty()) {
        std::cout
            << "\nNo table matched a stream's fields by name; map the columns by hand (docs/connectors/odbc.md).\n";
    } else {
        std::cout << "\n# Suggested mapping: check each column, then paste into the config.\n";
        for (const auto& [s, toml] : discovery.suggestions) {
            std::cout << "\n" << toml;
        }
    }
    return kExitOk;
}

int commandConnectorsConformance(const GlobalOptions& options, const ConformanceRunOptions& run) {
    const auto config = loadConfig(options);
    if (!config.erp.configured()) {
        std::cerr << "syncline connectors conformance: no [erp] section in " << config.path << "\n";
        return kExitConfig;
    }
    connector::ConformanceOptions checks_options;
    checks_options.allow_writes = run.allow_writes;
    checks_options.stream = run.stream;
    const auto factory = connector::findConnector(config.erp.connector);
    const auto checks = connector::runConformance(*factory, config.erp.settings, checks_options);
    Listing table({"check", "stream", "result", "detail"});
    std::size_t failed_checks = 0;
    for (const auto& c : checks) {
        failed_checks += c.outcome == connector::ConformanceCheck::Outcome::Fail ? 1 : 0;
        table.add({c.name, c.stream.empty() ? nlohmann::json(nullptr) : nlohmann::json(c.stream),
                   connector::toString(c.outcome), c.detail});
    }
    if (options.json) {
        std::cout << nlohmann::json{{"connector", config.erp.connector},
                                    {"passed", failed_checks == 0},
                                    {"checks", table.json()}}
                         .dump(2)
                  << "\n";
    } else {
        std::cout << table.text();
        for (const auto& c : checks) {
            if (c.outcome == connector::ConformanceCheck::Outcome::Fail) {  // in full: the table cuts long cells
                std::cout << "\nFAIL " << c.name << (c.stream.empty() ? "" : " (" + c.stream + ")") << ": " << c.detail
                          << "\n";
            }
        }
        std::cout << "\n"
                  << (failed_checks == 0 ? "conformance: passed" : "conformance: FAILED") << " (" << checks.size()
                  << " checks, " << failed_checks << " failed)\n";
    }
    return failed_checks == 0 ? kExitOk : kExitChecksFailed;
}

}  // namespace syncline::app
