#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace syncline::app {

/// The address a connection counts against: the IPv4 address, or for IPv6 its /64 network ("2001:db8:1:2::/64"),
/// since one host usually holds a whole /64. An IPv4-mapped IPv6 address counts as its IPv4 address.
std::string peerKey(const sockaddr_storage& address);

/// The peer key of a connected socket; "unknown" when getpeername fails.
std::string peerKeyOf(int fd);

/// Open connections per peer, bounded. Thread-safe; never blocks.
class PeerLimit {
  public:
    explicit PeerLimit(int max_per_peer) : max_per_peer_(max_per_peer) {}

    /// Takes one of `peer`'s slots; false (and nothing taken) when it has max_per_peer already.
    bool tryAcquire(const std::string& peer);
    /// Gives back a slot taken by tryAcquire.
    void release(const std::string& peer);
    int maxPerPeer() const { return max_per_peer_; }

  private:
    const int max_per_peer_;
    std::mutex mutex_;
    std::map<std::string, int> open_;
};

/// A warning for an event that an attacker can repeat at will (a refused connection, a timed-out request): the
/// first one is logged at once, later ones within `interval` are counted and logged with their count by the first one
/// after the interval, so the log grows by at most one line per interval. Thread-safe.
class ThrottledWarning {
  public:
    explicit ThrottledWarning(std::chrono::milliseconds interval = std::chrono::seconds(60)) : interval_(interval) {}
    /// `what` is the sentence for one event, without a secret.
    void note(const std::string& what);

  private:
    const std::chrono::milliseconds interval_;
    std::mutex mutex_;
    std::chrono::steady_clock::time_point last_{};
    std::int64_t suppressed_ = 0;
};

}  // namespace syncline::app
