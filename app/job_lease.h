#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "engine/connector/error.h"
#include "engine/lease/lease.h"
#include "engine/store/webstore.h"

namespace syncline::app {

/// A job's lease held by this process for one run: a heartbeat thread (with its own webstore connection)
/// renews it every third of its duration while the run makes progress, and fence() is the check every commit of
/// the run makes. The lease is released on destruction. A lease the heartbeat finds taken over, or that expires
/// unrenewed, counts as lost: fence() then stops the run.
///
/// Progress, not the timer alone, keeps the lease: once no progress() came for `stall` (the run's stall bound, see
/// app/run_watchdog.h), the heartbeat stops renewing, so the lease lapses and another firing, on this node or
/// another, can run the job even while this process hangs in a call that never returns.
class HeldLease {
  public:
    /// A `stall` of zero: no bound, renewed on the timer alone.
    HeldLease(const store::ConnectionSettings& settings, lease::Lease lease, std::chrono::seconds duration,
              std::chrono::seconds stall = std::chrono::seconds::zero());
    ~HeldLease();
    HeldLease(const HeldLease&) = delete;
    HeldLease& operator=(const HeldLease&) = delete;

    const lease::Lease& lease() const { return lease_; }

    /// For PullOptions::before_commit, in the run's transaction on its connection: throws sync::RunStopped
    /// ("failed") when the lease is lost or fail() was called, or ("cancelled") once stop() was called.
    void fence(store::Webstore& store);

    /// Asks the run to stop at its next commit (SIGTERM).
    void stop() { stop_requested_ = true; }
    /// Asks the run to stop at its next commit as failed with `why` (its deadline passed). Any thread.
    void fail(connector::Error why);
    bool lost() const { return lost_; }

    /// The run made progress (a batch applied, an ERP answer): the heartbeat may renew for another `stall`. Any thread.
    void progress();
    std::chrono::seconds stallBound() const { return stall_; }

  private:
    void heartbeat();

    store::ConnectionSettings settings_;
    lease::Lease lease_;
    std::chrono::seconds duration_;
    std::chrono::seconds stall_;
    std::atomic<std::chrono::steady_clock::rep> last_progress_;  ///< steady_clock ticks
    std::atomic<bool> lost_{false};
    std::atomic<bool> stop_requested_{false};
    std::mutex mutex_;
    std::optional<connector::Error> failure_;  ///< guarded by mutex_
    std::condition_variable wake_;
    bool done_ = false;
    std::thread thread_;
};

/// SIGTERM and SIGINT (and SIGHUP when `hangup` is set) are taken by a thread of their own from now on: the
/// first SIGTERM/SIGINT sets stopRequested(), and the process exits with 75 if it is still running `bound`
/// later. Construct before any other thread starts, so that every thread has the signals blocked.
void handleStopSignals(std::chrono::seconds bound);
/// Whether SIGTERM or SIGINT arrived.
bool stopRequested();

/// What commandRun needs to run a job under its lease.
struct LeasedRun {
    std::unique_ptr<HeldLease> held;  ///< null when the run must not go on; exit_code says how to end
    int exit_code = 0;
    std::string firing;
    std::string triggered_by = "manual";
};

/// Takes the job's lease for one run: waits while another process holds it (`wait`), or says who does (exit 75).
/// With `firing`, claims that firing (exit 0 when another node already ran it), unless `retry`. With `resume`,
/// only goes on when it took over an expired lease with a run in flight. A run an expired holder left 'running'
/// is marked failed, naming that holder.
/// The held lease stops being renewed once the run made no progress for `stall`.
LeasedRun takeJobLease(const store::ConnectionSettings& settings, store::Webstore& store, const std::string& job,
                       const std::string& node, std::chrono::seconds duration, std::chrono::seconds stall,
                       const std::string& firing, bool retry, bool resume, bool wait);

}  // namespace syncline::app
