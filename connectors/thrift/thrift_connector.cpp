#include "connectors/thrift/thrift_connector.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "engine/connector/streams.h"

namespace syncline::thrift_connector {

using connector::Error;
using connector::ErrorKind;
using connector::Result;

namespace {

// A pull session of the service, on the connection it was opened on.
class ThriftSession final : public connector::PullSession {
  public:
    ThriftSession(const ThriftConnector& owner, std::uint64_t generation, std::int64_t id, std::string stream,
                  std::vector<std::string> fields)
        : owner_(owner), generation_(generation), id_(id), stream_(std::move(stream)), fields_(std::move(fields)) {}

    ~ThriftSession() override {
        if (done_) {
            return;  // the service closed it with its last batch
        }
        if (auto channel = owner_.channelOf(generation_)) {
            // Best effort: a failure here means the connection is gone, and the session with it.
            auto closed = channel->call<bool>("close", [&](Channel::Client& c, bool&) { c.close(id_); });
            if (!closed) {
                spdlog::debug("closing the read of {}: {}", stream_, closed.error().describe());
            }
        }
    }

    const std::vector<std::string>& fields() const override { return fields_; }

    Result<bool> next(connector::RecordBatch& batch) override {
        batch.clear();
        while (!done_) {
            auto channel = owner_.channelOf(generation_);
            if (!channel) {
                return Error{ErrorKind::Transient, "connection-lost",
                             "the connection to the connector broke while reading " + stream_ +
                                 "; the read starts again at the next run"};
            }
            auto got = channel->call<api::Batch>("nextBatch",
                                                 [&](Channel::Client& c, api::Batch& out) { c.nextBatch(out, id_); });
            if (!got) {
                return got.error();
            }
            done_ = got.value().last;
            if (auto problem = fromWire(std::move(got.value()), fields_.size(), batch)) {
                return Error{ErrorKind::Fatal, "malformed-batch",
                             "the connector's batch of " + stream_ + " is unusable: " + *problem};
            }
            if (!batch.rows.empty()) {
                return true;
            }
            // An empty batch that is not the last one: the source had nothing yet; ask again.
        }
        return false;
    }

  private:
    const ThriftConnector& owner_;
    const std::uint64_t generation_;
    const std::int64_t id_;
    const std::string stream_;
    const std::vector<std::string> fields_;
    bool done_ = false;
};

// Live prices over connections of their own: the pricing APIs ask from many threads at once, while a job may be
// pulling on the connector's connection. Idle connections are kept for the next question.
class ThriftLivePrices final : public connector::LivePriceSource {
  public:
    explicit ThriftLivePrices(std::shared_ptr<RemoteService> service) : service_(std::move(service)) {}

    Result<std::optional<connector::LivePriceAnswer>> ask(const connector::LivePriceQuestion& question) override {
        std::unique_ptr<Channel> channel;
        {
            std::lock_guard lock(mutex_);
            if (!idle_.empty()) {
                channel = std::move(idle_.back());
                idle_.pop_back();
            }
        }
        if (!channel || channel->broken()) {
            auto made = service_->connect(true);
            if (!made) {
                return made.error();
            }
            channel = std::move(made.value());
        }
        const auto wire = toWire(question);
        auto reply = channel->call<api::LivePriceReply>(
            "livePrice", [&](Channel::Client& c, api::LivePriceReply& out) { c.livePrice(out, wire); });
        if (!channel->broken()) {
            std::lock_guard lock(mutex_);
            if (idle_.size() < kMaxIdle) {
                idle_.push_back(std::move(channel));
            }
        }
        if (!reply) {
            return reply.error();
        }
        if (!reply.value().__isset.unit_price) {
            return std::optional<connector::LivePriceAnswer>();
        }
        connector::LivePriceAnswer answer{reply.value().unit_price, std::nullopt};
        if (reply.value().__isset.currency) {
            answer.currency = reply.value().currency;
        }
        return std::optional<connector::LivePriceAnswer>(std::move(answer));
    }

