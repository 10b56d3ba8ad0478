#pragma once

#include <memory>
#include <string>
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
/// cannot take every thread for long. With [api] tls_*, TLS only (the handshake counts in the first call's time).
/// The sockets: app/thrift_transport.h.
class ThriftPricingServer {
  public:
    /// Binds the port (throws std::runtime_error naming the address when it cannot, std::invalid_argument when the
    /// TLS certificate or key cannot be used); serving starts with start().
    ThriftPricingServer(PricingService& service, const config::ApiConfig& api, AuthFailureLog& failures);
    ~ThriftPricingServer();
    ThriftPricingServer(const ThriftPricingServer&) = delete;
    ThriftPricingServer& operator=(const ThriftPricingServer&) = delete;

    void start();
    /// Stops accepting, interrupts the clients and joins the serving thread.
    void stop();
    /// The bound port (the real one when [api] thrift_port asked for 0 in tests).
    int port() const { return port_; }
    /// The TLS certificate served, for the log (app/tls_context.h); empty without TLS.
    const std::string& tlsDescription() const { return tls_description_; }

  private:
    std::shared_ptr<apache::thrift::server::TThreadedServer> server_;
    std::thread thread_;
    int port_ = 0;
    std::string tls_description_;
};

}  // namespace syncline::app
