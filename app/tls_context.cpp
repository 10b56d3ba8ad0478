#include "app/tls_context.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <stdexcept>
#include <vector>

namespace syncline::app {

namespace {

struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// The oldest error of the thread's queue as OpenSSL words it (no key material is ever in it); empties the queue.
std::string openSslError() {
    const unsigned long error = ERR_get_error();
    ERR_clear_error();
    if (error == 0) {
        return "no reason given";
    }
    char text[256];
    ERR_error_string_n(error, text, sizeof text);
    return text;
}

std::unique_ptr<BIO, BioFree> memoryBio(const std::string& text) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
    if (!bio) {
        throw std::runtime_error("OpenSSL: out of memory");
    }
    return bio;
}

// Every certificate of a PEM text, in order.
std::vector<X509Ptr> certificates(const std::string& pem, const std::string& file, const std::string& key) {
    auto bio = memoryBio(pem);
    std::vector<X509Ptr> out;
    while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
        out.push_back(std::move(cert));
    }
    const unsigned long last = ERR_peek_last_error();
    if (out.empty() || (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE)) {
        throw TlsMaterialError(key, file + " holds a certificate OpenSSL cannot read: " + openSslError());
    }
    ERR_clear_error();  // the end of the text
    return out;
}

// An encrypted key would make OpenSSL ask on the terminal; the config refuses those, and this says no to a passphrase.
int noPassphrase(char*, int, int, void*) {
    return 0;
}

std::string subjectOf(X509* cert) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return size > 0 ? std::string(data, static_cast<std::size_t>(size)) : "(no subject)";
}

std::string notAfterOf(X509* cert) {
    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) {
        return "(unknown)";
    }
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
    std::string out = text;
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
        out += " (EXPIRED: clients will refuse it)";
    }
    return out;
}

}  // namespace

std::string configureTlsServer(SSL_CTX* ctx, const config::ApiTlsConfig& tls) {
    ERR_clear_error();
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    // No renegotiation (a client could make the server redo the expensive part at will); a client that closes without
    // close_notify is an end of input like any other, since every request and reply has its length.
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_IGNORE_UNEXPECTED_EOF);
    const auto chain = certificates(tls.cert_pem, tls.cert_file, "api.tls_cert_file");
    if (SSL_CTX_use_certificate(ctx, chain.front().get()) != 1) {
        throw TlsMaterialError("api.tls_cert_file",
                               "the certificate in " + tls.cert_file + " cannot be used: " + openSslError());
    }
    for (std::size_t i = 1; i < chain.size(); ++i) {
        if (SSL_CTX_add1_chain_cert(ctx, chain[i].get()) != 1) {
            throw TlsMaterialError("api.tls_cert_file", "certificate " + std::to_string(i + 1) + " in " +
                                                            tls.cert_file + " cannot be used: " + openSslError());
        }
    }
    {
        auto bio = memoryBio(tls.key_pem.reveal());
        std::unique_ptr<EVP_PKEY, PkeyFree> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr));
        if (!key) {
            throw TlsMaterialError("api.tls_key_file",
                                   tls.key_file + " holds no private key OpenSSL can read: " + openSslError());
        }
        if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
            throw TlsMaterialError("api.tls_key_file", "the key in " + tls.key_file +
                                                           " does not belong to the certificate in " + tls.cert_file +
                                                           ": " + openSslError());
        }
    }
    std::string clients = "no client certificates";
    if (!tls.ca_pem.empty()) {
        X509_STORE* store = SSL_CTX_get_cert_store(ctx);
        for (const auto& ca : certificates(tls.ca_pem, tls.ca_file, "api.tls_ca_file")) {
            if (X509_STORE_add_cert(store, ca.get()) != 1 || SSL_CTX_add_client_CA(ctx, ca.get()) != 1) {
                throw TlsMaterialError("api.tls_ca_file",
                                       "a CA in " + tls.ca_file + " cannot be used: " + openSslError());
            }
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
        clients = "client certificates required (CAs of " + tls.ca_file + ")";
    }
    // Session resumption with client certificates needs a context id, or OpenSSL fails the resumed handshake.
    static const unsigned char kSessionContext[] = "syncline-pricing-api";
    SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
    return "certificate " + subjectOf(chain.front().get()) + ", valid until " + notAfterOf(chain.front().get()) + "; " +
           clients;
}

TlsServerContext::TlsServerContext(const config::ApiTlsConfig& tls) : ctx_(SSL_CTX_new(TLS_server_method())) {
    if (ctx_ == nullptr) {
        throw std::runtime_error("OpenSSL: cannot make a TLS context: " + openSslError());
    }
    try {
        description_ = configureTlsServer(ctx_, tls);
    } catch (...) {
        SSL_CTX_free(ctx_);
        throw;
    }
}

TlsServerContext::~TlsServerContext() {
    SSL_CTX_free(ctx_);
}

TlsFailure tlsFailure(const SSL* ssl) {
    const unsigned long error = ERR_peek_error();
    TlsFailure out;
    if (ERR_GET_LIB(error) == ERR_LIB_SSL && ERR_GET_REASON(error) == SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
        out.certificate_refused = true;
        out.reason = "no client certificate";
    } else if (const long verified = SSL_get_verify_result(ssl);
               verified != X509_V_OK && SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE) {
        out.certificate_refused = true;
        out.reason = std::string("client certificate refused: ") + X509_verify_cert_error_string(verified);
    }
    const std::string detail = error != 0 ? openSslError() : "the connection ended";
    ERR_clear_error();
    if (out.reason.empty()) {
        out.reason = detail;
    }
    return out;
}

}  // namespace syncline::app
