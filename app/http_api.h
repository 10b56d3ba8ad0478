#pragma once

#include <memory>
#include <string>

#include "app/pricing_service.h"
#include "engine/config/config.h"

namespace syncline::app {

class AuthFailureLog;
class HttpServer;
class TlsServerContext;

/// The pricing API as JSON over HTTP on [api] bind:http_port (docs/pricing.md, "HTTP API"):
///   POST /api/v1/prices/cart      a cart's prices
///   GET  /api/v1/prices/explain   one line with every candidate rule (?customer=&sku=&quantity=&date=&currency=)
///   GET  /livez                   200 while the process serves (no token), answered without a worker
/// Every /api/ request needs "Authorization: Bearer <token>"; a failure is told to `failures`. Errors are
/// application/problem+json. A body larger than max_request_bytes is refused (413) before it is read; one without a
/// Content-Length gets 411. Connections, deadlines and per-address limits: app/http_server.h. With [api] tls_*, HTTPS
/// only; a client certificate refused in the handshake is told to `failures` like a wrong token.
class HttpPricingServer {
  public:
    /// Binds the port (throws std::runtime_error naming the address when it cannot, std::invalid_argument when the
    /// TLS certificate or key cannot be used); serving starts with start().
    HttpPricingServer(PricingService& service, const config::ApiConfig& api, AuthFailureLog& failures);
    ~HttpPricingServer();
    HttpPricingServer(const HttpPricingServer&) = delete;
    HttpPricingServer& operator=(const HttpPricingServer&) = delete;

    void start();
    /// Stops accepting. With `finish_requests`, each connection's request in flight is answered before its socket
    /// closes (a client still sending its request holds this up to [api] http_request_timeout_ms); without, the
    /// connections are closed at once. Then waits for the requests being handled.
    void stop(bool finish_requests = false);
    int port() const;
    /// The TLS certificate served, for the log (app/tls_context.h); empty without TLS.
    std::string tlsDescription() const;

  private:
    class Routes;
    std::unique_ptr<Routes> routes_;
    std::unique_ptr<TlsServerContext> tls_;  ///< before server_: its connections use it until the server is gone
    std::unique_ptr<HttpServer> server_;
};

}  // namespace syncline::app
