#include "app/connection_limits.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include <spdlog/spdlog.h>

namespace syncline::app {

std::string peerKey(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET) {
        const auto& a = reinterpret_cast<const sockaddr_in&>(address);
        ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
        return text;
    }
    if (address.ss_family == AF_INET6) {
        in6_addr a = reinterpret_cast<const sockaddr_in6&>(address).sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&a)) {
            ::inet_ntop(AF_INET, &a.s6_addr[12], text, sizeof text);
            return text;
        }
        std::memset(&a.s6_addr[8], 0, 8);
        ::inet_ntop(AF_INET6, &a, text, sizeof text);
        return std::string(text) + "/64";
    }
    return "local";
}

std::string peerKeyOf(int fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return "unknown";
    }
    return peerKey(address);
}

bool PeerLimit::tryAcquire(const std::string& peer) {
    std::lock_guard lock(mutex_);
    int& open = open_[peer];
    if (open >= max_per_peer_) {
        return false;
    }
    ++open;
    return true;
}

void PeerLimit::release(const std::string& peer) {
    std::lock_guard lock(mutex_);
    const auto it = open_.find(peer);
    if (it != open_.end() && --it->second <= 0) {
        open_.erase(it);
    }
}

void ThrottledWarning::note(const std::string& what) {
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    if (last_ != std::chrono::steady_clock::time_point{} && now - last_ < interval_) {
        ++suppressed_;
        return;
    }
    if (suppressed_ > 0) {
        spdlog::warn("{} (and {} more like it in the last {} s)", what, suppressed_,
                     std::chrono::duration_cast<std::chrono::seconds>(now - last_).count());
    } else {
        spdlog::warn("{}", what);
    }
    last_ = now;
    suppressed_ = 0;
}

}  // namespace syncline::app
