#pragma once

// Internal to app/http_server.cpp and app/http_server_connections.cpp: the state of HttpServer, which its I/O thread
// owns except where a comment says otherwise.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <Poco/Net/ServerSocket.h>

#include "app/connection_limits.h"
#include "app/http_server.h"
#include "app/socket_stream.h"

namespace syncline::app::http_server_detail {

using Clock = std::chrono::steady_clock;

constexpr int kMaxRequestsPerConnection = 1000;
// After a connection's last reply, its unread input is drained for this long before the socket closes: closing with
// unread bytes would reset the connection, and the client could lose the reply.
constexpr auto kLinger = std::chrono::seconds(2);

/// A file descriptor, closed with its owner.
class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

  private:
    void reset() {
        if (fd_ >= 0) {
            ::close(fd_);
            fd_ = -1;
        }
    }
    int fd_;
};

// Head: reading a request's header; Body: its body; Busy: a worker has it; Reply: writing the reply; Linger:
// the last reply is written, draining the input until the client closes.
enum class Phase { Head, Body, Busy, Reply, Linger };

struct Connection {
    SocketStream stream{-1, nullptr};
    std::string peer;
    Phase phase = Phase::Head;
    Clock::time_point deadline;
    std::string in;
    std::string out;
    std::size_t sent = 0;                  ///< bytes of `out` written
    std::unique_ptr<HttpRequest> request;  ///< in Body: the request whose header was read
    std::size_t head_bytes = 0;
    std::size_t body_bytes = 0;
    bool keep_alive = true;
    bool eof = false;  ///< the client closed its side
    int served = 0;
};

struct Job {
    std::uint64_t connection = 0;
    std::unique_ptr<HttpRequest> request;
};

struct Done {
    std::uint64_t connection = 0;
    HttpReply reply;
};

}  // namespace syncline::app::http_server_detail

namespace syncline::app {

struct HttpServer::Impl {
    using Clock = http_server_detail::Clock;
    using Connection = http_server_detail::Connection;
    using Fd = http_server_detail::Fd;
    using Job = http_server_detail::Job;
    using Done = http_server_detail::Done;

    Impl(HttpServerSettings s, Handler h, QuickHandler q)
        : settings(std::move(s)), handler(std::move(h)), quick(std::move(q)), peers(settings.max_per_peer) {}

    void loop();
    void beginStop();
    void acceptAll();
    void refuse(int fd, const std::string& peer, const std::string& why);
    void failed(std::uint64_t id, Connection& c);
    void onReadable(std::uint64_t id, Connection& c);
    void advance(std::uint64_t id, Connection& c);
    void answer(std::uint64_t id, Connection& c, const HttpReply& reply, bool keep_alive);
    bool flush(std::uint64_t id, Connection& c);
    void close(std::uint64_t id);
    void serviceConnection(std::uint64_t id);
    void expire(Clock::time_point now);
    void takeDone();
    void worker();
    void wake() {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_fd.get(), &one, sizeof one);
    }

    const HttpServerSettings settings;
    const Handler handler;
    const QuickHandler quick;
    Poco::Net::ServerSocket listener;
    int listen_fd = -1;
    int port = 0;
    Fd wake_fd;
    bool running = false;

    // The I/O thread's own.
    std::map<std::uint64_t, Connection> connections;
    std::uint64_t next_id = 1;
    std::vector<std::uint64_t> ready;     ///< connections with a pipelined request to look at
    std::vector<std::uint64_t> buffered;  ///< connections whose TLS session holds input already
    bool listening = true;
    Clock::time_point accept_paused_until{};
    PeerLimit peers;
    ThrottledWarning refusals;
    ThrottledWarning timeouts;
    ThrottledWarning handshakes;

    std::atomic<bool> stopping{false};
    std::atomic<bool> finish{false};
    std::thread io;
    std::vector<std::thread> workers;  ///< started by the I/O thread, joined by stop() after it
    std::size_t idle_workers = 0;      ///< workers waiting for a job (under jobs_mutex)
    std::mutex jobs_mutex;
    std::condition_variable jobs_ready;
    std::deque<Job> jobs;
    bool workers_stop = false;
    std::mutex done_mutex;
    std::vector<Done> done;
};

}  // namespace syncline::app
