#include "app/thrift_transport.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

#include <thrift/TConfiguration.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TSocket.h>

#include "app/auth_failures.h"
#include "app/connection_limits.h"
#include "app/tls_context.h"

namespace syncline::app {

namespace {

using apache::thrift::TConfiguration;
using apache::thrift::transport::TTransport;
using apache::thrift::transport::TTransportException;
using Clock = std::chrono::steady_clock;

class ClientGuard;

/// The first-call deadlines of the clients of one server, kept by a thread: at a client's deadline its socket is
/// shut down, which ends whatever read (or TLS handshake) its thread is in. All deadlines are the accept time plus the
/// same limit, so the oldest entry is always the next one due.
class FirstCallDeadlines {
  public:
    explicit FirstCallDeadlines(std::chrono::milliseconds limit) : limit_(limit), thread_([this] { run(); }) {}
    ~FirstCallDeadlines() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    FirstCallDeadlines(const FirstCallDeadlines&) = delete;
    FirstCallDeadlines& operator=(const FirstCallDeadlines&) = delete;

    std::uint64_t watch(ClientGuard& guard);
    /// After this returns, the guard's socket is not touched by this object any more.
    void forget(std::uint64_t id) {
        std::lock_guard lock(mutex_);
        watched_.erase(id);
    }

  private:
    struct Entry {
        Clock::time_point deadline;
        ClientGuard* guard;
    };
    void run();

    const std::chrono::milliseconds limit_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::uint64_t, Entry> watched_;
    std::uint64_t next_id_ = 1;
    bool stopping_ = false;
    ThrottledWarning timeouts_;
    std::thread thread_;  // last: starts when the rest is ready
};

}  // namespace

struct ThriftServerSocket::Shared {
    Shared(const config::ApiConfig& api, AuthFailureLog& failures)
        : peers(api.max_connections_per_peer),
          deadlines(std::chrono::milliseconds(api.thrift_first_frame_timeout_ms)),
          failures(failures) {}

    PeerLimit peers;
    FirstCallDeadlines deadlines;
    AuthFailureLog& failures;
    ThrottledWarning refusals;
    ThrottledWarning handshakes;
};

namespace {

/// What an accepted client holds: a slot of its address and, until its first call is in, a deadline. A member of
/// its socket, so it is destroyed (and releases both) before the socket's base class closes the descriptor.
class ClientGuard {
  public:
    ClientGuard(std::shared_ptr<ThriftServerSocket::Shared> shared, int fd) : shared_(std::move(shared)), fd_(fd) {}
    ~ClientGuard() { release(); }
    ClientGuard(const ClientGuard&) = delete;
    ClientGuard& operator=(const ClientGuard&) = delete;

    /// Takes a slot of the client's address and starts the first-call deadline; false when the address has no
    /// slot left.
    bool admit() {
        peer_ = peerKeyOf(fd_);
        if (!shared_->peers.tryAcquire(peer_)) {
            return false;
        }
        admitted_ = true;
        watch_ = shared_->deadlines.watch(*this);
        return true;
    }
    void firstCallIn() {
        if (watch_ != 0) {
            shared_->deadlines.forget(std::exchange(watch_, 0));
        }
    }
    /// Before the socket closes: the deadline is dropped (so its descriptor is never shut down after it was closed
    /// and reused) and the slot given back.
    void release() {
        firstCallIn();
        if (std::exchange(admitted_, false)) {
            shared_->peers.release(peer_);
        }
    }
    /// Called by FirstCallDeadlines, under its lock.
    void expire() {
        timed_out_ = true;
        ::shutdown(fd_, SHUT_RDWR);
    }

    const std::string& peer() const { return peer_; }
    bool timedOut() const { return timed_out_; }
    ThriftServerSocket::Shared& shared() { return *shared_; }

  private:
    std::shared_ptr<ThriftServerSocket::Shared> shared_;
    const int fd_;
    std::string peer_ = "unknown";
    bool admitted_ = false;
    std::uint64_t watch_ = 0;
    std::atomic<bool> timed_out_{false};
};

std::uint64_t FirstCallDeadlines::watch(ClientGuard& guard) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    const bool first = watched_.empty();
    watched_.emplace(id, Entry{Clock::now() + limit_, &guard});
    if (first) {
        wake_.notify_one();
    }
    return id;
}

void FirstCallDeadlines::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (watched_.empty()) {
            wake_.wait(lock);
            continue;
        }
        const auto oldest = watched_.begin();
        if (const auto deadline = oldest->second.deadline; Clock::now() < deadline) {
            wake_.wait_until(lock, deadline);  // a copy: the entry may be gone when the wait ends
            continue;
        }
        oldest->second.guard->expire();
        timeouts_.note("pricing API (thrift): closed a connection from " + oldest->second.guard->peer() +
                       ": its first call did not arrive whole within " + std::to_string(limit_.count()) +
                       " ms ([api] thrift_first_frame_timeout_ms)");
        watched_.erase(oldest);
    }
}

/// A client's socket that knows its guard.
class GuardedClient {
  public:
    virtual ~GuardedClient() = default;
    virtual ClientGuard& guard() = 0;
};

class PlainClientSocket : public apache::thrift::transport::TSocket, public GuardedClient {
  public:
    PlainClientSocket(std::shared_ptr<ThriftServerSocket::Shared> shared, THRIFT_SOCKET fd,
                      std::shared_ptr<THRIFT_SOCKET> interrupt)
        : TSocket(fd, std::move(interrupt)), guard_(std::move(shared), fd) {}
    void close() override {
        guard_.release();
        TSocket::close();
    }
    ClientGuard& guard() override { return guard_; }

  private:
    ClientGuard guard_;
};

