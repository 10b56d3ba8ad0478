#include "app/job_lease.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>

#include <Poco/Data/Session.h>
#include <spdlog/spdlog.h>

#include "app/exit_codes.h"
#include "engine/audit/audit_log.h"
#include "engine/store/transaction.h"

#include "engine/sync/pull_pipeline.h"

namespace syncline::app {

HeldLease::HeldLease(const store::ConnectionSettings& settings, lease::Lease lease, std::chrono::seconds duration,
                     std::chrono::seconds stall)
    : settings_(settings),
      lease_(std::move(lease)),
      duration_(duration),
      stall_(stall),
      last_progress_(std::chrono::steady_clock::now().time_since_epoch().count()),
      thread_([this] { heartbeat(); }) {}

HeldLease::~HeldLease() {
    {
        std::lock_guard lock(mutex_);
        done_ = true;
    }
    wake_.notify_all();
    thread_.join();
    try {
        auto store = store::Webstore::open(settings_);
        lease::LeaseStore(*store, duration_).release(lease_);
    } catch (const std::exception& e) {
        // It expires by itself; until then the job waits.
        spdlog::warn("could not release the lease on job {}: {}", lease_.job, e.what());
    }
}

void HeldLease::progress() {
    last_progress_ = std::chrono::steady_clock::now().time_since_epoch().count();
}

void HeldLease::fail(connector::Error why) {
    std::lock_guard lock(mutex_);
    failure_ = std::move(why);
}

void HeldLease::heartbeat() {
    using Clock = std::chrono::steady_clock;
    const auto period = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(200), duration_ / 3);
    auto last_renewed = Clock::now();
    bool idle = false;
    std::unique_ptr<store::Webstore> store;
    std::unique_lock lock(mutex_);
    while (!done_ && !lost_) {
        wake_.wait_for(lock, period, [this] { return done_; });
        if (done_) {
            break;
        }
        lock.unlock();
        // A run stuck in a call that never returns must not keep its job for good: without progress the lease is
        // left to lapse, like the lease of a dead process.
        const auto since_progress = Clock::now() - Clock::time_point(Clock::duration(last_progress_.load()));
        const bool was_idle = idle;
        idle = stall_ > std::chrono::seconds::zero() && since_progress >= stall_;
        if (idle && !was_idle) {
            spdlog::error(
                "job {}: no progress for {} s: the lease is no longer renewed and lapses within {} s, so "
                "the job can run again",
                lease_.job, std::chrono::duration_cast<std::chrono::seconds>(since_progress).count(),
                duration_.count());
        }
        if (!idle) {
            try {
                if (!store) {
                    store = store::Webstore::open(settings_);
                }
                if (lease::LeaseStore(*store, duration_).renew(lease_)) {
                    last_renewed = Clock::now();
                } else {
                    spdlog::error("job {}: the lease was taken over by another node; this run stops at its next commit",
                                  lease_.job);
                    lost_ = true;
                }
            } catch (const std::exception& e) {
                store.reset();  // reconnect on the next beat
                spdlog::warn("job {}: could not renew the lease: {}", lease_.job, e.what());
            }
        }
        if (!lost_ && Clock::now() - last_renewed >= duration_) {
            if (idle) {
                spdlog::error("job {}: the lease lapsed; this run may not commit any more", lease_.job);
            } else {
                spdlog::error("job {}: the lease expired before it could be renewed; this run stops", lease_.job);
            }
            lost_ = true;
        }
        lock.lock();
    }
}

namespace {
std::atomic<bool> g_stop{false};
}  // namespace

bool stopRequested() {
    return g_stop;
}

void handleStopSignals(std::chrono::seconds bound) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set, bound] {
        int signal = 0;
        if (sigwait(&set, &signal) != 0) {
            return;
        }
        g_stop = true;
        spdlog::warn("{} received: the run stops at its next commit (at most {} s)", strsignal(signal), bound.count());
        std::this_thread::sleep_for(bound);
        spdlog::error("still running {} s after {}: exiting; the batch in flight is rolled back", bound.count(),
                      strsignal(signal));
        std::_Exit(kExitTempFail);
    }).detach();
}

