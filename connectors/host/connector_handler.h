#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "connectors/thrift/wire.h"

namespace syncline::connector_host {

namespace api = ::syncline::connector_api;

/// Said with "unknown kind": how a plug-in's kind comes to be served.
inline constexpr const char* kPluginKindHint =
    "a plug-in's kind is served with --plugin-dir, the folder of its .so file";

/// One connection of syncline-connector-host: the ConnectorService calls of one client, served by a connector of
/// any kind registered in this process (built in or plug-in), made by configure() from the settings the client
/// sends. Every failure reaches the client as a ConnectorError with the connector's error kind. One thread per
/// connection (Thrift's TThreadedServer), so no locking; the connector and its sessions go with the connection.
class ConnectorHandler : public api::ConnectorServiceIf {
  public:
    /// `default_kind`: the kind served when a call names none ("" = the client must name one).
    explicit ConnectorHandler(std::string default_kind);
    ~ConnectorHandler() override;

    void spec(api::Spec& out, const std::string& kind) override;
    void checkSettings(api::CheckResult& out, const api::Settings& settings) override;
    void configure(api::Configured& out, const api::Settings& settings) override;
    void check(std::string& out) override;
    void checkStreams(std::vector<api::StreamCheck>& out) override;
    void discover(api::Discovery& out, const api::DiscoverRequest& request) override;
    void open(api::Opened& out, const std::string& stream, const api::OpenRequest& request) override;
    void nextBatch(api::Batch& out, int64_t session) override;
    void close(int64_t session) override;
    void findOrder(api::FoundOrder& out, const std::string& key) override;
    void pushOrder(std::string& out, const api::Order& order, const std::string& key) override;
    void orderStatus(api::OrderStatusReply& out, const std::string& key) override;
    void livePrice(api::LivePriceReply& out, const api::LivePriceQuestion& question) override;

  private:
    struct Checked;
    Checked checked(const api::Settings& settings) const;
    connector::Connector& connector();

    const std::string default_kind_;
    std::string kind_;
    std::unique_ptr<connector::Connector> connector_;
    std::shared_ptr<connector::LivePriceSource> live_prices_;
    bool live_prices_asked_ = false;
    struct Session {
        std::unique_ptr<connector::PullSession> session;
        std::size_t fields = 0;
    };
    std::map<std::int64_t, Session> sessions_;
    std::int64_t next_session_ = 1;
};

}  // namespace syncline::connector_host
