#include "tests/support/tcp_proxy.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <utility>

#include "tests/support/pg_frontend_stream.h"

namespace syncline::testing {

namespace {

constexpr std::size_t kMaxBuffered = std::size_t{1} << 20;  ///< per direction; the source is not read beyond this
constexpr std::size_t kMaxLogLines = 100000;
constexpr std::size_t kReadChunk = 65536;

using Clock = std::chrono::steady_clock;

std::runtime_error systemError(const std::string& what) {
    return std::runtime_error("TcpProxy: " + what + ": " + std::strerror(errno));
}

/// Sends what `buffer` holds from `sent` on, at most `max_bytes` in one write (0: as much as the socket takes, in as
/// many writes as it takes); false on a broken connection.
bool sendPending(int fd, std::string& buffer, std::size_t& sent, std::size_t max_bytes = 0) {
    while (sent < buffer.size()) {
        const std::size_t size = max_bytes == 0 ? buffer.size() - sent : std::min(max_bytes, buffer.size() - sent);
        const ssize_t n = ::send(fd, buffer.data() + sent, size, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno == EAGAIN || errno == EWOULDBLOCK;
        }
        sent += static_cast<std::size_t>(n);
        if (max_bytes != 0) {
            break;
        }
    }
    if (sent == buffer.size()) {
        buffer.clear();
        sent = 0;
    } else if (sent >= kReadChunk && sent * 2 >= buffer.size()) {
        // A fragmented link may never drain its buffer while the source keeps sending: drop what went out.
        buffer.erase(0, sent);
        sent = 0;
    }
    return true;
}

void closeFd(int& fd) {
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

}  // namespace

/// One client and its server connection.
struct TcpProxy::Connection {
    ~Connection() {
        closeFd(client);
        closeFd(server);
    }

    /// When a direction whose last write was at `written_at` may write again: now, unless fragment() paces it.
    static Clock::time_point nextWrite(Clock::time_point written_at, const Pace& pace) {
        return pace.max_bytes == 0 ? Clock::time_point{} : written_at + pace.pause;
    }
    /// Writes what waits in `buffer` from `sent` on to `fd`: all the socket takes, or under fragment() one piece
    /// once the pause since `written_at` has passed. False on a broken connection.
    static bool forward(int fd, std::string& buffer, std::size_t& sent, Clock::time_point& written_at, const Pace& pace,
                        Clock::time_point now) {
        if (sent == buffer.size() || now < nextWrite(written_at, pace)) {
            return true;
        }
        const std::size_t pending = buffer.size() - sent;
        if (!sendPending(fd, buffer, sent, pace.max_bytes)) {
            return false;
        }
        if (buffer.size() - sent < pending) {
            written_at = now;
        }
        return true;
    }

    std::size_t toServerPending() const { return to_server.size() - to_server_sent; }
    std::size_t toClientPending() const { return to_client.size() - to_client_sent; }
    bool wantsClientBytes() const { return client >= 0 && !client_done && toServerPending() < kMaxBuffered; }
    bool wantsServerBytes() const { return !connecting && !server_done && toClientPending() < kMaxBuffered; }

