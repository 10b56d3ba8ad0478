#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/webstore.h"

namespace syncline::app {

/// Failed authentications on the pricing APIs, told to the admin in the log and the audit log without letting a
/// client that guesses tokens flood either. Per client ("http:127.0.0.2", "thrift:2001:db8::/64"): its first failure
/// is logged (one warning) and audited (one `auth_failed` row, actor the client) at once; its further failures
/// within the next interval are counted and told as one line and one row with their count when the interval ends,
/// which opens the next interval. A client quiet for a whole interval starts over. The token is never written.
///
/// record() is called by the APIs' threads, only takes a mutex and never touches the database: a thread of this
/// object writes the audit rows (one webstore connection of its own) and the log lines.
class AuthFailureLog {
  public:
    AuthFailureLog(store::ConnectionSettings webstore, std::chrono::milliseconds interval = std::chrono::seconds(60));
    /// Tells what is still counted, then stops.
    ~AuthFailureLog();
    AuthFailureLog(const AuthFailureLog&) = delete;
    AuthFailureLog& operator=(const AuthFailureLog&) = delete;

    /// One failed authentication. `api`: "http" or "thrift"; `peer`: the client's address (app/connection_limits.h
    /// peerKey); `why`: what was wrong ("no token", "wrong token"), never the token.
    void record(const std::string& api, const std::string& peer, const std::string& why);

  private:
    struct Tally {
        std::int64_t count = 0;  ///< failures not told yet
        bool announce = true;    ///< the first failure of a new run: tell it at once
        std::chrono::steady_clock::time_point window_end{};
        std::string why;
    };
    struct Report {
        std::string actor;
        std::int64_t count = 0;
        std::string why;
        bool first = false;
    };

    void run();
    std::vector<Report> due(bool all);
    void tell(const std::vector<Report>& reports);

    store::ConnectionSettings webstore_;
    const std::chrono::milliseconds interval_;
    std::unique_ptr<store::Webstore> store_;  ///< the thread's own connection, opened when first needed
    std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::string, Tally> tallies_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace syncline::app
