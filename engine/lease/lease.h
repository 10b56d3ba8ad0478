#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "engine/store/webstore.h"

namespace syncline::lease {

/// "node:pid": who holds a lease, unique per process across the nodes sharing one webstore.
std::string holderId(const std::string& node);

/// Whether `holder` is a process of `node` (this machine) that no longer runs. False for other nodes' holders,
/// whose liveness only their lease tells.
bool isDeadLocalHolder(const std::string& holder, const std::string& node);

/// A job's lease row as stored (job_leases).
struct LeaseInfo {
    std::string job;
    std::string holder;                  ///< "" = free
    std::int64_t token = 0;              ///< the fencing token of the latest acquisition
    std::string expires_at;              ///< ISO-8601 UTC, "" when free
    bool expired = false;                ///< by the database's clock, now
    std::optional<std::int64_t> run_id;  ///< the run in flight under it, if any
    std::string firing;                  ///< the firing that run belongs to ("" = a manual run)
};

/// A lease this process holds. token is the fencing token every commit of the run checks.
struct Lease {
    std::string job;
    std::string holder;
    std::int64_t token = 0;
    /// Set when the lease was taken from a holder whose lease expired while a run was in flight under it
    /// (the holder died or stalled): that run's id and firing, so the new holder can resume it.
    std::optional<LeaseInfo> taken_over;
};

/// Thrown by LeaseStore::check when the lease is no longer this holder's.
class LeaseLost : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Leases on jobs in the webstore database, so a job never runs twice at once, on one node or on many.
/// Expiry is judged by the database's clock, never this machine's. On PostgreSQL the row is claimed with
/// SELECT ... FOR UPDATE SKIP LOCKED (a node never waits on another's claim); on SQLite the write lock of
/// BEGIN IMMEDIATE serializes claims. Each call runs its own transaction except check(), which runs in the
/// caller's. Not thread-safe (one Webstore per thread).
class LeaseStore {
  public:
    LeaseStore(store::Webstore& store, std::chrono::seconds duration) : store_(store), duration_(duration) {}

    /// Takes the job's lease when it is free or expired: the token grows by one. Otherwise returns the
    /// current holder's row (a row another node is claiming at this very moment reads as held by it).
    std::variant<Lease, LeaseInfo> tryAcquire(const std::string& job, const std::string& holder);

    /// Extends the lease by its duration from now. False when it is no longer ours (another holder took it
    /// over after it expired): the run under it must stop. An expired lease nobody took is still ours.
    bool renew(const Lease& lease);

    /// Ends `held`'s lease now, as if it had expired: for a holder known to be dead (a process of this node
    /// that no longer exists), so that its job need not wait out the lease. Only if it is still that holder's.
    void expireNow(const LeaseInfo& held);

    /// Frees the lease if it is still ours.
    void release(const Lease& lease);

    /// Notes the run in flight under the lease, so a node that takes it over can resume it.
    void setRun(const Lease& lease, std::int64_t run_id, const std::string& firing);

    /// The fencing check, inside the caller's transaction just before it commits: throws LeaseLost unless the
    /// lease is still ours with the same token. On PostgreSQL the row is locked FOR SHARE until that commit,
    /// so no other node can take the lease over between this check and the commit.
    void check(const Lease& lease);

    /// Every lease row, by job.
    std::vector<LeaseInfo> list();

    /// Claims one firing of a job (job_firings): true for exactly one caller across all nodes, false when
    /// another already claimed it. outcome "ran" or "skipped" (a misfire with policy skip).
    bool claimFiring(const std::string& job, const std::string& firing, const std::string& node,
                     const std::string& outcome);

    /// Records the run a claimed firing started.
    void setFiringRun(const std::string& job, const std::string& firing, std::int64_t run_id);

    /// The latest firing of the job claimed by any node, "" when none (time firings only, not 'after:' ones).
    std::string lastTimeFiring(const std::string& job);

  private:
    std::optional<LeaseInfo> read(const std::string& job, bool lock);

    store::Webstore& store_;
    std::chrono::seconds duration_;
};

}  // namespace syncline::lease
