#include "connectors/thrift/call_transport.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <thrift/TConfiguration.h>

namespace syncline::thrift_connector {

using apache::thrift::transport::TTransportException;

namespace {

std::string errnoText(int error) {
    return std::strerror(error);
}

int limitOf(std::uint32_t max_frame_bytes) {
    return static_cast<int>(std::min<std::uint32_t>(max_frame_bytes, 0x7fffffff));
}

// Waits for a non-blocking connect() to finish before `deadline`; the socket's error, or ETIMEDOUT.
int finishConnect(int fd, CallTransport::Clock::time_point deadline) {
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - CallTransport::Clock::now()).count();
        if (left <= 0) {
            return ETIMEDOUT;
        }
        pollfd p{fd, POLLOUT, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60000)));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready < 0) {
            return errno;
        }
        if (ready == 0) {
            continue;
        }
        int error = 0;
        socklen_t size = sizeof(error);
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size);
        return error;
    }
}

}  // namespace

FrameTooLarge::FrameTooLarge(std::uint64_t size_, std::uint64_t max_, bool outgoing_)
    : TTransportException(
          TTransportException::CORRUPTED_DATA,
          "a frame of " + std::to_string(size_) + " bytes, more than the limit of " + std::to_string(max_)),
      size(size_),
      max(max_),
      outgoing(outgoing_) {}

DeadlinePassed::DeadlinePassed() : TTransportException(TTransportException::TIMED_OUT, "the call's deadline passed") {}

CallTransport::CallTransport(int fd, std::uint32_t max_frame_bytes)
    : TVirtualTransport(
          std::make_shared<apache::thrift::TConfiguration>(limitOf(max_frame_bytes), limitOf(max_frame_bytes))),
      fd_(fd),
      max_frame_bytes_(max_frame_bytes) {
    out_.resize(4);
}

CallTransport::~CallTransport() {
    close();
}

std::shared_ptr<CallTransport> CallTransport::connectUnix(const std::string& path, Clock::time_point deadline,
                                                          std::uint32_t max_frame_bytes) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) {
        throw TTransportException(
            TTransportException::NOT_OPEN,
            "the socket path " + path + " is longer than " + std::to_string(sizeof(address.sun_path) - 1) + " bytes");
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        throw TTransportException(TTransportException::NOT_OPEN, "socket(): " + errnoText(errno));
    }
    std::shared_ptr<CallTransport> transport(new CallTransport(fd, max_frame_bytes));
    int error = 0;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        error = errno == EINPROGRESS || errno == EAGAIN ? finishConnect(fd, deadline) : errno;
    }
    if (error != 0) {
        throw TTransportException(TTransportException::NOT_OPEN,
                                  "cannot connect to the unix socket " + path + ": " + errnoText(error));
    }
    return transport;
}

std::shared_ptr<CallTransport> CallTransport::connectTcp(const std::string& host, const std::string& port,
                                                         Clock::time_point deadline, std::uint32_t max_frame_bytes) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
        throw TTransportException(TTransportException::NOT_OPEN,
                                  "cannot resolve " + host + ": " + std::string(::gai_strerror(rc)));
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
    std::string why = "no address";
    for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
        const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
        if (fd < 0) {
            why = "socket(): " + errnoText(errno);
            continue;
        }
        std::shared_ptr<CallTransport> transport(new CallTransport(fd, max_frame_bytes));
        int error = 0;
        if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            error = errno == EINPROGRESS ? finishConnect(fd, deadline) : errno;
        }
        if (error == 0) {
            const int on = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));  // a call is one frame: send it at once
            return transport;
        }
        why = errnoText(error);
    }
    throw TTransportException(TTransportException::NOT_OPEN, "cannot connect to " + host + ":" + port + ": " + why);
}

void CallTransport::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void CallTransport::await(short events) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now()).count();
        if (left <= 0) {
            close();
            throw DeadlinePassed();
        }
        pollfd p{fd_, events, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 60000)));
        if (ready > 0) {
            return;  // ready, or an error/hang-up that the next recv/send reports
        }
        if (ready < 0 && errno != EINTR) {
            const int error = errno;
            close();
            throw TTransportException(TTransportException::UNKNOWN, "poll(): " + errnoText(error));
        }
    }
}