    int client = -1;
    int server = -1;
    bool connecting = true;  ///< the non-blocking connect to the server has not completed yet
    std::string to_server;
    std::size_t to_server_sent = 0;
    std::string to_client;
    std::size_t to_client_sent = 0;
    Clock::time_point to_server_written_at;  ///< the last write to the server, for fragment()'s pause
    Clock::time_point to_client_written_at;  ///< the last write to the client
    bool client_done = false;  ///< nothing more is read from the client (end of file, or its COMMIT's reply is lost)
    bool server_done = false;  ///< the server sent end of file
    bool client_shut = false;  ///< shutdown(SHUT_WR) sent to the client
    bool server_shut = false;  ///< shutdown(SHUT_WR) sent to the server
    bool lose_reply = false;   ///< to_server ends with the armed COMMIT
    PgFrontendStream stream;
};

TcpProxy::TcpProxy(std::string target_host, int target_port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(target_port);
    if (const int rc = ::getaddrinfo(target_host.c_str(), service.c_str(), &hints, &found); rc != 0) {
        throw std::runtime_error("TcpProxy: cannot resolve " + target_host + ": " + ::gai_strerror(rc));
    }
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(found->ai_addr);
    target_address_.assign(bytes, bytes + found->ai_addrlen);
    ::freeaddrinfo(found);

    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listen_fd_ < 0) {
        throw systemError("socket");
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(listen_fd_, 64) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const auto error = systemError("listen on 127.0.0.1");
        closeFd(listen_fd_);
        throw error;
    }
    port_ = ntohs(address.sin_port);
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) {
        const auto error = systemError("eventfd");
        closeFd(listen_fd_);
        throw error;
    }
    thread_ = std::thread([this] { run(); });
}

TcpProxy::~TcpProxy() {
    stopping_ = true;
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
    thread_.join();
    closeAll();
    closeFd(listen_fd_);
    closeFd(wake_fd_);
}

void TcpProxy::loseReplyAfterNextCommit() {
    armed_ = true;
}

void TcpProxy::dropAll() {
    std::unique_lock lock(mutex_);
    const std::uint64_t ticket = ++drops_requested_;
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
    drop_done_.wait(lock, [&] { return drops_done_ >= ticket; });
}

void TcpProxy::stall() {
    setStalled(true);
}

void TcpProxy::resume() {
    setStalled(false);
}

void TcpProxy::setStalled(bool stalled) {
    std::unique_lock lock(mutex_);
    stall_wanted_ = stalled;
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
    drop_done_.wait(lock, [&] { return stalled_ == stalled || stopping_; });
}

void TcpProxy::fragment(std::size_t max_bytes, std::chrono::microseconds pause) {
    // Clamped so that a last write's time plus the pause cannot overflow.
    const std::chrono::microseconds longest = std::chrono::hours(24 * 365);
    setPace({std::max<std::size_t>(max_bytes, 1), std::clamp(pause, std::chrono::microseconds{0}, longest)});
}

void TcpProxy::unfragment() {
    setPace({});
}

void TcpProxy::setPace(Pace pace) {
    std::unique_lock lock(mutex_);
    pace_wanted_ = pace;
    const std::uint64_t ticket = ++paces_requested_;
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t written = ::write(wake_fd_, &one, sizeof one);
    drop_done_.wait(lock, [&] { return paces_done_ >= ticket; });
}

std::vector<std::string> TcpProxy::clientMessages() const {
    std::lock_guard lock(log_mutex_);
    return log_;
}

void TcpProxy::recordMessage(std::string line) {
    std::lock_guard lock(log_mutex_);
    if (log_.size() < kMaxLogLines) {
        log_.push_back(std::move(line));
    }
}

void TcpProxy::closeAll() {
    connections_.clear();
}

