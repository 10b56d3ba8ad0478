#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/config/config.h"
#include "engine/connector/connector.h"
#include "engine/sync/pull_pipeline.h"

namespace syncline::app {

class HeldLease;

/// Bounds one `syncline run JOB` in time, so that a run stuck on a stalled ERP link (or webstore) ends instead of
/// holding its job for good:
/// - the stall bound: no progress for erp.login_timeout_s + 2 × erp.query_timeout_s + engine.lease_s seconds.
///   Progress is a batch applied (pull jobs; a commit counts too) or an answer from the ERP (order jobs). The bound
///   is what a healthy run may need before its next step: connect, execute the query and fetch a batch (each
///   bounded by the query timeout), plus a lease's worth for the webstore's write. A stalled run commits nothing
///   more, so it is ended at once.
/// - the deadline: sync.run_timeout_s after the watchdog started. The run is asked to stop at its next commit as
///   failed (HeldLease::fail, transient); still running engine.shutdown_timeout_s later, it is ended.
///
/// Ending a run happens on the watchdog's thread: its job_runs row is marked failed (transient) with a one-line
/// message naming the job and what stalled ("the ERP has not answered for 17 s (reading stream 'price_rules')"),
/// its lease is released, the line goes to the log and to stderr, and the process exits 75 (sysexits EX_TEMPFAIL),
/// so the daemon's next firing, or another node, runs the job. The run's own threads are not waited for: they may
/// be blocked in a driver call that never returns. A webstore that does not take the failure within
/// engine.shutdown_timeout_s is given up on: the next run then marks the row abandoned, and the lease lapses.
///
/// The same stall bound keeps the lease (HeldLease renews only while progress comes), so even a process that cannot
/// end itself gives its job up.
class RunWatchdog {
  public:
    /// The bounds a config gives; `stall_rule` says how the stall bound was derived, for messages.
    struct Limits {
        std::chrono::seconds stall;
        std::chrono::seconds deadline;
        std::chrono::seconds stop_grace;
        std::string stall_rule;
    };
    static Limits limitsOf(const config::Config& config);

    /// Starts the clock and the watchdog thread for `job`, run under `lease` (which must outlive the watchdog).
    /// `progress_noun` names a step of progress in messages: "batch applied", "answer from the ERP".
    RunWatchdog(const config::Config& config, std::string job, HeldLease& lease, std::string progress_noun);
    /// finished(), then joins the thread.
    ~RunWatchdog();
    RunWatchdog(const RunWatchdog&) = delete;
    RunWatchdog& operator=(const RunWatchdog&) = delete;

    /// A step of progress, with the run's counts so far when known (written to its row if it has to be ended).
    /// Any thread.
    void progress(const sync::PullProgress* counts = nullptr);
    /// The run's job_runs row, for messages. Any thread.
    void runStarted(std::int64_t run_id);
    /// An ERP call starts / ended (watchErpCalls): what the run waits for, when it stalls. Any thread.
    void erpCallStarted(std::string what);
    void erpCallEnded();

    /// The run ended by itself: the watchdog stands down. Called by the run's thread before it reports the outcome;
    /// when the watchdog is already ending the process, it does not return (the process exits 75).
    void finished();

  private:
    void watch();
    // Records the run as failed with `message`, releases the lease and exits 75; called with ending_ set.
    [[noreturn]] void end(const std::string& code, const std::string& message,
                          const std::optional<sync::PullProgress>& counts, std::int64_t run_id);
    std::string stallMessage(std::chrono::steady_clock::time_point now) const;  // with mutex_ held

    using Clock = std::chrono::steady_clock;

    const Limits limits_;
    const std::string job_;
    const std::string node_;
    const std::string progress_noun_;
    const store::ConnectionSettings webstore_;
    const std::chrono::seconds lease_duration_;
    HeldLease& lease_;
    const Clock::time_point started_;

    std::mutex mutex_;
    std::condition_variable changed_;
    // Guarded by mutex_:
    Clock::time_point last_progress_;
    std::optional<sync::PullProgress> counts_;
    std::int64_t run_id_ = 0;
    std::string erp_call_;  ///< what the ERP call in flight does; "" when none
    Clock::time_point erp_call_since_;
    bool finished_ = false;
    bool ending_ = false;

    std::thread thread_;  ///< last: started once everything above is constructed
};

/// `connector` with each of its ERP calls (and each next() of its pull sessions) reported to `watchdog`, so that a
/// stall names what the run waits for. With `answers_are_progress` (the order jobs, which have no batches) every
/// answer of the ERP is a step of progress too.
std::unique_ptr<connector::Connector> watchErpCalls(std::unique_ptr<connector::Connector> connector,
                                                    RunWatchdog& watchdog, bool answers_are_progress);

}  // namespace syncline::app