void HeldLease::fence(store::Webstore& store) {
    {
        std::lock_guard lock(mutex_);
        if (failure_) {
            throw sync::RunStopped("failed", *failure_);
        }
    }
    if (stop_requested_ || g_stop) {
        throw sync::RunStopped("cancelled", connector::Error{connector::ErrorKind::Transient, "shutdown",
                                                             "stopped by a shutdown; the batch in flight was rolled "
                                                             "back, the next run goes on from the last commit"});
    }
    try {
        // The stored token says best what happened (taken over, and by whom); the heartbeat's flag covers a lease
        // that expired while nobody took it yet.
        lease::LeaseStore(store, duration_).check(lease_);
        if (lost_) {
            throw lease::LeaseLost("the lease on job " + lease_.job + " expired before it could be renewed");
        }
    } catch (const lease::LeaseLost& e) {
        lost_ = true;
        throw sync::RunStopped("failed", connector::Error{connector::ErrorKind::Transient, "lease-lost", e.what()});
    }
}

LeasedRun takeJobLease(const store::ConnectionSettings& settings, store::Webstore& store, const std::string& job,
                       const std::string& node, std::chrono::seconds duration, std::chrono::seconds stall,
                       const std::string& firing, bool retry, bool resume, bool wait) {
    LeasedRun out;
    lease::LeaseStore leases(store, duration);
    const std::string holder = lease::holderId(node);
    bool said_waiting = false;
    for (;;) {
        auto attempt = leases.tryAcquire(job, holder);
        if (auto* lease = std::get_if<lease::Lease>(&attempt)) {
            if (resume && !lease->taken_over) {
                leases.release(*lease);
                spdlog::info("job {}: no run to resume", job);
                return out;
            }
            if (lease->taken_over) {
                const auto& old = *lease->taken_over;
                std::string message = "abandoned: its holder " + old.holder + " lost the lease (expired at " +
                                      old.expires_at + ") before the run finished";
                std::string j = job;
                std::string at = store::Webstore::utcNow();
                store::Transaction tx(store);
                Poco::Data::Statement update(store.session());
                update
                    << "UPDATE job_runs SET status = 'failed', error_kind = 'transient', error = $1, finished_at = " +
                           std::string(store.backend() == store::Backend::PostgreSQL ? "CAST($2 AS TIMESTAMPTZ)"
                                                                                     : "$2") +
                           " WHERE job = $3 AND status = 'running'",
                    Poco::Data::Keywords::use(message), Poco::Data::Keywords::use(at), Poco::Data::Keywords::use(j);
                const auto abandoned = update.execute();
                // Taking a job from another node is an admin-visible event: in the audit chain, in the same commit.
                audit::ChangeSet changes;
                changes.add("holder", old.holder, holder);
                changes.add("expired_at", old.expires_at, std::nullopt);
                audit::AuditLog(store).append({"node:" + holder, "lease", job, "takeover", changes.json()});
                tx.commit();
                spdlog::warn("job {}: took over the lease of {} (expired at {}); {} run(s) it left marked failed", job,
                             old.holder, old.expires_at, abandoned);
                if (resume) {
                    out.firing = old.firing;
                    out.triggered_by = "retry";
                }
            }
            if (!firing.empty() && !resume) {
                out.firing = firing;
                out.triggered_by = retry ? "retry" : "schedule";
                if (!retry && !leases.claimFiring(job, firing, node, "ran")) {
                    leases.release(*lease);
                    spdlog::info("job {}: firing {} already ran on another node", job, firing);
                    return out;
                }
            }
            out.held = std::make_unique<HeldLease>(settings, *lease, duration, stall);
            return out;
        }
        const auto& info = std::get<lease::LeaseInfo>(attempt);
        if (lease::isDeadLocalHolder(info.holder, node)) {
            spdlog::warn("job {}: its lease holder {} is a process of this node that no longer runs; taking over", job,
                         info.holder);
            leases.expireNow(info);
            continue;
        }
        if (resume) {
            return out;  // held by a live holder, or already resumed by another node: nothing to do here
        }
        if (!wait) {
            std::cerr << "syncline run " << job << ": the job is running in " << info.holder << " (lease until "
                      << info.expires_at << "); try again later, or use --wait\n";
            out.exit_code = kExitTempFail;
            return out;
        }
        if (!said_waiting) {
            spdlog::info("job {}: waiting for {} to finish it", job, info.holder);
            said_waiting = true;
        }
        if (g_stop) {
            out.exit_code = kExitTempFail;
            return out;
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

}  // namespace syncline::app
