#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <string>

namespace syncline::app {

/// A connected non-blocking socket as the HTTP server's I/O thread uses it, plain or TLS: it owns the descriptor
/// (closed with it) and, with TLS, the OpenSSL session, whose handshake happens inside the first reads. Never blocks.
/// Not thread-safe: one thread uses it.
class SocketStream {
  public:
    enum class Status {
        Done,     ///< `bytes` were read or written
        Blocked,  ///< nothing now: wait for events() and try again
        Closed,   ///< the peer ended its side (reads only)
        Failed    ///< the connection is unusable; with TLS, failure() says why
    };
    struct Result {
        Status status = Status::Blocked;
        std::size_t bytes = 0;
    };

    /// Takes `fd` (non-blocking, connected); with `tls`, speaks TLS as its server side.
    SocketStream(int fd, SSL_CTX* tls);
    ~SocketStream();
    SocketStream(SocketStream&& other) noexcept;
    SocketStream& operator=(SocketStream&& other) noexcept;
    SocketStream(const SocketStream&) = delete;
    SocketStream& operator=(const SocketStream&) = delete;

    int fd() const { return fd_; }
    bool secure() const { return ssl_ != nullptr; }
    /// Whether the TLS handshake is done (always true without TLS).
    bool established() const;

    Result read(char* buffer, std::size_t size);
    Result write(const char* data, std::size_t size);
    /// The poll() events to wait for while the caller wants to read and/or write: with TLS a read may need the socket
    /// writable and a write may need it readable (handshake, key update).
    short events(bool want_read, bool want_write) const;
    /// Decrypted bytes held in memory, which poll() cannot see: read them without waiting.
    bool buffered() const;
    /// One attempt to send `text` without waiting (a refusal or a 408 before closing); nothing before the handshake.
    void sendNow(const std::string& text);
    /// Ends the sending side (with TLS, close_notify first); reads go on.
    void shutdownWrite();

    /// Why the last Failed happened; with TLS whether the client's certificate was refused (app/tls_context.h).
    const std::string& failure() const { return failure_; }
    bool certificateRefused() const { return certificate_refused_; }

  private:
    Result tlsResult(int n, bool reading);
    void reset();

    int fd_ = -1;
    SSL* ssl_ = nullptr;
    short read_waits_for_;   ///< POLLIN, or POLLOUT when TLS must write to read
    short write_waits_for_;  ///< POLLOUT, or POLLIN when TLS must read to write
    std::string failure_;
    bool certificate_refused_ = false;
};

}  // namespace syncline::app
