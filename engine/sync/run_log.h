#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/connector/error.h"
#include "engine/store/webstore.h"

namespace syncline::sync {

struct PullProgress;

/// Records job runs in `job_runs`: one row per run, written when it starts and when it ends.
class RunLog {
  public:
    explicit RunLog(store::Webstore& store) : store_(store) {}

    /// Marks runs of `job` on `node` still 'running' as failed: their process ended without
    /// finishing (killed, crashed). Returns how many.
    int abandonStale(const std::string& job, const std::string& node);

    /// Inserts a 'running' row and returns its run_id. `firing` is the scheduler firing it belongs to ("" = none).
    std::int64_t start(const std::string& job, const std::string& node, const std::string& mode,
                       const std::string& triggered_by, const std::string& firing = "");

    /// The counts of a run so far, written in the transaction of each batch: a run that dies (kill -9) still shows
    /// the rows its committed batches applied, and a live run its progress.
    void progress(std::int64_t run_id, const PullProgress& counts);
    void finish(std::int64_t run_id, const std::string& status, const PullProgress& counts,
                const std::optional<connector::Error>& error, const std::string& warning = "");

    /// Ends the runs of `job` on `node` still 'running' as failed with `error`, and with `counts` (what its committed
    /// batches did) when given: for a run that cannot end by itself (stuck in a call that never returns), from
    /// another thread and connection. A run that already ended is left as it is. Returns how many.
    int failRunning(const std::string& job, const std::string& node, const connector::Error& error,
                    const PullProgress* counts = nullptr);

  private:
    store::Webstore& store_;
};

}  // namespace syncline::sync
