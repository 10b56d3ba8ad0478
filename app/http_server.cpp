#include "app/http_server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <Poco/Net/SocketAddress.h>
#include <spdlog/spdlog.h>

#include "app/http_server_impl.h"

namespace syncline::app {

using namespace http_server_detail;

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
        buffered.clear();
        for (const auto& [id, c] : connections) {
            const bool reading = c.phase == Phase::Head || c.phase == Phase::Body || c.phase == Phase::Linger;
            const short events = c.stream.events(reading, c.sent < c.out.size());
            if (c.phase != Phase::Busy) {
                next = std::min(next, c.deadline);  // a handler's time is its own to bound, not the client's
            }
            if (reading && c.stream.buffered()) {
                buffered.push_back(id);  // TLS holds decrypted input that poll cannot see
            }
            if (events != 0) {
                fds.push_back({c.stream.fd(), events, 0});
                ids.push_back(id);
            }
        }
        int timeout_ms = -1;
        if (!buffered.empty()) {
            timeout_ms = 0;
        } else if (next != Clock::time_point::max()) {
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
        // Any event is worth a try in both directions: with TLS, a read may wait for the socket to be writable and a
        // write for it to be readable; a try that cannot proceed costs one system call. An error or hang-up with a
        // reply pending: the write fails and closes the connection.
        for (std::size_t i = first; i < fds.size(); ++i) {
            if (fds[i].revents != 0) {
                serviceConnection(ids[i - first]);
            }
        }
        for (const auto id : buffered) {
            serviceConnection(id);
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
        try {
            c.stream = SocketStream(socket.release(), settings.tls);
        } catch (const std::exception& e) {
            peers.release(peer);
            refusals.note(std::string("pricing API (http): cannot serve a connection from ") + peer + ": " + e.what());
            continue;
        }
        c.peer = peer;
        c.deadline = Clock::now() + settings.request_timeout;
        connections.emplace(next_id++, std::move(c));
    }
}

// One attempt to say why, without waiting for the client; the caller closes the socket.
void HttpServer::Impl::refuse(int fd, const std::string& peer, const std::string& why) {
    refusals.note("pricing API (http): refused a connection from " + peer + ": " + why);
    if (settings.tls != nullptr) {
        return;  // a reply would need a TLS handshake first, which is what refusing saves
    }
    const auto text = serializeReply(problemReply(503, "unavailable", "connection refused: " + why), false);
    [[maybe_unused]] const auto sent = ::send(fd, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

void HttpServer::Impl::serviceConnection(std::uint64_t id) {
    auto it = connections.find(id);
    if (it != connections.end() && it->second.sent < it->second.out.size() && !flush(id, it->second)) {
        return;
    }
    it = connections.find(id);
    if (it != connections.end()) {
        const auto phase = it->second.phase;
        if (phase == Phase::Head || phase == Phase::Body || phase == Phase::Linger) {
            onReadable(id, it->second);
        }
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
