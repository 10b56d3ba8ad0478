#pragma once

#include <openssl/types.h>

#include <string>
#include <vector>

// Clients of the pricing APIs that tests drive byte by byte: a TCP connection from any loopback address (on Linux
// the whole of 127.0.0.0/8 is this machine), and a TLS client on top of one.
namespace syncline::testing {

/// A TCP connection to 127.0.0.1:`port` from the loopback address `source`; closed with the object.
class RawClient {
  public:
    RawClient(const std::string& source, int port);
    ~RawClient();
    RawClient(RawClient&& other) noexcept;
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    int fd() const { return fd_; }
    /// Sends without waiting (what the socket does not take is dropped).
    void send(const std::string& bytes) const;
    /// Everything the server sends until it closes the connection (10 s at most).
    std::string readAll() const;

  private:
    int fd_;
};

/// The status of the reply to `request` sent by a client on `source`, and the reply (read until the server closes:
/// send "Connection: close"); status 0 when what came back is not HTTP.
std::pair<int, std::string> rawHttp(const std::string& source, int port, const std::string& request);

/// Waits until the server has closed each of `clients` (what it sends before is read and dropped), giving up after
/// 20 s; returns how many it closed.
std::size_t waitClosedByServer(const std::vector<RawClient>& clients);

/// A loopback port free at the time of the call.
int freePort();

/// What a TLS client presents and trusts: PEM files (empty: none).
struct TlsClientFiles {
    std::string ca_file;    ///< the CAs that may sign the server's certificate (verified, with its name)
    std::string cert_file;  ///< a client certificate
    std::string key_file;
};

/// A blocking TLS client (OpenSSL) over a RawClient, every wait bounded by 10 s.
class TlsClient {
  public:
    /// Connects (TCP only; the handshake is handshake()'s or the first exchange's).
    TlsClient(const std::string& source, int port, const TlsClientFiles& files);
    ~TlsClient();
    TlsClient(const TlsClient&) = delete;
    TlsClient& operator=(const TlsClient&) = delete;

    /// The TLS handshake; false (and error() says why) when it fails.
    bool handshake();
    /// Sends all of `bytes`; false when the connection failed.
    bool send(const std::string& bytes);
    /// Everything until the server closes (or 10 s pass); error() says how it ended when not cleanly.
    std::string readAll();
    /// The server certificate's serial number (hex) after the handshake.
    std::string peerSerial() const;
    const std::string& error() const { return error_; }
    int fd() const { return raw_.fd(); }

  private:
    RawClient raw_;
    SSL_CTX* ctx_ = nullptr;
    SSL* ssl_ = nullptr;
    std::string error_;
};

/// The status and the reply of `request` over TLS from `source` (send "Connection: close"); status 0 when the
/// handshake or the exchange failed (the reply then holds the error).
std::pair<int, std::string> httpsRequest(const std::string& source, int port, const TlsClientFiles& files,
                                         const std::string& request);

}  // namespace syncline::testing
