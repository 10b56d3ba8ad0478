#pragma once

#include <openssl/types.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "engine/config/config.h"

namespace syncline::app {

/// A certificate, key or CA file that OpenSSL cannot use; `key()` is the config key naming it ("api.tls_key_file").
class TlsMaterialError : public std::invalid_argument {
  public:
    TlsMaterialError(std::string key, const std::string& message)
        : std::invalid_argument(message), key_(std::move(key)) {}
    const std::string& key() const { return key_; }

  private:
    std::string key_;
};

/// Sets up `ctx` as the server side of the pricing APIs with `tls` ([api] tls_*): the certificate chain and key from
/// the config's PEM text, TLS 1.2 or newer, no renegotiation, and with a CA file a client certificate that is
/// required and verified against it. Used for the HTTP server's context (TlsServerContext) and for Thrift's own
/// (app/thrift_transport.h). Returns what the log says about it: the certificate's subject and end of validity, and
/// whether client certificates are required. Throws TlsMaterialError naming the file when the certificate or key
/// cannot be used (no certificate, the key does not parse or does not belong to the certificate); never with the
/// key's content.
std::string configureTlsServer(SSL_CTX* ctx, const config::ApiTlsConfig& tls);

/// A server SSL_CTX set up by configureTlsServer. Shared by the connections of one server; thread-safe to use.
class TlsServerContext {
  public:
    /// Throws TlsMaterialError like configureTlsServer.
    explicit TlsServerContext(const config::ApiTlsConfig& tls);
    ~TlsServerContext();
    TlsServerContext(const TlsServerContext&) = delete;
    TlsServerContext& operator=(const TlsServerContext&) = delete;

    SSL_CTX* get() const { return ctx_; }
    /// "certificate CN=api.example.com, valid until 2027-03-01 12:00:00 UTC; client certificates required (file)".
    const std::string& description() const { return description_; }

  private:
    SSL_CTX* ctx_;
    std::string description_;
};

/// Why a TLS handshake (or read or write) failed, from `ssl` and the calling thread's OpenSSL error queue, which it
/// empties.
struct TlsFailure {
    std::string reason;                ///< e.g. "error:0A00010B:SSL routines::wrong version number"
    bool certificate_refused = false;  ///< the client's certificate was missing or did not verify: a failed login
};
TlsFailure tlsFailure(const SSL* ssl);

}  // namespace syncline::app
