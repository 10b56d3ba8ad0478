#include "app/socket_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "app/tls_context.h"

namespace syncline::app {

SocketStream::SocketStream(int fd, SSL_CTX* tls) : fd_(fd), read_waits_for_(POLLIN), write_waits_for_(POLLOUT) {
    if (tls == nullptr) {
        return;
    }
    ssl_ = SSL_new(tls);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1) {
        reset();
        throw std::runtime_error("OpenSSL: cannot start a TLS session");
    }
    // Replies are written from a std::string that may move between tries, in parts as the socket takes them; idle
    // connections give their read and write buffers back.
    SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    SSL_set_accept_state(ssl_);
}

SocketStream::~SocketStream() {
    reset();
}

SocketStream::SocketStream(SocketStream&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      ssl_(std::exchange(other.ssl_, nullptr)),
      read_waits_for_(other.read_waits_for_),
      write_waits_for_(other.write_waits_for_),
      failure_(std::move(other.failure_)),
      certificate_refused_(other.certificate_refused_) {}

SocketStream& SocketStream::operator=(SocketStream&& other) noexcept {
    if (this != &other) {
        reset();
        fd_ = std::exchange(other.fd_, -1);
        ssl_ = std::exchange(other.ssl_, nullptr);
        read_waits_for_ = other.read_waits_for_;
        write_waits_for_ = other.write_waits_for_;
        failure_ = std::move(other.failure_);
        certificate_refused_ = other.certificate_refused_;
    }
    return *this;
}

void SocketStream::reset() {
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

bool SocketStream::established() const {
    return ssl_ == nullptr || SSL_is_init_finished(ssl_) == 1;
}

SocketStream::Result SocketStream::read(char* buffer, std::size_t size) {
    if (ssl_ == nullptr) {
        const auto n = ::recv(fd_, buffer, size, 0);
        if (n > 0) {
            return {Status::Done, static_cast<std::size_t>(n)};
        }
        if (n == 0) {
            return {Status::Closed, 0};
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return {Status::Blocked, 0};
        }
        failure_ = std::strerror(errno);
        return {Status::Failed, 0};
    }
    ERR_clear_error();
    return tlsResult(SSL_read(ssl_, buffer, static_cast<int>(std::min<std::size_t>(size, INT_MAX))), true);
}

SocketStream::Result SocketStream::write(const char* data, std::size_t size) {
    if (ssl_ == nullptr) {
        const auto n = ::send(fd_, data, size, MSG_NOSIGNAL);
        if (n >= 0) {
            return {Status::Done, static_cast<std::size_t>(n)};
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return {Status::Blocked, 0};
        }
        failure_ = std::strerror(errno);
        return {Status::Failed, 0};
    }
    ERR_clear_error();
    return tlsResult(SSL_write(ssl_, data, static_cast<int>(std::min<std::size_t>(size, INT_MAX))), false);
}

SocketStream::Result SocketStream::tlsResult(int n, bool reading) {
    auto& waits_for = reading ? read_waits_for_ : write_waits_for_;
    if (n > 0) {
        waits_for = reading ? POLLIN : POLLOUT;
        return {Status::Done, static_cast<std::size_t>(n)};
    }
    const int saved_errno = errno;
    const int error = SSL_get_error(ssl_, n);
    switch (error) {
        case SSL_ERROR_WANT_READ:
            waits_for = POLLIN;
            return {Status::Blocked, 0};
        case SSL_ERROR_WANT_WRITE:
            waits_for = POLLOUT;
            return {Status::Blocked, 0};
        case SSL_ERROR_ZERO_RETURN:
            return {reading ? Status::Closed : Status::Failed, 0};
        case SSL_ERROR_SYSCALL:
            if (saved_errno == EINTR || saved_errno == EAGAIN) {
                return {Status::Blocked, 0};
            }
            if (reading && ERR_peek_error() == 0 && saved_errno == 0) {
                return {Status::Closed, 0};
            }
            break;
        default:
            break;
    }
    auto why = tlsFailure(ssl_);
    failure_ = why.reason;
    certificate_refused_ = why.certificate_refused;
    if (error == SSL_ERROR_SYSCALL && saved_errno != 0) {
        failure_ = std::strerror(saved_errno);
    }
    return {Status::Failed, 0};
}

short SocketStream::events(bool want_read, bool want_write) const {
    short out = 0;
    if (want_read) {
        out |= read_waits_for_;
    }
    if (want_write) {
        out |= write_waits_for_;
    }
    return out;
}

bool SocketStream::buffered() const {
    return ssl_ != nullptr && SSL_pending(ssl_) > 0;
}

void SocketStream::sendNow(const std::string& text) {
    if (ssl_ == nullptr) {
        [[maybe_unused]] const auto sent = ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    } else if (established()) {
        ERR_clear_error();
        SSL_write(ssl_, text.data(), static_cast<int>(text.size()));  // the socket is non-blocking: one try
        ERR_clear_error();
    }
}

void SocketStream::shutdownWrite() {
    if (ssl_ != nullptr && established()) {
        ERR_clear_error();
        SSL_shutdown(ssl_);  // sends close_notify, waits for nothing
        ERR_clear_error();
    }
    ::shutdown(fd_, SHUT_WR);
}

}  // namespace syncline::app