void CallTransport::readExactly(std::uint8_t* buf, std::size_t len) {
    std::size_t done = 0;
    while (done < len) {
        if (fd_ < 0) {
            throw TTransportException(TTransportException::NOT_OPEN, "the connection is closed");
        }
        const ssize_t n = ::recv(fd_, buf + done, len - done, MSG_DONTWAIT);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n == 0) {
            close();
            throw TTransportException(TTransportException::END_OF_FILE, "the connector closed the connection");
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            await(POLLIN);
        } else if (errno != EINTR) {
            const int error = errno;
            close();
            throw TTransportException(TTransportException::END_OF_FILE,
                                      "reading from the connector: " + errnoText(error));
        }
    }
}

void CallTransport::writeExactly(const std::uint8_t* buf, std::size_t len) {
    std::size_t done = 0;
    while (done < len) {
        if (fd_ < 0) {
            throw TTransportException(TTransportException::NOT_OPEN, "the connection is closed");
        }
        const ssize_t n = ::send(fd_, buf + done, len - done, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) {
            done += static_cast<std::size_t>(n);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            await(POLLOUT);
        } else if (errno != EINTR) {
            const int error = errno;
            close();
            throw TTransportException(TTransportException::END_OF_FILE,
                                      "writing to the connector: " + errnoText(error));
        }
    }
}

void CallTransport::readFrame() {
    std::uint8_t header[4];
    readExactly(header, sizeof(header));
    const std::uint32_t size = (std::uint32_t{header[0]} << 24) | (std::uint32_t{header[1]} << 16) |
                               (std::uint32_t{header[2]} << 8) | std::uint32_t{header[3]};
    if (size > max_frame_bytes_) {
        close();  // the rest of the stream is that frame: nothing after it can be read
        throw FrameTooLarge(size, max_frame_bytes_, false);
    }
    in_.resize(size);
    in_pos_ = 0;
    readExactly(in_.data(), size);
    resetConsumedMessageSize();  // forget the last frame's size, then bound the reads of this one by its own
    resetConsumedMessageSize(size);
}

uint32_t CallTransport::read(uint8_t* buf, uint32_t len) {
    if (in_pos_ == in_.size()) {
        readFrame();
    }
    const auto n = static_cast<uint32_t>(std::min<std::size_t>(len, in_.size() - in_pos_));
    std::memcpy(buf, in_.data() + in_pos_, n);
    in_pos_ += n;
    return n;
}

const uint8_t* CallTransport::borrow(uint8_t*, uint32_t* len) {
    if (in_.size() - in_pos_ >= *len) {
        *len = static_cast<uint32_t>(in_.size() - in_pos_);
        return in_.data() + in_pos_;
    }
    return nullptr;
}

void CallTransport::consume(uint32_t len) {
    if (in_.size() - in_pos_ < len) {
        throw TTransportException(TTransportException::BAD_ARGS, "consume() past the frame");
    }
    in_pos_ += len;
}

uint32_t CallTransport::readEnd() {
    const auto size = static_cast<uint32_t>(in_.size());
    // A reply is one frame; whatever the protocol left unread of it is dropped with it.
    in_.clear();
    in_pos_ = 0;
    return size;
}

void CallTransport::write(const uint8_t* buf, uint32_t len) {
    if (out_.size() - 4 + len > max_frame_bytes_) {
        const std::size_t size = out_.size() - 4 + len;
        out_.resize(4);
        throw FrameTooLarge(size, max_frame_bytes_, true);
    }
    out_.insert(out_.end(), buf, buf + len);
}

void CallTransport::flush() {
    const auto size = static_cast<std::uint32_t>(out_.size() - 4);
    out_[0] = static_cast<std::uint8_t>(size >> 24);
    out_[1] = static_cast<std::uint8_t>(size >> 16);
    out_[2] = static_cast<std::uint8_t>(size >> 8);
    out_[3] = static_cast<std::uint8_t>(size);
    try {
        writeExactly(out_.data(), out_.size());
    } catch (...) {
        out_.resize(4);
        throw;
    }
    out_.resize(4);
}

}  // namespace syncline::thrift_connector
