#pragma once

#include <memory>

#include "app/pricing_service.h"
#include "engine/config/config.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
}
}  // namespace Poco

namespace syncline::app {

/// The pricing API as JSON over HTTP on [api] bind:http_port (docs/pricing.md, "HTTP API"):
///   POST /api/v1/prices/cart      a cart's prices
///   GET  /api/v1/prices/explain   one line with every candidate rule (?customer=&sku=&quantity=&date=&currency=)
///   GET  /livez                   200 while the process serves (no token)
/// Every /api/ request needs "Authorization: Bearer <token>". Errors are application/problem+json. A body larger
/// than max_request_bytes is refused (413) before it is read; one without a Content-Length gets 411.
class HttpPricingServer {
  public:
    /// Binds the port (throws std::runtime_error naming the address when it cannot); serving starts with start().
    HttpPricingServer(PricingService& service, const config::ApiConfig& api);
    ~HttpPricingServer();
    HttpPricingServer(const HttpPricingServer&) = delete;
    HttpPricingServer& operator=(const HttpPricingServer&) = delete;

    void start();
    /// Stops accepting. With `finish_requests`, each connection's request in flight is answered before its socket
    /// closes (a client still sending its request holds this up to the request timeout, 30 s); without, the
    /// connections are shut down at once. Then waits for the connection threads.
    void stop(bool finish_requests = false);
    int port() const { return port_; }

  private:
    std::unique_ptr<Poco::ThreadPool> threads_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    int port_ = 0;
    bool running_ = false;
};

}  // namespace syncline::app
