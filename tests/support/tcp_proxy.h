#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace syncline::testing {

/// A TCP proxy on 127.0.0.1 between a PostgreSQL client (libpq, psqlODBC) and a real server, for faults that a
/// server alone cannot make: "the ERP committed but the reply was lost", a dropped network, a hung middlebox and a
/// slow, fragmented link.
///
/// Bytes pass unchanged both ways. The client→server stream is framed as PostgreSQL frontend messages
/// (PgFrontendStream, tests/support/pg_frontend_stream.h) to find COMMIT. After the server accepted TLS or GSS
/// encryption a connection is forwarded blindly.
///
/// One background thread polls the listening socket and every client/server pair; an eventfd wakes it for
/// dropAll(), stall(), resume(), fragment(), unfragment() and for stopping. The public functions may be called from
/// any thread.
class TcpProxy {
  public:
    /// Listens on 127.0.0.1 at a free port (bind port 0) and forwards each accepted connection to
    /// target_host:target_port. Throws std::runtime_error when the target cannot be resolved or the socket set up.
    TcpProxy(std::string target_host, int target_port);
    /// Stops the thread and closes every socket (clients see their connection closed).
    ~TcpProxy();
    TcpProxy(const TcpProxy&) = delete;
    TcpProxy& operator=(const TcpProxy&) = delete;

    /// The port the proxy listens on (127.0.0.1).
    int port() const { return port_; }

    /// The next COMMIT a client sends (on any connection) is forwarded to the server, then both sides of that
    /// connection are closed before the server's reply reaches the client. One-shot.
    /// The client socket is closed as soon as the last byte of the COMMIT (for the extended protocol: of the Sync
    /// after its Execute) has been written to the server socket; the server socket is shut down for writing then,
    /// so the server reads the whole COMMIT before it sees end of file, and closed once the server has closed it
    /// (its reply is read and discarded). repliesLost() counts the reply before the client socket closes.
    void loseReplyAfterNextCommit();
    /// How many times a reply was dropped so far.
    int repliesLost() const { return replies_lost_.load(); }

    /// Closes every open connection now (a dropped network), both the client and the server side. Returns once
    /// they are closed, so the clients' next call fails. New connections are accepted as before.
    void dropAll();

    /// Stops forwarding in both directions on every connection, without closing any, as a hung middlebox or a
    /// partitioned network would: bytes already read wait in the proxy, further bytes in the sockets' buffers (the
    /// proxy stops reading), and new connections wait in the listen backlog (their TCP handshake completes, nothing
    /// more). Returns once the proxy thread forwards no more. resume() goes on where it stopped.
    void stall();
    /// Forwards again after stall(), everything that waited included. Returns once the proxy thread took it.
    void resume();

    /// Makes every connection, open or new, a slow and fragmented link both ways, as a congested WAN, a VPN with a
    /// small MTU or a satellite hop is: each write to a socket carries at most `max_bytes` bytes (0 is taken as 1),
    /// and two writes in the same direction of a connection are at least `pause` (up to a year) apart. Both sockets
    /// have TCP_NODELAY, so each write leaves as a segment of its own and the reader gets the bytes in pieces. Reading
    /// is not slowed: up to 1 MiB per direction waits in the proxy. Call again to change the setting; the pause since a
    /// connection's last write counts against the new one. Returns once the proxy thread took it, so every write
    /// after the call follows the new setting.
    void fragment(std::size_t max_bytes, std::chrono::microseconds pause);
    /// Forwards at full speed again after fragment(); what waited goes out at once. Returns once the proxy thread
    /// took it.
    void unfragment();

    /// A line per client→server message seen so far, in order, over all connections (PgFrontendStream):
    /// "startup", "SSLRequest", "GSSENCRequest", "CancelRequest", "Q <sql>", "P \"<statement>\" <sql>",
    /// "B \"<portal>\" \"<statement>\"", "E \"<portal>\"", "C S|P \"<name>\"", "D S|P \"<name>\"", otherwise the
    /// type letter ("S", "H", "X", "d", ...). SQL longer than 200 bytes is cut and ends in "...". For finding out
    /// what a driver sends; the first 100000 lines are kept.
    std::vector<std::string> clientMessages() const;

  private:
    struct Connection;
    /// How writes are paced: max_bytes 0 is full speed.
    struct Pace {
        std::size_t max_bytes = 0;
        std::chrono::microseconds pause{0};
    };

    void run();
    void acceptClients();
    void closeAll();
    void recordMessage(std::string line);
    void setStalled(bool stalled);
    void setPace(Pace pace);

    int listen_fd_ = -1;
    int wake_fd_ = -1;
    int port_ = 0;
    std::vector<std::uint8_t> target_address_;  ///< a sockaddr_in / sockaddr_in6 as resolved in the constructor

    std::atomic<bool> armed_{false};
    std::atomic<int> replies_lost_{0};
    std::atomic<bool> stopping_{false};

    std::mutex mutex_;
    std::condition_variable drop_done_;  ///< a dropAll(), stall()/resume() or fragment()/unfragment() took effect
    std::uint64_t drops_requested_ = 0;  ///< guarded by mutex_
    std::uint64_t drops_done_ = 0;       ///< guarded by mutex_
    bool stall_wanted_ = false;          ///< guarded by mutex_
    bool stalled_ = false;               ///< guarded by mutex_; read by the proxy thread as it polls
    Pace pace_wanted_;                   ///< guarded by mutex_
    std::uint64_t paces_requested_ = 0;  ///< guarded by mutex_
    std::uint64_t paces_done_ = 0;       ///< guarded by mutex_

    mutable std::mutex log_mutex_;
    std::vector<std::string> log_;  ///< guarded by log_mutex_

    std::vector<std::unique_ptr<Connection>> connections_;  ///< touched by the proxy thread only (and after it ended)
    std::thread thread_;
};

}  // namespace syncline::testing
