#include "tests/support/socket_clients.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <Poco/Net/ServerSocket.h>

namespace syncline::testing {

namespace {

std::string openSslError() {
    const auto error = ERR_get_error();
    ERR_clear_error();
    if (error == 0) {
        return "connection closed";
    }
    char text[256];
    ERR_error_string_n(error, text, sizeof text);
    return text;
}

}  // namespace

RawClient::RawClient(const std::string& source, int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        const std::string why = std::strerror(errno);
        if (fd_ >= 0) {
            ::close(fd_);
        }
        throw std::runtime_error("cannot connect from " + source + ": " + why);
    }
    timeval ten{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &ten, sizeof ten);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &ten, sizeof ten);
}

RawClient::~RawClient() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

RawClient::RawClient(RawClient&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

void RawClient::send(const std::string& bytes) const {
    [[maybe_unused]] const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

std::string RawClient::readAll() const {
    std::string out;
    char buffer[4096];
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, 10000) > 0) {
        const auto n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) {
            break;
        }
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

std::pair<int, std::string> rawHttp(const std::string& source, int port, const std::string& request) {
    RawClient client(source, port);
    client.send(request);
    const auto reply = client.readAll();
    if (reply.rfind("HTTP/1.1 ", 0) != 0) {
        return {0, reply};
    }
    return {std::stoi(reply.substr(9, 3)), reply};
}

std::size_t waitClosedByServer(const std::vector<RawClient>& clients) {
    std::vector<bool> closed(clients.size(), false);
    std::size_t count = 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (count < clients.size() && std::chrono::steady_clock::now() < give_up) {
        std::vector<pollfd> fds;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < clients.size(); ++i) {
            if (!closed[i]) {
                fds.push_back({clients[i].fd(), POLLIN, 0});
                which.push_back(i);
            }
        }
        ::poll(fds.data(), fds.size(), 100);
        for (std::size_t k = 0; k < fds.size(); ++k) {
            if (fds[k].revents == 0) {
                continue;
            }
            char buffer[4096];
            const auto n = ::recv(fds[k].fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
                closed[which[k]] = true;
                ++count;
            }
        }
    }
    return count;
}

int freePort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

TlsClient::TlsClient(const std::string& source, int port, const TlsClientFiles& files)
    : raw_(source, port), ctx_(SSL_CTX_new(TLS_client_method())) {
    if (ctx_ == nullptr) {
        throw std::runtime_error("SSL_CTX_new: " + openSslError());
    }
    if (!files.ca_file.empty()) {
        if (SSL_CTX_load_verify_locations(ctx_, files.ca_file.c_str(), nullptr) != 1) {
            throw std::runtime_error("cannot load " + files.ca_file + ": " + openSslError());
        }
        SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    }
    if (!files.cert_file.empty() &&
        (SSL_CTX_use_certificate_chain_file(ctx_, files.cert_file.c_str()) != 1 ||
         SSL_CTX_use_PrivateKey_file(ctx_, files.key_file.c_str(), SSL_FILETYPE_PEM) != 1)) {
        throw std::runtime_error("cannot load " + files.cert_file + ": " + openSslError());
    }
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, raw_.fd());
    SSL_set_tlsext_host_name(ssl_, "localhost");
    SSL_set1_host(ssl_, "localhost");  // the name the server's certificate must carry
}

TlsClient::~TlsClient() {
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
    }
    SSL_CTX_free(ctx_);
}

bool TlsClient::handshake() {
    ERR_clear_error();
    if (SSL_connect(ssl_) != 1) {
        error_ = openSslError();
        return false;
    }
    return true;
}

bool TlsClient::send(const std::string& bytes) {
    ERR_clear_error();
    if (!bytes.empty() && SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) <= 0) {
        error_ = openSslError();
        return false;
    }
    return true;
}

std::string TlsClient::readAll() {
    std::string out;
    char buffer[16384];
    for (;;) {
        ERR_clear_error();
        const int n = SSL_read(ssl_, buffer, sizeof buffer);
        if (n <= 0) {
            if (SSL_get_error(ssl_, n) != SSL_ERROR_ZERO_RETURN) {
                error_ = openSslError();
            }
            return out;
        }
        out.append(buffer, static_cast<std::size_t>(n));
    }
}

std::string TlsClient::peerSerial() const {
    X509* cert = SSL_get1_peer_certificate(ssl_);
    if (cert == nullptr) {
        return "";
    }
    BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
    char* hex = BN_bn2hex(serial);
    std::string out = hex;
    OPENSSL_free(hex);
    BN_free(serial);
    X509_free(cert);
    return out;
}

std::pair<int, std::string> httpsRequest(const std::string& source, int port, const TlsClientFiles& files,
                                         const std::string& request) {
    TlsClient client(source, port, files);
    if (!client.handshake() || !client.send(request)) {
        return {0, client.error()};
    }
    const auto reply = client.readAll();
    if (reply.rfind("HTTP/1.1 ", 0) != 0) {
        return {0, reply + client.error()};
    }
    return {std::stoi(reply.substr(9, 3)), reply};
}

}  // namespace syncline::testing
