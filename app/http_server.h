#pragma once

#include <openssl/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "app/http_wire.h"

namespace syncline::app {

struct HttpServerSettings {
    std::string bind;
    int port = 0;           ///< 0: any free port (port() tells which)
    int workers = 1;        ///< requests handled at once ([api] max_connections)
    int max_open = 512;     ///< connections open at once ([api] http_max_open_connections)
    int max_per_peer = 16;  ///< connections open at once per client address ([api] max_connections_per_peer)
    std::chrono::milliseconds request_timeout{10000};  ///< [api] http_request_timeout_ms
    std::int64_t max_body_bytes = 1048576;             ///< [api] max_request_bytes
    /// Set: every connection speaks TLS ([api] tls_*, app/tls_context.h); not owned, outlives the server.
    SSL_CTX* tls = nullptr;
    /// Told (on the I/O thread; must not block) when a client's certificate was missing or refused in the handshake.
    std::function<void(const std::string& peer, const std::string& reason)> certificate_refused;
};

/// HTTP/1.1 (keep-alive, pipelining, Expect: 100-continue) in which a client never holds a thread while it sends or
/// receives. One I/O thread accepts the connections, reads each request into memory with non-blocking sockets and
/// writes the replies; `workers` threads run the handler on whole requests only. So slow or idle clients cost a
/// socket and a buffer, not a worker, and a request that needs no worker (`quick`, e.g. /livez) is answered while
/// every worker is busy.
///
/// Bounds, each refusal an application/problem+json reply after which the connection is closed:
/// - a connection beyond `max_open`, or beyond `max_per_peer` from one address: 503 at once;
/// - a request whose header and body have not arrived whole within `request_timeout` of the connection (or of the
///   previous reply on a kept-alive connection): 408, or closed without a word when nothing of it arrived; a reply
///   not taken within `request_timeout` is dropped with its connection;
/// - a header over 32 KiB: 431; a body over `max_body_bytes`: 413, before it is read; a chunked body: 411; a header
///   that is not HTTP: 400.
///
/// With `tls`, the TLS handshake happens on the I/O thread inside the first reads, within the request deadline; a
/// refused connection (503 above) is closed without a word, since a reply would need a handshake first. A failed
/// handshake closes the connection (a warning at most once a minute; a refused client certificate goes to
/// `certificate_refused` instead).
class HttpServer {
  public:
    /// Runs on a worker; may block. An exception becomes a 500 (logged).
    using Handler = std::function<HttpReply(const HttpRequest&)>;
    /// Runs on the I/O thread for every whole request, before any worker: a reply answers the request there and
    /// then, nullopt passes it to a worker. Must not block.
    using QuickHandler = std::function<std::optional<HttpReply>(const HttpRequest&)>;

    /// Binds and listens (throws std::runtime_error naming the address when it cannot); serving starts with start().
    HttpServer(HttpServerSettings settings, Handler handler, QuickHandler quick);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    void start();
    /// Stops accepting (the port is free when this returns). With `finish_requests`, requests that have begun to
    /// arrive are read (within the request timeout), answered and their connections closed; idle connections close
    /// at once. Without, every connection closes at once. Waits for the handlers running.
    void stop(bool finish_requests = false);
    int port() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace syncline::app