/// The server side of a TLS client: Thrift's TSSLSocket, whose handshake happens in the first read, on the client's
/// thread and within its first-call deadline.
class TlsClientSocket : public apache::thrift::transport::TSSLSocket, public GuardedClient {
    static constexpr int kCloseWaitMs = 1000;

  public:
    TlsClientSocket(std::shared_ptr<ThriftServerSocket::Shared> shared,
                    std::shared_ptr<apache::thrift::transport::SSLContext> context, THRIFT_SOCKET fd,
                    std::shared_ptr<THRIFT_SOCKET> interrupt)
        : TSSLSocket(std::move(context), fd, std::move(interrupt)), guard_(std::move(shared), fd) {
        server(true);
    }
    // TSSLSocket's close waits for the client's close_notify within the receive timeout (the 5-minute idle one): a
    // client that vanished would hold the thread that long.
    void close() override {
        guard_.release();
        setRecvTimeout(kCloseWaitMs);
        setSendTimeout(kCloseWaitMs);
        TSSLSocket::close();
    }
    ClientGuard& guard() override { return guard_; }

    uint32_t read(uint8_t* buf, uint32_t len) override {
        try {
            return TSSLSocket::read(buf, len);
        } catch (const TTransportException& e) {
            if (!told_ && ssl_ != nullptr && SSL_is_init_finished(ssl_) != 1 && !guard_.timedOut()) {
                told_ = true;
                handshakeFailed(e.what());
            }
            throw;
        }
    }

  private:
    // TSSLSocket has already taken OpenSSL's error queue into the exception's message.
    void handshakeFailed(const std::string& what) {
        auto& shared = guard_.shared();
        const long verified = SSL_get_verify_result(ssl_);
        const char* no_certificate =
            ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE));
        if (verified != X509_V_OK && SSL_get_verify_mode(ssl_) != SSL_VERIFY_NONE) {
            shared.failures.record(
                "thrift", guard_.peer(),
                std::string("client certificate refused: ") + X509_verify_cert_error_string(verified));
        } else if (no_certificate != nullptr && what.find(no_certificate) != std::string::npos) {
            shared.failures.record("thrift", guard_.peer(), "no client certificate");
        } else {
            shared.handshakes.note("pricing API (thrift): closed a connection from " + guard_.peer() +
                                   ": its TLS handshake failed: " + what);
        }
    }

    ClientGuard guard_;
    bool told_ = false;
};

/// A framed transport that tells its client's guard when the first frame has been read.
class ClientFramedTransport : public apache::thrift::transport::TFramedTransport {
  public:
    using TFramedTransport::TFramedTransport;

  protected:
    bool readFrame() override {
        const bool read = TFramedTransport::readFrame();
        if (read && !told_) {
            if (auto* client = dynamic_cast<GuardedClient*>(getUnderlyingTransport().get())) {
                client->guard().firstCallIn();
            }
            told_ = true;
        }
        return read;
    }

  private:
    bool told_ = false;
};

/// Frames no larger than the configured bound: TFramedTransport checks the announced size before it allocates.
class BoundedFramedFactory : public apache::thrift::transport::TTransportFactory {
  public:
    explicit BoundedFramedFactory(int max_bytes) : config_(std::make_shared<TConfiguration>(max_bytes, max_bytes)) {}
    std::shared_ptr<TTransport> getTransport(std::shared_ptr<TTransport> transport) override {
        return std::make_shared<ClientFramedTransport>(transport, config_);
    }

  private:
    std::shared_ptr<TConfiguration> config_;
};

}  // namespace

ThriftServerSocket::ThriftServerSocket(const config::ApiConfig& api, AuthFailureLog& failures)
    : TServerSocket(api.bind, api.thrift_port), shared_(std::make_shared<Shared>(api, failures)) {
    if (api.tls.enabled()) {
        tls_ = std::make_shared<apache::thrift::transport::SSLContext>();
        tls_description_ = configureTlsServer(tls_->get(), api.tls);
    }
}

ThriftServerSocket::~ThriftServerSocket() = default;

void ThriftServerSocket::listen() {
    if (!isOpen()) {
        TServerSocket::listen();
    }
}

std::string ThriftServerSocket::peerOf(const std::shared_ptr<TTransport>& transport) {
    if (auto* client = dynamic_cast<GuardedClient*>(transport.get())) {
        return client->guard().peer();
    }
    return "unknown";
}

std::shared_ptr<TTransport> ThriftServerSocket::acceptImpl() {
    auto client = TServerSocket::acceptImpl();
    auto& guard = dynamic_cast<GuardedClient&>(*client).guard();  // made by createSocket below
    if (!guard.admit()) {
        shared_->refusals.note("pricing API (thrift): refused a connection from " + guard.peer() + ": it has " +
                               std::to_string(shared_->peers.maxPerPeer()) +
                               " connections open, the limit per address ([api] max_connections_per_peer)");
        // The server goes on accepting; the client's socket closes with `client`.
        throw TTransportException(TTransportException::CLIENT_DISCONNECT, "too many connections from one address");
    }
    return client;
}

std::shared_ptr<apache::thrift::transport::TSocket> ThriftServerSocket::createSocket(THRIFT_SOCKET fd) {
    if (tls_) {
        return std::make_shared<TlsClientSocket>(shared_, tls_, fd, pChildInterruptSockReader_);
    }
    return std::make_shared<PlainClientSocket>(shared_, fd, pChildInterruptSockReader_);
}

std::shared_ptr<apache::thrift::transport::TTransportFactory> boundedFramedTransports(int max_bytes) {
    return std::make_shared<BoundedFramedFactory>(max_bytes);
}

}  // namespace syncline::app
