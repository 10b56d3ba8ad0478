#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/thrift/remote_service.h"
#include "engine/connector/connector.h"

namespace syncline::thrift_connector {

/// The `thrift` connector kind: every call of the connector interface is a call to a connector service over
/// schemas/thrift/connector.thrift, so the engine cannot tell it from a built-in connector.
///
/// It connects on its first call (starting the service's process for `command`), checks the service's spec and
/// configures the connection with [erp.settings] and the secrets. A connection that broke (the process died, a call
/// missed erp.call_timeout_ms) is replaced at the next call, after the process was started again; a pull session of
/// the broken connection fails transient. Destroying the connector closes its connection; the process is killed when
/// its live price source is gone too. Thread contract: connector.h (calls are serialized on the connection).
class ThriftConnector : public connector::Connector {
  public:
    /// `features`: what the settings configure, when known from the check at config load; else asked at the first
    /// call.
    ThriftConnector(std::shared_ptr<RemoteService> service, std::optional<connector::ConfiguredFeatures> features);
    ~ThriftConnector() override;

    std::string kind() const override { return "thrift"; }
    std::vector<std::string> streams() const override;
    bool incremental(const std::string& stream) const override;
    connector::Result<std::string> check() override;
    connector::Result<std::unique_ptr<connector::PullSession>> open(const std::string& stream,
                                                                    const connector::OpenRequest& request) override;
    std::vector<connector::StreamCheck> checkStreams() override;
    connector::Result<connector::Discovery> discover(const connector::DiscoverRequest& request) override;
    connector::Result<std::shared_ptr<connector::LivePriceSource>> livePrices() override;
    bool exportsOrders() const override;
    connector::Result<std::optional<std::string>> findOrder(const std::string& key) override;
    connector::Result<std::string> pushOrder(const model::Order& order, const std::string& key) override;
    bool readsOrderStatus() const override;
    connector::Result<std::optional<connector::OrderState>> orderStatus(const std::string& key) override;

    /// The connection a session of `generation` reads from, or nullptr when that one broke or was replaced.
    std::shared_ptr<Channel> channelOf(std::uint64_t generation) const;

  private:
    /// The current connection, connected (and the process started) when there is none or it broke.
    connector::Result<std::shared_ptr<Channel>> channel() const;

    std::shared_ptr<RemoteService> service_;
    mutable std::mutex mutex_;
    mutable std::shared_ptr<Channel> channel_;
    mutable std::optional<api::Features> configured_;  ///< what the service said at configure()
    std::optional<connector::ConfiguredFeatures> features_;
};

}  // namespace syncline::thrift_connector
