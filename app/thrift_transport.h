#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <thrift/transport/TServerSocket.h>

#include "engine/config/config.h"

namespace apache::thrift::transport {
class SSLContext;
}

namespace syncline::app {

class AuthFailureLog;

/// The listening socket of the Thrift pricing server ([api] bind:thrift_port), and through it what each accepted
/// client's transport enforces:
/// - one address holds at most [api] max_connections_per_peer connections: more are closed at accept, so one client
///   never takes every thread of the server; a client's slot is free again when its connection closes;
/// - a client's first call (with TLS: the handshake and the first call) must arrive whole within
///   [api] thrift_first_frame_timeout_ms of its accept, or its socket is shut down: a whole-call deadline, kept by
///   a thread of this socket, which a client trickling bytes cannot reset (a per-read timeout it could);
/// - with [api] tls_* the clients speak TLS (Thrift's TSSLSocket, our certificate: app/tls_context.h); a handshake
///   that fails closes the connection, and a refused client certificate is a failed authentication (`failures`).
/// Refusals, deadlines and failed handshakes are logged as throttled warnings (app/connection_limits.h).
class ThriftServerSocket : public apache::thrift::transport::TServerSocket {
  public:
    /// Binds nothing yet (listen() does, once). Throws std::invalid_argument when the TLS certificate or key cannot
    /// be used.
    ThriftServerSocket(const config::ApiConfig& api, AuthFailureLog& failures);
    ~ThriftServerSocket() override;

    /// Listens once: serve() calling it again must not bind a second time.
    void listen() override;
    /// The certificate served, for the log; empty without TLS.
    const std::string& tlsDescription() const { return tls_description_; }

    /// The client address of a transport this socket accepted (under framing or not); "unknown" for another.
    static std::string peerOf(const std::shared_ptr<apache::thrift::transport::TTransport>& transport);

    struct Shared;  ///< what the socket and its clients share (app/thrift_transport.cpp)

  protected:
    std::shared_ptr<apache::thrift::transport::TTransport> acceptImpl() override;
    std::shared_ptr<apache::thrift::transport::TSocket> createSocket(THRIFT_SOCKET fd) override;

  private:
    std::shared_ptr<Shared> shared_;
    std::shared_ptr<apache::thrift::transport::SSLContext> tls_;
    std::string tls_description_;
};

/// Framed transports whose frames are at most `max_bytes` (checked before allocating), which tell the client's
/// socket when its first frame is in.
std::shared_ptr<apache::thrift::transport::TTransportFactory> boundedFramedTransports(int max_bytes);

}  // namespace syncline::app
