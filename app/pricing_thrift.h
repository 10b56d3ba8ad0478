#pragma once

#include <memory>
#include <thread>

#include "app/pricing_service.h"
#include "engine/config/config.h"

namespace apache::thrift::server {
class TThreadedServer;
}

namespace syncline::app {

class AuthFailureLog;

/// The Thrift PricingService (schemas/thrift/pricing.thrift) on [api] bind:thrift_port: framed transport, binary
/// protocol, one thread per client up to [api] max_connections. A frame larger than max_request_bytes, a string or
/// list longer than the limits, or bytes that are not a Thrift message close that client's connection before anything
/// large is allocated; other clients go on. Every call checks the request's token; a failure is told to `failures`.
/// A client's first call must arrive whole within [api] thrift_first_frame_timeout_ms of its connection, and one
/// address holds at most [api] max_connections_per_peer connections (more are closed at once), so idle connections
/// cannot take every thread for long.
class ThriftPricingServer {
  public:
    /// Binds the port (throws std::runtime_error naming the address when it cannot); serving starts with start().
    ThriftPricingServer(PricingService& service, const config::ApiConfig& api, AuthFailureLog& failures);
    ~ThriftPricingServer();
    ThriftPricingServer(const ThriftPricingServer&) = delete;
    ThriftPricingServer& operator=(const ThriftPricingServer&) = delete;

    void start();
    /// Stops accepting, interrupts the clients and joins the serving thread.
    void stop();
    /// The bound port (the real one when [api] thrift_port asked for 0 in tests).
    int port() const { return port_; }

  private:
    std::shared_ptr<apache::thrift::server::TThreadedServer> server_;
    std::thread thread_;
    int port_ = 0;
};

}  // namespace syncline::app