  private:
    static constexpr std::size_t kMaxIdle = 8;
    std::shared_ptr<RemoteService> service_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Channel>> idle_;
};

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// The fields a service says a stream's rows hold must be the stream's canonical fields, each once, the required ones
// all there: they become webstore column names.
std::optional<std::string> fieldsProblem(const std::string& stream, const std::vector<std::string>& fields) {
    const auto& known = connector::streamFields(stream);
    std::vector<std::string> seen;
    for (const auto& field : fields) {
        const bool canonical = std::any_of(known.begin(), known.end(), [&](const auto& f) { return f.name == field; });
        if (!canonical) {
            std::string names;
            for (const auto& f : known) {
                names += (names.empty() ? "" : ", ") + f.name;
            }
            return "'" + field + "' is no field of stream " + stream + " (fields: " + names + ")";
        }
        if (contains(seen, field)) {
            return "field '" + field + "' comes twice";
        }
        seen.push_back(field);
    }
    for (const auto& f : known) {
        if (f.required && !contains(seen, f.name)) {
            return "required field '" + f.name + "' is missing";
        }
    }
    return std::nullopt;
}

}  // namespace

ThriftConnector::ThriftConnector(std::shared_ptr<RemoteService> service,
                                 std::optional<connector::ConfiguredFeatures> features)
    : service_(std::move(service)), features_(std::move(features)) {}

ThriftConnector::~ThriftConnector() = default;

Result<std::shared_ptr<Channel>> ThriftConnector::channel() const {
    std::lock_guard lock(mutex_);
    if (channel_ && !channel_->broken()) {
        return channel_;
    }
    channel_.reset();
    api::Configured configured;
    auto made = service_->connect(true, &configured);
    if (!made) {
        return made.error();
    }
    if (!configured_) {
        spdlog::info("{}: {}", service_->endpoint().describe(), configured.description);
    }
    configured_ = std::move(configured.features);
    channel_ = std::move(made.value());
    return channel_;
}

std::shared_ptr<Channel> ThriftConnector::channelOf(std::uint64_t generation) const {
    std::lock_guard lock(mutex_);
    if (channel_ && channel_->generation() == generation && !channel_->broken()) {
        return channel_;
    }
    return nullptr;
}

std::vector<std::string> ThriftConnector::streams() const {
    if (features_) {
        return features_->streams;
    }
    if (!channel()) {
        return {};
    }
    std::lock_guard lock(mutex_);
    return configured_ ? configured_->streams : std::vector<std::string>{};
}

bool ThriftConnector::incremental(const std::string& stream) const {
    if (!channel()) {
        return true;  // unknown: open() reports why the service cannot be reached
    }
    std::lock_guard lock(mutex_);
    return configured_ && contains(configured_->incremental, stream);
}

bool ThriftConnector::exportsOrders() const {
    if (features_) {
        return features_->push_orders;
    }
    if (!channel()) {
        return true;  // unknown: findOrder reports why
    }
    std::lock_guard lock(mutex_);
    return configured_ && configured_->push_orders;
}

bool ThriftConnector::readsOrderStatus() const {
    if (features_) {
        return features_->order_status;
    }
    if (!channel()) {
        return true;
    }
    std::lock_guard lock(mutex_);
    return configured_ && configured_->order_status;
}

Result<std::string> ThriftConnector::check() {
    auto c = channel();
    if (!c) {
        return c.error();
    }
    return c.value()->call<std::string>("check", [](Channel::Client& client, std::string& out) { client.check(out); });
}

Result<std::unique_ptr<connector::PullSession>> ThriftConnector::open(const std::string& stream,
                                                                      const connector::OpenRequest& request) {
    auto c = channel();
    if (!c) {
        return c.error();
    }
    const auto wire = toWire(request);
    auto opened = c.value()->call<api::Opened>(
        "open", [&](Channel::Client& client, api::Opened& out) { client.open(out, stream, wire); });
    if (!opened) {
        return opened.error();
    }
    if (auto problem = fieldsProblem(stream, opened.value().fields)) {
        const auto id = opened.value().session;
        c.value()->call<bool>("close", [&](Channel::Client& client, bool&) { client.close(id); });
        return Error{ErrorKind::Config, "bad-fields",
                     "the read of " + stream + " from " + service_->endpoint().describe() + " is refused: " + *problem};
    }
    return std::unique_ptr<connector::PullSession>(std::make_unique<ThriftSession>(
        *this, c.value()->generation(), opened.value().session, stream, std::move(opened.value().fields)));
}

std::vector<connector::StreamCheck> ThriftConnector::checkStreams() {
    auto c = channel();
    Result<std::vector<api::StreamCheck>> checks =
        c ? c.value()->call<std::vector<api::StreamCheck>>(
                "checkStreams",
                [](Channel::Client& client, std::vector<api::StreamCheck>& out) { client.checkStreams(out); })
          : Result<std::vector<api::StreamCheck>>(c.error());
    std::vector<connector::StreamCheck> out;
    if (!checks) {
        for (const auto& stream : streams()) {
            out.push_back({stream, checks.error(), ""});
        }
        return out;
    }
    for (const auto& check : checks.value()) {
        out.push_back(fromWire(check));
    }
    return out;
}

Result<connector::Discovery> ThriftConnector::discover(const connector::DiscoverRequest& request) {
    auto c = channel();
    if (!c) {
        return c.error();
    }
    const auto wire = toWire(request);
    auto found = c.value()->call<api::Discovery>(
        "discover", [&](Channel::Client& client, api::Discovery& out) { client.discover(out, wire); });
    if (!found) {
        return found.error();
    }
    return fromWire(found.value(), "settings.");
}

Result<std::shared_ptr<connector::LivePriceSource>> ThriftConnector::livePrices() {
    bool live = false;
    if (features_) {
        live = features_->live_price;
    } else {
        if (auto c = channel(); !c) {
            return c.error();
        }
        std::lock_guard lock(mutex_);
        live = configured_ && configured_->live_price;
    }
    if (!live) {
        return std::shared_ptr<connector::LivePriceSource>();
    }
    return std::shared_ptr<connector::LivePriceSource>(std::make_shared<ThriftLivePrices>(service_));
}

Result<std::optional<std::string>> ThriftConnector::findOrder(const std::string& key) {
    auto c = channel();
    if (!c) {
        return c.error();
    }
    auto found = c.value()->call<api::FoundOrder>(
        "findOrder", [&](Channel::Client& client, api::FoundOrder& out) { client.findOrder(out, key); });
    if (!found) {
        return found.error();
    }
    return found.value().__isset.document_number ? std::optional<std::string>(found.value().document_number)
                                                 : std::nullopt;
}

Result<std::string> ThriftConnector::pushOrder(const model::Order& order, const std::string& key) {
    auto c = channel();
    if (!c) {
        return c.error();
    }
    const auto wire = toWire(order);
    return c.value()->call<std::string>(
        "pushOrder", [&](Channel::Client& client, std::string& out) { client.pushOrder(out, wire, key); });
}

Result<std::optional<connector::OrderState>> ThriftConnector::orderStatus(const std::string& key) {
    auto c = channel();
    if (!c) {
        return c.error();
    }
    auto reply = c.value()->call<api::OrderStatusReply>(
        "orderStatus", [&](Channel::Client& client, api::OrderStatusReply& out) { client.orderStatus(out, key); });
    if (!reply) {
        return reply.error();
    }
    if (!reply.value().__isset.state) {
        return std::optional<connector::OrderState>();
    }
    return std::optional<connector::OrderState>(fromWire(reply.value().state));
}

}  // namespace syncline::thrift_connector
