#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "engine/conflict/ownership.h"
#include "engine/connector/connector.h"
#include "engine/store/webstore.h"
#include "engine/sync/entity.h"

namespace syncline::sync {

struct PullOptions {
    std::string job;   ///< job name for job_runs ("catalog")
    std::string node;  ///< this engine node
    connector::PullMode mode = connector::PullMode::Incremental;
    bool dry_run = false;
    int overlap_seconds = 300;
    int max_deactivate_percent = 20;
    /// How far past now (the `clock`'s) a date or timestamp watermark may go. A row dated later is applied, but
    /// the watermark stops at now plus this, and the run reports it (sync.future_tolerance_s).
    int future_tolerance_s = 86400;
    /// Now, for the watermark cap; the system clock when empty (tests inject a skewed clock).
    std::function<std::chrono::system_clock::time_point()> clock;
    std::string triggered_by = "manual";
    /// Who wins a field changed on both sides; nullptr = the defaults (conflict::Ownership::defaults()).
    const conflict::Ownership* ownership = nullptr;
    /// The scheduler firing this run belongs to (job_runs.firing); empty for a manual run.
    std::string firing;
    /// Called inside every transaction that changes webstore data, just before its commit, on the pipeline's
    /// thread. The scheduler checks its lease's fencing token here and stops a run on shutdown: throwing
    /// RunStopped rolls that transaction back and ends the run with the exception's status.
    std::function<void(store::Webstore&)> before_commit;
    /// Called with the run's id once its job_runs row exists.
    std::function<void(std::int64_t)> started;
};

/// Thrown by PullOptions::before_commit (and the order jobs' hook) to stop a run: the transaction in flight is
/// rolled back, what was committed before stays, and the run ends with `status` ("cancelled" or "failed").
class RunStopped : public std::runtime_error {
  public:
    RunStopped(std::string status, connector::Error error)
        : std::runtime_error(error.describe()), status_(std::move(status)), error_(std::move(error)) {}
    const std::string& status() const { return status_; }
    const connector::Error& error() const { return error_; }

  private:
    std::string status_;
    connector::Error error_;
};

/// Counts so far, for a progress display. Called after every batch, on the pipeline's thread.
struct PullProgress {
    std::int64_t read = 0;
    std::int64_t applied = 0;
    std::int64_t unchanged = 0;
    std::int64_t rejected = 0;
    std::int64_t deactivated = 0;
    std::int64_t conflicted = 0;    ///< fields held for an admin (policy manual)
    std::int64_t future_dated = 0;  ///< rows whose watermark value lies beyond now plus the tolerance
};

struct PullResult {
    std::int64_t run_id = 0;
    std::string status;  ///< succeeded, completed_with_rejects, failed
    PullProgress counts;
    bool full = false;
    std::optional<std::string> watermark_before;
    std::optional<std::string> watermark_after;
    std::optional<connector::Error> error;  ///< why the run failed
    std::string warning;  ///< what an admin should look at although the run went on ("" = nothing); in job_runs
};

/// The pull pipeline, the same for every stream: batches from the connector → validate (bad rows
/// go to `rejects` with their raw values, the run goes on) → content hash → compare with
/// `sync_state` → for rows the webstore already has, a three-way merge per field against the base
/// (the ERP value last applied) under the field's ownership policy (engine/conflict) → upsert the
/// changed rows → commit each batch in one transaction with its sync_state rows, rejects, held
/// conflicts and one audit row per applied change (engine/audit). The new watermark is committed after the last batch,
/// in the run's final transaction (with any deactivations), so a run that dies re-reads from the old watermark and
/// finds what it already applied unchanged (docs/architecture.md explains why not per batch). A full pull also
/// deactivates rows the ERP no longer returns, unless that would be more than max_deactivate_percent of the entity:
/// then nothing is deactivated and the run fails, with the numbers.
class PullPipeline {
  public:
    PullPipeline(store::Webstore& store, connector::Connector& connector, const EntityTable& entity);

    /// Runs one pull and records it in job_runs. Never throws for connector or data problems
    /// (they are in the result); webstore failures propagate as exceptions after marking the run failed.
    PullResult run(const PullOptions& options, const std::function<void(const PullProgress&)>& progress = {});

  private:
    // A config error when `fields` holds a name that is no canonical field of the stream, a name twice, or lacks a key
    // field: the names become column names in the webstore's SQL.
    std::optional<connector::Error> checkFields(const std::vector<std::string>& fields) const;

    store::Webstore& store_;
    connector::Connector& connector_;
    const EntityTable& entity_;
};

}  // namespace syncline::sync
