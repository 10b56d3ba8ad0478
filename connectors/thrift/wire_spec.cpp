// Errors, specs, settings and features on the wire (connectors/thrift/wire.h).
#include <algorithm>
#include <stdexcept>

#include "connectors/thrift/wire.h"
#include "engine/connector/streams.h"
#include "syncline_thrift/connector_constants.h"

namespace syncline::thrift_connector {

using connector::ErrorKind;
using connector::SettingKind;

int protocolVersion() {
    return api::g_connector_constants.API_VERSION;
}

connector::Error fromWire(const api::ConnectorError& error) {
    ErrorKind kind = ErrorKind::Fatal;  // also for a kind this version has no name for
    switch (rawValue(error.kind)) {
        case api::ErrorKind::TRANSIENT:
            kind = ErrorKind::Transient;
            break;
        case api::ErrorKind::CONFIG:
            kind = ErrorKind::Config;
            break;
        case api::ErrorKind::DATA:
            kind = ErrorKind::Data;
            break;
        case api::ErrorKind::FATAL:
            kind = ErrorKind::Fatal;
            break;
    }
    return {kind, error.code, error.message};
}

api::ConnectorError toWire(const connector::Error& error) {
    api::ConnectorError out;
    switch (error.kind) {
        case ErrorKind::Transient:
            out.kind = api::ErrorKind::TRANSIENT;
            break;
        case ErrorKind::Config:
            out.kind = api::ErrorKind::CONFIG;
            break;
        case ErrorKind::Data:
            out.kind = api::ErrorKind::DATA;
            break;
        case ErrorKind::Fatal:
            out.kind = api::ErrorKind::FATAL;
            break;
    }
    out.code = error.code;
    out.message = error.message;
    return out;
}

namespace {

// The wire's setting kinds, in the order of both enums (SettingKind::String is 0, api STRING is 1).
constexpr SettingKind kKinds[] = {SettingKind::String, SettingKind::Integer,    SettingKind::Boolean,
                                  SettingKind::Table,  SettingKind::StringList, SettingKind::Path,
                                  SettingKind::Secret, SettingKind::Statements, SettingKind::Mapping};
constexpr int kKindCount = static_cast<int>(sizeof(kKinds) / sizeof(kKinds[0]));

api::SettingKind::type kindToWire(SettingKind kind) {
    for (int i = 0; i < kKindCount; ++i) {
        if (kKinds[i] == kind) {
            return static_cast<api::SettingKind::type>(i + 1);
        }
    }
    return api::SettingKind::STRING;
}

}  // namespace

api::Spec toWire(const connector::ConnectorSpec& spec) {
    api::Spec out;
    out.api_version = protocolVersion();
    out.kind = spec.kind;
    out.version = spec.version;
    out.summary = spec.summary;
    out.streams = spec.streams;
    const auto& c = spec.capabilities;
    out.capabilities.full = c.full;
    out.capabilities.incremental = c.incremental;
    out.capabilities.push_orders = c.push_orders;
    out.capabilities.order_status = c.order_status;
    out.capabilities.live_price = c.live_price;
    out.capabilities.discover = c.discover;
    for (const auto& s : spec.settings) {
        api::SettingSpec w;
        w.path = s.path;
        w.kind = kindToWire(s.kind);
        w.allowed = s.allowed;
        if (s.min) {
            w.__set_min(*s.min);
        }
        if (s.max) {
            w.__set_max(*s.max);
        }
        w.help = s.help;
        if (s.default_value) {
            w.__set_default_value(*s.default_value);
        }
        w.is_required = s.required;
        out.settings.push_back(std::move(w));
    }
    return out;
}

std::optional<std::string> problemOf(const api::Spec& spec) {
    if (spec.api_version != protocolVersion()) {
        return "it speaks connector protocol version " + std::to_string(spec.api_version) + ", this syncline version " +
               std::to_string(protocolVersion()) +
               " (schemas/thrift/connector.thrift): use a connector built for "
               "version " +
               std::to_string(protocolVersion());
    }
    if (spec.kind.empty()) {
        return "its spec names no kind";
    }
    for (const auto& stream : spec.streams) {
        const auto& known = connector::pullStreams();
        if (std::find(known.begin(), known.end(), stream) == known.end()) {
            return "its spec names stream '" + stream +
                   "', which syncline does not know (known: products, stock, "
                   "customers, price_rules)";
        }
    }
    for (const auto& s : spec.settings) {
        if (rawValue(s.kind) < 1 || rawValue(s.kind) > kKindCount) {
            return "its setting '" + s.path + "' has kind " + std::to_string(rawValue(s.kind)) +
                   ", which is no setting kind";
        }
        if (s.path.empty()) {
            return "its spec has a setting without a name";
        }
    }
    return std::nullopt;
}

connector::ConnectorSpec fromWire(const api::Spec& spec) {
    connector::ConnectorSpec out;
    out.kind = spec.kind;
    out.version = spec.version;
    out.summary = spec.summary;
    out.streams = spec.streams;
    const auto& c = spec.capabilities;
    out.capabilities = {c.full, c.incremental, c.push_orders, c.order_status, c.live_price, c.discover};
    for (const auto& w : spec.settings) {
        connector::SettingSpec s;
        s.path = w.path;
        const int kind = rawValue(w.kind);
        s.kind = kind >= 1 && kind <= kKindCount ? kKinds[kind - 1] : SettingKind::String;
        s.allowed = w.allowed;
        if (w.__isset.min) {
            s.min = w.min;
        }
        if (w.__isset.max) {
            s.max = w.max;
        }
        s.help = w.help;
        if (w.__isset.default_value) {
            s.default_value = w.default_value;
        }
        s.required = w.is_required;
        out.settings.push_back(std::move(s));
    }
    return out;
}

api::Settings toWire(const std::string& kind, const nlohmann::json& values,
                     const std::map<std::string, std::string>& secrets, int login_timeout_s, int query_timeout_s) {
    api::Settings out;
    out.kind = kind;
    out.values_json = values.is_object() ? values.dump() : "{}";
    out.secrets = secrets;
    out.login_timeout_s = login_timeout_s;
    out.query_timeout_s = query_timeout_s;
    return out;
}

connector::Settings fromWire(const api::Settings& settings) {
    connector::Settings out;
    try {
        out.values = nlohmann::json::parse(settings.values_json);
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("the settings are no JSON: ") + e.what());
    }
    if (!out.values.is_object()) {
        throw std::invalid_argument("the settings are no JSON object");
    }
    out.secrets = settings.secrets;
    out.login_timeout_s = settings.login_timeout_s;
    out.query_timeout_s = settings.query_timeout_s;
    return out;
}

api::Features toWire(const connector::ConfiguredFeatures& features, const connector::Connector* connector) {
    api::Features out;
    out.streams = features.streams;
    for (const auto& stream : features.streams) {
        if (connector != nullptr && connector->incremental(stream)) {
            out.incremental.push_back(stream);
        }
    }
    out.push_orders = features.push_orders;
    out.order_status = features.order_status;
    out.live_price = features.live_price;
    return out;
}

connector::ConfiguredFeatures fromWire(const api::Features& features) {
    connector::ConfiguredFeatures out;
    out.streams = features.streams;
    out.push_orders = features.push_orders;
    out.order_status = features.order_status;
    out.live_price = features.live_price;
    return out;
}

}  // namespace syncline::thrift_connector
