#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace syncline::odbc {

/// Cancels a blocking ODBC call that runs longer than a limit: SQLCancel on its statement, from a thread of the
/// watchdog's own (ODBC allows SQLCancel from another thread for a function running on the statement). The call then
/// returns an error where the driver can stop it: psqlODBC sends the server a cancel request while it executes a
/// statement (SQLSTATE 57014); it ignores SQLCancel during SQLFetch, where its own query timeout (the server's
/// statement_timeout) applies. Do not use it with sqliteodbc, whose SQLCancel frees the cursor from the calling thread.
///
/// One call is watched at a time: watch() before it, the returned Watch destroyed after it (before the statement is
/// freed). Used by the thread making the calls; the watchdog thread only calls SQLCancel. SQLCancel itself may block
/// (libpq's cancel request has no timeout of its own); destroying a Watch waits for a cancel in progress, so the
/// statement is never freed under it.
class StatementWatchdog {
  public:
    /// Starts the watchdog thread. `limit` is how long one call may run (at least 1 ms).
    explicit StatementWatchdog(std::chrono::milliseconds limit);
    /// Stops the thread; no Watch may be alive.
    ~StatementWatchdog();
    StatementWatchdog(const StatementWatchdog&) = delete;
    StatementWatchdog& operator=(const StatementWatchdog&) = delete;

    /// One watched call; ends the watch when destroyed. A default-constructed Watch watches nothing.
    class Watch {
      public:
        Watch() = default;
        ~Watch();
        Watch(Watch&& other) noexcept;
        Watch& operator=(Watch&&) = delete;
        Watch(const Watch&) = delete;
        Watch& operator=(const Watch&) = delete;

      private:
        friend class StatementWatchdog;
        explicit Watch(StatementWatchdog* watchdog) : watchdog_(watchdog) {}
        StatementWatchdog* watchdog_ = nullptr;
    };

    /// Watches the call about to be made on `statement` (an SQLHSTMT): cancelled once it runs longer than the limit.
    [[nodiscard]] Watch watch(void* statement);

    /// Whether the last watched call was cancelled (its error comes from the cancel).
    bool lastCallCancelled() const;
    std::chrono::milliseconds limit() const { return limit_; }

  private:
    void run();
    void endWatch();

    const std::chrono::milliseconds limit_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    // Guarded by mutex_:
    void* statement_ = nullptr;  ///< the statement of the call being watched; null between calls
    std::uint64_t call_ = 0;     ///< counts watched calls, so the thread tells a new call from the one it waited on
    std::chrono::steady_clock::time_point deadline_;
    bool cancelling_ = false;  ///< SQLCancel is running on statement_
    bool cancelled_ = false;   ///< the current (or last) call was cancelled
    bool stop_ = false;

    std::thread thread_;  ///< last: started once everything above is constructed
};

}  // namespace syncline::odbc
