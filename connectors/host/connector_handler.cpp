#include "connectors/host/connector_handler.h"

#include <stdexcept>

#include <spdlog/spdlog.h>

#include "connectors/host/settings_check.h"

namespace syncline::connector_host {

using connector::Error;
using connector::ErrorKind;
using thrift_connector::fromWire;
using thrift_connector::toWire;

namespace {

constexpr std::size_t kMaxSessions = 16;  // per connection: a client that never closes its reads is bounded

[[noreturn]] void fail(ErrorKind kind, std::string code, std::string message) {
    throw toWire(Error{kind, std::move(code), std::move(message)});
}

// The connector's Result, or its error thrown to the client.
template <typename T>
T take(connector::Result<T>&& result) {
    if (!result) {
        throw toWire(result.error());
    }
    return std::move(result.value());
}

std::shared_ptr<const connector::ConnectorFactory> factoryOf(const std::string& kind) {
    if (kind.empty()) {
        fail(ErrorKind::Config, "no-kind",
             "syncline-connector-host serves several kinds: name one with erp.remote_kind (known: " +
                 connector::registeredKinds() + ")");
    }
    auto factory = connector::findConnector(kind);
    if (factory == nullptr) {
        fail(ErrorKind::Config, "unknown-kind",
             "syncline-connector-host has no connector kind '" + kind + "'; known: " + connector::registeredKinds() +
                 " (" + kPluginKindHint + ")");
    }
    return factory;
}

}  // namespace

struct ConnectorHandler::Checked {
    std::shared_ptr<const connector::ConnectorFactory> factory;
    connector::Settings settings;
    std::vector<connector::SettingIssue> issues;
};

ConnectorHandler::ConnectorHandler(std::string default_kind) : default_kind_(std::move(default_kind)) {}

ConnectorHandler::~ConnectorHandler() {
    sessions_.clear();  // before the connector they read from
}

void ConnectorHandler::spec(api::Spec& out, const std::string& kind) {
    out = toWire(factoryOf(kind.empty() ? default_kind_ : kind)->spec());
}

ConnectorHandler::Checked ConnectorHandler::checked(const api::Settings& wire) const {
    Checked c;
    c.factory = factoryOf(wire.kind.empty() ? default_kind_ : wire.kind);
    try {
        c.settings = fromWire(wire);
    } catch (const std::invalid_argument& e) {
        fail(ErrorKind::Config, "bad-settings", e.what());
    }
    c.issues = checkSettingsJson(c.factory->spec().settings, c.settings.values);
    if (c.issues.empty()) {
        c.issues = c.factory->check(c.settings);
    }
    return c;
}

void ConnectorHandler::checkSettings(api::CheckResult& out, const api::Settings& settings) {
    auto c = checked(settings);
    for (const auto& issue : c.issues) {
        api::SettingIssue i;
        i.path = issue.path;
        i.message = issue.message;
        out.issues.push_back(std::move(i));
    }
    if (!c.issues.empty()) {
        return;
    }
    std::unique_ptr<connector::Connector> made;
    try {
        made = c.factory->create(c.settings);  // connects to nothing: asked which streams read incrementally
    } catch (const std::invalid_argument& e) {
        api::SettingIssue i;
        i.message = e.what();
        out.issues.push_back(std::move(i));
        return;
    }
    out.__set_features(toWire(c.factory->features(c.settings), made.get()));
}

void ConnectorHandler::configure(api::Configured& out, const api::Settings& settings) {
    auto c = checked(settings);
    if (!c.issues.empty()) {
        std::string message = "the settings are refused:";
        for (const auto& issue : c.issues) {
            message += " " + (issue.path.empty() ? "" : "erp.settings." + issue.path + ": ") + issue.message + ";";
        }
        message.pop_back();
        fail(ErrorKind::Config, "bad-settings", message);
    }
    sessions_.clear();
    live_prices_.reset();
    live_prices_asked_ = false;
    try {
        connector_ = c.factory->create(c.settings);
    } catch (const std::invalid_argument& e) {
        fail(ErrorKind::Config, "bad-settings", e.what());
    }
    kind_ = c.factory->spec().kind;
    out.features = toWire(c.factory->features(c.settings), connector_.get());
    out.description = kind_ + " " + c.factory->spec().version + " in syncline-connector-host";
}

connector::Connector& ConnectorHandler::connector() {
    if (!connector_) {
        fail(ErrorKind::Fatal, "not-configured", "configure() first");
    }
    return *connector_;
}

void ConnectorHandler::check(std::string& out) {
    out = take(connector().check());
}

void ConnectorHandler::checkStreams(std::vector<api::StreamCheck>& out) {
    for (const auto& check : connector().checkStreams()) {
        out.push_back(toWire(check));
    }
}

void ConnectorHandler::discover(api::Discovery& out, const api::DiscoverRequest& request) {
    out = toWire(take(connector().discover(fromWire(request))));
}

void ConnectorHandler::open(api::Opened& out, const std::string& stream, const api::OpenRequest& request) {
    if (sessions_.size() >= kMaxSessions) {
        fail(ErrorKind::Fatal, "too-many-reads",
             "this connection has " + std::to_string(kMaxSessions) + " reads open already: close() them");
    }
    connector::OpenRequest open_request;
    try {
        open_request = fromWire(request);
    } catch (const std::invalid_argument& e) {
        fail(ErrorKind::Fatal, "bad-request", e.what());
    }
    auto session = take(connector().open(stream, open_request));
    out.fields = session->fields();
    out.session = next_session_++;
    sessions_[out.session] = Session{std::move(session), out.fields.size()};
}

void ConnectorHandler::nextBatch(api::Batch& out, int64_t session) {
    const auto it = sessions_.find(session);
    if (it == sessions_.end()) {
        fail(ErrorKind::Fatal, "no-session", "no open read " + std::to_string(session) + " on this connection");
    }
    connector::RecordBatch batch;
    auto more = it->second.session->next(batch);
    if (!more) {
        sessions_.erase(it);
        throw toWire(more.error());
    }
    if (!more.value()) {
        sessions_.erase(it);  // the protocol: a session that returned its last batch is closed
        out.last = true;
        out.__isset.nulls = true;
        return;
    }
    toWire(std::move(batch), it->second.fields, false, out);
}

void ConnectorHandler::close(int64_t session) {
    sessions_.erase(session);
}

void ConnectorHandler::findOrder(api::FoundOrder& out, const std::string& key) {
    if (auto found = take(connector().findOrder(key))) {
        out.__set_document_number(*found);
    }
}

void ConnectorHandler::pushOrder(std::string& out, const api::Order& order, const std::string& key) {
    model::Order converted;
    try {
        converted = fromWire(order);
    } catch (const std::invalid_argument& e) {
        fail(ErrorKind::Data, "bad-order", e.what());
    }
    out = take(connector().pushOrder(converted, key));
}

void ConnectorHandler::orderStatus(api::OrderStatusReply& out, const std::string& key) {
    if (auto state = take(connector().orderStatus(key))) {
        out.__set_state(toWire(*state));
    }
}

void ConnectorHandler::livePrice(api::LivePriceReply& out, const api::LivePriceQuestion& question) {
    if (!live_prices_asked_) {
        live_prices_ = take(connector().livePrices());
        live_prices_asked_ = true;
    }
    if (!live_prices_) {
        fail(ErrorKind::Config, "no-live-price", "the " + kind_ + " connector is not configured for live prices");
    }
    if (auto answer = take(live_prices_->ask(fromWire(question)))) {
        out.__set_unit_price(answer->unit_price);
        if (answer->currency) {
            out.__set_currency(*answer->currency);
        }
    }
}

}  // namespace syncline::connector_host