void TcpProxy::acceptClients() {
    for (;;) {
        const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) {
            if (errno == EINTR || errno == ECONNABORTED) {
                continue;
            }
            return;  // EAGAIN: no more; anything else (EMFILE): the client waits in the backlog
        }
        auto connection = std::make_unique<Connection>();
        connection->client = client;
        const auto* target = reinterpret_cast<const sockaddr*>(target_address_.data());
        connection->server = ::socket(target->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (connection->server < 0) {
            continue;  // the client sees its connection closed
        }
        const int on = 1;
        ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        ::setsockopt(connection->server, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        if (::connect(connection->server, target, static_cast<socklen_t>(target_address_.size())) == 0) {
            connection->connecting = false;
        } else if (errno != EINPROGRESS) {
            continue;
        }
        connections_.push_back(std::move(connection));
    }
}

namespace {

/// Reads what is there from `fd` into `buffer`: its size, 0 at end of file, -1 when nothing is there (EAGAIN),
/// -2 on a broken connection.
ssize_t readSome(int fd, char* buffer) {
    for (;;) {
        const ssize_t n = ::recv(fd, buffer, kReadChunk, MSG_DONTWAIT);
        if (n >= 0) {
            return n;
        }
        if (errno == EINTR) {
            continue;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK ? -1 : -2;
    }
}

}  // namespace

void TcpProxy::run() {
    std::vector<pollfd> fds;
    std::vector<char> buffer(kReadChunk);
    std::vector<std::string> lines;
    bool stalled = false;
    Pace pace;
    while (!stopping_) {
        // A direction with bytes waiting polls for POLLOUT once fragment()'s pause since its last write has passed;
        // before that the poll times out when the first such pause ends.
        const auto polled_at = Clock::now();
        std::optional<Clock::time_point> wake_at;
        const auto writable = [&](std::size_t pending, Clock::time_point written_at) -> short {
            const auto next = Connection::nextWrite(written_at, pace);
            if (pending == 0 || next <= polled_at) {
                return pending == 0 ? 0 : POLLOUT;
            }
            wake_at = std::min(wake_at.value_or(next), next);
            return 0;
        };
        fds.clear();
        fds.push_back({wake_fd_, POLLIN, 0});
        // Stalled: nothing is accepted, read or written (fd -1 is ignored by poll), so nothing moves.
        fds.push_back({stalled ? -1 : listen_fd_, POLLIN, 0});
        for (const auto& c : connections_) {
            if (stalled) {
                fds.push_back({-1, 0, 0});
                fds.push_back({-1, 0, 0});
                continue;
            }
            // Every connection has two entries (fd -1 is ignored by poll).
            const short client_events = static_cast<short>((c->wantsClientBytes() ? POLLIN : 0) |
                                                           writable(c->toClientPending(), c->to_client_written_at));
            const short server_events =
                c->connecting ? short{POLLOUT}
                              : static_cast<short>((c->wantsServerBytes() ? POLLIN : 0) |
                                                   writable(c->toServerPending(), c->to_server_written_at));
            fds.push_back({c->client, client_events, 0});
            fds.push_back({c->server, server_events, 0});
        }
        timespec timeout{};
        if (wake_at) {
            const auto wait = std::max(Clock::duration{0}, *wake_at - Clock::now());
            const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(wait);
            timeout.tv_sec = static_cast<std::time_t>(seconds.count());
            timeout.tv_nsec = static_cast<long>(std::chrono::nanoseconds(wait - seconds).count());
        }
        if (::ppoll(fds.data(), fds.size(), wake_at ? &timeout : nullptr, nullptr) < 0) {
            continue;  // EINTR
        }
        if (fds[0].revents != 0) {
            std::uint64_t count = 0;
            [[maybe_unused]] const ssize_t n = ::read(wake_fd_, &count, sizeof count);
            std::lock_guard lock(mutex_);
            if (stalled_ != stall_wanted_) {
                stalled = stalled_ = stall_wanted_;
                drop_done_.notify_all();
            }
            if (paces_done_ != paces_requested_) {
                pace = pace_wanted_;
                paces_done_ = paces_requested_;
                drop_done_.notify_all();
            }
            if (drops_done_ != drops_requested_) {
                closeAll();
                drops_done_ = drops_requested_;
                drop_done_.notify_all();
                continue;  // the connections polled are gone
            }
        }
        if (stalled) {
            continue;
        }
        if (stopping_) {
            break;
        }

        const auto now = Clock::now();
        for (std::size_t index = 0; index < connections_.size(); ++index) {
            Connection& c = *connections_[index];
            const short client_revents = fds[2 + 2 * index].revents;
            const short server_revents = fds[3 + 2 * index].revents;
            bool broken = ((client_revents | server_revents) & POLLERR) != 0;

            if (!broken && c.connecting && server_revents != 0) {
                int error = 0;
                socklen_t length = sizeof error;
                broken = ::getsockopt(c.server, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0;
                c.connecting = false;
            }
            // Client -> server, framed to find the COMMIT.
            if (!broken && c.wantsClientBytes() && (client_revents & (POLLIN | POLLHUP)) != 0) {
                const ssize_t n = readSome(c.client, buffer.data());
                if (n == 0) {
                    c.client_done = true;
                } else if (n == -2) {
                    broken = true;
                } else if (n > 0) {
                    lines.clear();
                    for (std::size_t offset = 0; offset < static_cast<std::size_t>(n);) {
                        bool commit = false;
                        const std::size_t used =
                            c.stream.feed(buffer.data() + offset, static_cast<std::size_t>(n) - offset, commit, lines);
                        c.to_server.append(buffer.data() + offset, used);
                        offset += used;
                        if (commit && armed_.exchange(false)) {
                            c.lose_reply = true;
                            c.client_done = true;  // nothing after the COMMIT goes to the server
                            break;
                        }
                    }
                    for (auto& line : lines) {
                        recordMessage(std::move(line));
                    }
                }
            } else if (!broken && c.client >= 0 && (client_revents & POLLHUP) != 0 && !c.wantsClientBytes() &&
                       !c.client_done) {
                broken = true;  // reset while its bytes wait for the server
            }
            // Server -> client, unchanged; discarded once the client is gone.
            if (!broken && c.wantsServerBytes() && (server_revents & (POLLIN | POLLHUP)) != 0) {
                const ssize_t n = readSome(c.server, buffer.data());
                if (n == 0) {
                    c.server_done = true;
                } else if (n == -2) {
                    broken = true;
                } else if (n > 0 && c.client >= 0) {
                    if (c.stream.awaitingEncryptionAnswer()) {
                        c.stream.encryptionAnswer(buffer[0]);
                    }
                    c.to_client.append(buffer.data(), static_cast<std::size_t>(n));
                }
            }
            if (!broken && !c.connecting && c.server >= 0) {
                broken =
                    !Connection::forward(c.server, c.to_server, c.to_server_sent, c.to_server_written_at, pace, now);
                if (!broken && c.lose_reply && c.toServerPending() == 0) {
                    // The whole COMMIT is in the server socket: the client never sees the reply.
                    c.lose_reply = false;
                    replies_lost_.fetch_add(1);
                    closeFd(c.client);
                    c.to_client.clear();
                    c.to_client_sent = 0;
                }
            }
            if (!broken && c.client >= 0) {
                broken =
                    !Connection::forward(c.client, c.to_client, c.to_client_sent, c.to_client_written_at, pace, now);
            }
            if (broken) {
                closeFd(c.client);
                closeFd(c.server);
                continue;
            }
            // Pass end of file on once everything before it went through; close a socket done both ways.
            if (c.client_done && c.toServerPending() == 0 && !c.connecting && c.server >= 0 && !c.server_shut) {
                ::shutdown(c.server, SHUT_WR);
                c.server_shut = true;
            }
            if (c.server_done && c.toClientPending() == 0 && c.client >= 0 && !c.client_shut) {
                ::shutdown(c.client, SHUT_WR);
                c.client_shut = true;
            }
            if (c.client_done && c.client_shut) {
                closeFd(c.client);
            }
            if (c.server_done && c.server_shut) {
                closeFd(c.server);
            }
        }
        std::erase_if(connections_, [](const auto& c) { return c->client < 0 && c->server < 0; });
        if (fds[1].revents != 0) {
            acceptClients();
        }
    }
    std::lock_guard lock(mutex_);
    closeAll();
    drops_done_ = drops_requested_;
    stalled_ = stall_wanted_;
    paces_done_ = paces_requested_;
    drop_done_.notify_all();
}

}  // namespace syncline::testing
