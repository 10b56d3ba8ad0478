#include "app/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <spdlog/spdlog.h>

#include "app/connection_limits.h"

namespace syncline::app {

namespace {

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
    Fd fd;
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

}  // namespace

struct HttpServer::Impl {
    Impl(HttpServerSettings s, Handler h, QuickHandler q)
        : settings(std::move(s)), handler(std::move(h)), quick(std::move(q)), peers(settings.max_per_peer) {}

    void loop();
    void beginStop();
    void acceptAll();
    void refuse(int fd, const std::string& peer, const std::string& why);
    void onReadable(std::uint64_t id, Connection& c);
    void advance(std::uint64_t id, Connection& c);
    void answer(std::uint64_t id, Connection& c, const HttpReply& reply, bool keep_alive);
    bool flush(std::uint64_t id, Connection& c);
    void close(std::uint64_t id);
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
    std::vector<std::uint64_t> ready;  ///< connections with a pipelined request to look at
    bool listening = true;
    Clock::time_point accept_paused_until{};
    PeerLimit peers;
    ThrottledWarning refusals;
    ThrottledWarning timeouts;

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

void HttpServer::Impl::loop() {
    std::vector<pollfd> fds;
    std::vector<std::uint64_t> ids;
    for (;;) {
        takeDone();
        while (!ready.empty()) {
            const auto now_ready = std::move(ready);
            ready.clear();
            for (const auto id : now_ready) {
                if (const auto it = connections.find(id); it != connections.end() && it->second.phase == Phase::Head) {
                    advance(id, it->second);
                }
            }
        }
        if (stopping) {
            if (listening) {
                beginStop();
            }
            if (connections.empty()) {
                return;
            }
        }
        const auto now = Clock::now();
        expire(now);
        fds.clear();
        ids.clear();
        fds.push_back({wake_fd.get(), POLLIN, 0});
        const bool accepting = listening && now >= accept_paused_until;
        if (accepting) {
            fds.push_back({listen_fd, POLLIN, 0});
        }
        const std::size_t first = fds.size();
        auto next = listening && !accepting ? accept_paused_until : Clock::time_point::max();
        for (const auto& [id, c] : connections) {
            short events = 0;
            if (c.phase == Phase::Head || c.phase == Phase::Body || c.phase == Phase::Linger) {
                events |= POLLIN;
            }
            if (c.sent < c.out.size()) {
                events |= POLLOUT;
            }
            if (c.phase != Phase::Busy) {
                next = std::min(next, c.deadline);  // a handler's time is its own to bound, not the client's
            }
            if (events != 0) {
                fds.push_back({c.fd.get(), events, 0});
                ids.push_back(id);
            }
        }
        int timeout_ms = -1;
        if (next != Clock::time_point::max()) {
            timeout_ms = static_cast<int>(
                std::clamp<std::int64_t>(std::chrono::ceil<std::chrono::milliseconds>(next - now).count(), 0, 60000));
        }
        if (::poll(fds.data(), fds.size(), timeout_ms) < 0) {
            if (errno != EINTR) {
                spdlog::error("pricing API (http): poll failed: {}", std::strerror(errno));
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            continue;
        }
        if (fds[0].revents != 0) {
            std::uint64_t count = 0;
            [[maybe_unused]] const auto got = ::read(wake_fd.get(), &count, sizeof count);
        }
        if (accepting && fds[1].revents != 0) {
            acceptAll();
        }
        for (std::size_t i = first; i < fds.size(); ++i) {
            const auto revents = fds[i].revents;
            const auto id = ids[i - first];
            if (revents == 0) {
                continue;
            }
            auto it = connections.find(id);
            // An error or hang-up with a reply pending: the write fails and closes the connection.
            if (it != connections.end() && (revents & (POLLOUT | POLLERR | POLLHUP)) != 0 &&
                it->second.sent < it->second.out.size() && !flush(id, it->second)) {
                continue;
            }
            it = connections.find(id);
            if (it != connections.end() && (revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                const auto phase = it->second.phase;
                if (phase == Phase::Head || phase == Phase::Body || phase == Phase::Linger) {
                    onReadable(id, it->second);
                }
            }
        }
    }
}

// The port is freed at once. Finishing, a request that has begun to arrive is read and answered, then its
// connection closes; otherwise every connection closes now (a handler running finishes; its reply is dropped).
void HttpServer::Impl::beginStop() {
    listener.close();
    listening = false;
    std::vector<std::uint64_t> closing;
    for (auto& [id, c] : connections) {
        const bool idle = c.phase == Phase::Head && c.in.empty() && c.out.empty();
        if (!finish || idle || c.phase == Phase::Linger) {
            closing.push_back(id);
        } else {
            c.keep_alive = false;
        }
    }
    for (const auto id : closing) {
        close(id);
    }
}

void HttpServer::Impl::acceptAll() {
    for (;;) {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        const int fd =
            ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&address), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                // Out of descriptors or memory: the connections wait in the backlog. Pause instead of spinning on a
                // listening socket that stays readable.
                refusals.note(std::string("pricing API (http): cannot accept a connection: ") + std::strerror(errno));
                accept_paused_until = Clock::now() + std::chrono::milliseconds(100);
            }
            return;
        }
        Fd socket(fd);
        const std::string peer = peerKey(address);
        const auto open = static_cast<int>(connections.size());
        if (open >= settings.max_open) {
            refuse(fd, peer,
                   std::to_string(open) + " connections are open, the limit ([api] http_max_open_connections)");
            continue;
        }
        if (!peers.tryAcquire(peer)) {
            refuse(fd, peer,
                   "it has " + std::to_string(settings.max_per_peer) +
                       " connections open, the limit per address ([api] max_connections_per_peer)");
            continue;
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // replies are written whole
        Connection c;
        c.fd = std::move(socket);
        c.peer = peer;
        c.deadline = Clock::now() + settings.request_timeout;
        connections.emplace(next_id++, std::move(c));
    }
}

// One attempt to say why, without waiting for the client; the caller closes the socket.
void HttpServer::Impl::refuse(int fd, const std::string& peer, const std::string& why) {
    refusals.note("pricing API (http): refused a connection from " + peer + ": " + why);
    const auto text = serializeReply(problemReply(503, "unavailable", "connection refused: " + why), false);
    [[maybe_unused]] const auto sent = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void HttpServer::Impl::onReadable(std::uint64_t id, Connection& c) {
    char buffer[64 * 1024];
    const auto n = ::recv(c.fd.get(), buffer, sizeof buffer, 0);
    if (n < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            close(id);
        }
        return;
    }
    if (n == 0) {
        c.eof = true;
        if (c.phase == Phase::Head && c.in.empty()) {
            close(id);
            return;
        }
    }
    if (c.phase == Phase::Linger) {
        if (n == 0) {
            close(id);
        }
        return;
    }
    c.in.append(buffer, static_cast<std::size_t>(n));
    advance(id, c);
    if (n == 0) {
        // The client is gone before its request was whole: nothing to answer.
        const auto it = connections.find(id);
        if (it != connections.end() && (it->second.phase == Phase::Head || it->second.phase == Phase::Body)) {
            close(id);
        }
    }
}

void HttpServer::Impl::advance(std::uint64_t id, Connection& c) {
    if (c.phase == Phase::Head) {
        auto parsed = parseHead(c.in, c.peer, settings.max_body_bytes);
        if (parsed.problem) {
            answer(id, c, *parsed.problem, false);
            return;
        }
        if (!parsed.request) {
            return;
        }
        c.head_bytes = parsed.head_bytes;
        c.body_bytes = parsed.body_bytes;
        c.request = std::move(parsed.request);
        c.phase = Phase::Body;
        if (c.body_bytes > 0 && c.request->head.getExpectContinue() && c.in.size() < c.head_bytes + c.body_bytes) {
            c.out += "HTTP/1.1 100 Continue\r\n\r\n";
            if (!flush(id, c)) {
                return;
            }
        }
    }
    if (c.phase != Phase::Body || c.in.size() < c.head_bytes + c.body_bytes) {
        return;
    }
    auto request = std::move(c.request);
    request->body = c.in.substr(c.head_bytes, c.body_bytes);
    c.in.erase(0, c.head_bytes + c.body_bytes);
    ++c.served;
    c.keep_alive = request->head.getKeepAlive() && !c.eof && !stopping && c.served < kMaxRequestsPerConnection;
    std::optional<HttpReply> reply;
    try {
        reply = quick(*request);
    } catch (const std::exception& e) {
        spdlog::error("pricing API (http): {} {}: {}", request->head.getMethod(), request->head.getURI(), e.what());
        reply = problemReply(500, "internal", "see the server log");
    }
    if (reply) {
        answer(id, c, *reply, c.keep_alive);
        return;
    }
    c.phase = Phase::Busy;
    bool more_workers = false;
    {
        std::lock_guard lock(jobs_mutex);
        jobs.push_back({id, std::move(request)});
        // Workers are started as requests need them, up to the bound: an idle API holds no threads.
        more_workers = jobs.size() > idle_workers && static_cast<int>(workers.size()) < settings.workers;
    }
    if (more_workers) {
        workers.emplace_back([this] { worker(); });
    }
    jobs_ready.notify_one();
}

void HttpServer::Impl::answer(std::uint64_t id, Connection& c, const HttpReply& reply, bool keep_alive) {
    c.out += serializeReply(reply, keep_alive);
    c.keep_alive = keep_alive;
    c.request.reset();
    c.phase = Phase::Reply;
    c.deadline = Clock::now() + settings.request_timeout;
    flush(id, c);
}

// Writes what the socket takes now; false when the connection was closed.
bool HttpServer::Impl::flush(std::uint64_t id, Connection& c) {
    while (c.sent < c.out.size()) {
        const auto n = ::send(c.fd.get(), c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
        if (n > 0) {
            c.sent += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return true;
        } else if (!(n < 0 && errno == EINTR)) {
            close(id);
            return false;
        }
    }
    c.out.clear();
    c.sent = 0;
    if (c.phase != Phase::Reply) {
        return true;  // a 100 Continue
    }
    if (!c.keep_alive) {
        ::shutdown(c.fd.get(), SHUT_WR);
        c.phase = Phase::Linger;
        c.in.clear();
        c.deadline = Clock::now() + std::min<Clock::duration>(kLinger, settings.request_timeout);
        return true;
    }
    c.phase = Phase::Head;
    c.deadline = Clock::now() + settings.request_timeout;
    if (!c.in.empty()) {
        ready.push_back(id);  // a pipelined request: looked at by the loop, not by recursion
    }
    return true;
}

void HttpServer::Impl::close(std::uint64_t id) {
    const auto it = connections.find(id);
    if (it != connections.end()) {
        peers.release(it->second.peer);
        connections.erase(it);
    }
}

void HttpServer::Impl::expire(Clock::time_point now) {
    std::vector<std::uint64_t> expired;
    for (const auto& [id, c] : connections) {
        if (c.phase != Phase::Busy && c.deadline <= now) {
            expired.push_back(id);
        }
    }
    const auto ms = std::to_string(settings.request_timeout.count());
    for (const auto id : expired) {
        auto& c = connections.at(id);
        if (c.phase == Phase::Body || (c.phase == Phase::Head && !c.in.empty())) {
            timeouts.note("pricing API (http): closed a connection from " + c.peer +
                          ": its request did not arrive whole within " + ms + " ms ([api] http_request_timeout_ms)");
            const auto text = serializeReply(
                problemReply(408, "request_timeout",
                             "the request did not arrive whole within " + ms + " ms ([api] http_request_timeout_ms)"),
                false);
            [[maybe_unused]] const auto sent =
                ::send(c.fd.get(), text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        } else if (c.phase == Phase::Head && c.served == 0) {
            timeouts.note("pricing API (http): closed a connection from " + c.peer + ": it sent nothing within " + ms +
                          " ms ([api] http_request_timeout_ms)");
        } else if (c.phase == Phase::Reply) {
            timeouts.note("pricing API (http): closed a connection from " + c.peer +
                          ": it did not take its reply within " + ms + " ms ([api] http_request_timeout_ms)");
        }
        close(id);
    }
}

void HttpServer::Impl::takeDone() {
    std::vector<Done> finished;
    {
        std::lock_guard lock(done_mutex);
        finished.swap(done);
    }
    for (auto& d : finished) {
        const auto it = connections.find(d.connection);
        if (it != connections.end() && it->second.phase == Phase::Busy) {
            answer(d.connection, it->second, d.reply, it->second.keep_alive && !stopping);
        }
    }
}

void HttpServer::Impl::worker() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(jobs_mutex);
            ++idle_workers;
            jobs_ready.wait(lock, [&] { return workers_stop || !jobs.empty(); });
            --idle_workers;
            if (workers_stop) {
                return;
            }
            job = std::move(jobs.front());
            jobs.pop_front();
        }
        HttpReply reply;
        try {
            reply = handler(*job.request);
        } catch (const std::exception& e) {
            spdlog::error("pricing API (http): {} {}: {}", job.request->head.getMethod(), job.request->head.getURI(),
                          e.what());
            reply = problemReply(500, "internal", "see the server log");
        }
        {
            std::lock_guard lock(done_mutex);
            done.push_back({job.connection, std::move(reply)});
        }
        wake();
    }
}

HttpServer::HttpServer(HttpServerSettings settings, Handler handler, QuickHandler quick)
    : impl_(std::make_unique<Impl>(std::move(settings), std::move(handler), std::move(quick))) {
    auto& s = impl_->settings;
    try {
        impl_->listener.bind(Poco::Net::SocketAddress(s.bind, static_cast<Poco::UInt16>(s.port)), true);
        impl_->listener.listen(1024);
        impl_->listener.setBlocking(false);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("the HTTP pricing API cannot listen on " + s.bind + ":" + std::to_string(s.port) +
                                 ": " + e.displayText());
    }
    impl_->listen_fd = impl_->listener.impl()->sockfd();
    impl_->port = impl_->listener.address().port();
    impl_->wake_fd = Fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (impl_->wake_fd.get() < 0) {
        throw std::runtime_error(std::string("the HTTP pricing API cannot make an eventfd: ") + std::strerror(errno));
    }
}

HttpServer::~HttpServer() {
    stop();
}

void HttpServer::start() {
    auto& i = *impl_;
    i.io = std::thread([&i] { i.loop(); });
    i.running = true;
}

void HttpServer::stop(bool finish_requests) {
    auto& i = *impl_;
    if (!i.running) {
        return;
    }
    i.finish = finish_requests;
    i.stopping = true;
    i.wake();
    i.io.join();
    {
        std::lock_guard lock(i.jobs_mutex);
        i.workers_stop = true;
        i.jobs.clear();
    }
    i.jobs_ready.notify_all();
    for (auto& w : i.workers) {
        w.join();
    }
    i.workers.clear();
    i.running = false;
}

int HttpServer::port() const {
    return impl_->port;
}

}  // namespace syncline::app
