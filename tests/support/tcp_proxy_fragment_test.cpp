// TcpProxy::fragment() on raw bytes, with a listening socket standing in for the server: each write carries at most
// the bytes asked for, the next one waits for the pause, a new setting takes effect at once, and unfragment() sends
// what waited. PostgreSQL through a fragmented link: tcp_proxy_test.cpp and tests/integration/erp_slow_link_test.cpp.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>

#include "tests/support/tcp_proxy.h"

namespace syncline::testing {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;

/// A blocking TCP socket, closed at the end.
struct Socket {
    explicit Socket(int descriptor) : fd(descriptor) {}
    ~Socket() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
    Socket(Socket&& other) noexcept : fd(std::exchange(other.fd, -1)) {}
    Socket& operator=(Socket&&) = delete;
    int fd;
};

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    return address;
}

/// Listens on 127.0.0.1 at a free port, which goes to `port`.
Socket listenOnLoopback(int& port) {
    Socket listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(listener.fd, 4) != 0 ||
        ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        ADD_FAILURE() << "listen on 127.0.0.1: " << std::strerror(errno);
    }
    port = ntohs(address.sin_port);
    return listener;
}

Socket connectTo(int port) {
    Socket socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    const sockaddr_in address = loopback(port);
    if (::connect(socket.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        ADD_FAILURE() << "connect to 127.0.0.1:" << port << ": " << std::strerror(errno);
    }
    return socket;
}

void sendAll(int fd, const std::string& bytes) {
    for (std::size_t sent = 0; sent < bytes.size();) {
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        ASSERT_GT(n, 0) << std::strerror(errno);
        sent += static_cast<std::size_t>(n);
    }
}

/// True when a byte (or end of file) arrives on `fd` within `ms` milliseconds.
bool readable(int fd, int ms) {
    pollfd ready{fd, POLLIN, 0};
    return ::poll(&ready, 1, ms) > 0;
}

/// What arrives on `fd`: up to `limit` bytes, the first within 10 s, each further one within `quiet_ms`.
std::string receive(int fd, std::size_t limit, int quiet_ms) {
    std::string bytes;
    char buffer[4096];
    while (bytes.size() < limit && readable(fd, bytes.empty() ? 10000 : quiet_ms)) {
        const ssize_t n = ::recv(fd, buffer, std::min(sizeof buffer, limit - bytes.size()), 0);
        if (n <= 0) {
            break;
        }
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
    return bytes;
}

/// `size` bytes of letters starting at `first`, so that a piece out of place shows.
std::string letters(char first, std::size_t size) {
    std::string bytes;
    for (std::size_t i = 0; i < size; ++i) {
        bytes += static_cast<char>(first + static_cast<char>(i % 26));
    }
    return bytes;
}

TEST(TcpProxyFragmentTest, EachWriteCarriesAPieceAndWaitsForItsPauseBothWaysUntilUnfragment) {
    int server_port = 0;
    const Socket listener = listenOnLoopback(server_port);
    TcpProxy proxy("127.0.0.1", server_port);
    proxy.fragment(5, hours(1));
    const Socket client = connectTo(proxy.port());
    const Socket server(::accept(listener.fd, nullptr, nullptr));
    ASSERT_GE(server.fd, 0) << std::strerror(errno);

    // One piece of 5 bytes each way, then nothing: the next one waits an hour.
    const std::string down = letters('a', 1000);
    const std::string up = letters('A', 1000);
    sendAll(server.fd, down);
    sendAll(client.fd, up);
    EXPECT_EQ(receive(client.fd, down.size(), 300), down.substr(0, 5));
    EXPECT_EQ(receive(server.fd, up.size(), 300), up.substr(0, 5));

    // A new setting takes effect on bytes already waiting: the rest comes in order, whole.
    proxy.fragment(16, microseconds(100));
    EXPECT_EQ(receive(client.fd, down.size() - 5, 10000), down.substr(5));
    EXPECT_EQ(receive(server.fd, up.size() - 5, 10000), up.substr(5));

    // The pause counts from each direction's last write: with an hour, nothing more passes...
    proxy.fragment(1, hours(1));
    sendAll(server.fd, down);
    sendAll(client.fd, up);
    EXPECT_FALSE(readable(client.fd, 300)) << "a write did not wait for its pause";
    EXPECT_FALSE(readable(server.fd, 300)) << "a write did not wait for its pause";
    // ... until unfragment(), which sends what waited at once.
    proxy.unfragment();
    EXPECT_EQ(receive(client.fd, down.size(), 10000), down);
    EXPECT_EQ(receive(server.fd, up.size(), 10000), up);
}

TEST(TcpProxyFragmentTest, EndOfFileFollowsTheLastPiece) {
    int server_port = 0;
    const Socket listener = listenOnLoopback(server_port);
    TcpProxy proxy("127.0.0.1", server_port);
    proxy.fragment(3, microseconds(50));
    const Socket client = connectTo(proxy.port());
    Socket server(::accept(listener.fd, nullptr, nullptr));
    ASSERT_GE(server.fd, 0) << std::strerror(errno);
    const std::string down = letters('a', 300);
    sendAll(server.fd, down);
    ::close(server.fd);  // the server says goodbye before the proxy has passed on all of its bytes
    server.fd = -1;
    EXPECT_EQ(receive(client.fd, down.size(), 10000), down);
    ASSERT_TRUE(readable(client.fd, 10000)) << "no end of file after the last piece";
    char byte = 0;
    EXPECT_EQ(::recv(client.fd, &byte, 1, 0), 0) << "end of file after the last piece";
}

}  // namespace
}  // namespace syncline::testing
