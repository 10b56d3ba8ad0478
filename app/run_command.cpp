// run JOB: one pull job now, with a progress line on a terminal and a summary (also --json).
#include <chrono>
#include <iostream>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/job_lease.h"
#include "app/progress.h"
#include "app/run_watchdog.h"
#include "engine/audit/audit_log.h"
#include "engine/connector/registry.h"
#include "engine/store/transaction.h"
#include "jobs/pull_jobs.h"

namespace syncline::app {

namespace {

int runExitCode(const sync::PullResult& result) {
    if (!result.error) {
        return result.status == "completed_with_rejects" ? kExitData : kExitOk;
    }
    return exitCodeFor(result.error->kind);
}

nlohmann::json toJson(const std::string& job, const sync::PullResult& r, bool dry_run, double seconds) {
    nlohmann::json out = {{"job", job},
                          {"run_id", r.run_id},
                          {"status", r.status},
                          {"mode", r.full ? "full" : "incremental"},
                          {"dry_run", dry_run},
                          {"read", r.counts.read},
                          {"applied", r.counts.applied},
                          {"unchanged", r.counts.unchanged},
                          {"rejected", r.counts.rejected},
                          {"deactivated", r.counts.deactivated},
                          {"conflicted", r.counts.conflicted},
                          {"seconds", static_cast<std::int64_t>(seconds * 1000) / 1000.0},
                          {"watermark_before", r.watermark_before ? nlohmann::json(*r.watermark_before) : nullptr},
                          {"watermark_after", r.watermark_after ? nlohmann::json(*r.watermark_after) : nullptr}};
    if (r.error) {
        out["error"] = {{"kind", std::string(connector::toString(r.error->kind))},
                        {"code", r.error->code},
                        {"message", r.error->message}};
    }
    return out;
}

}  // namespace

std::unique_ptr<connector::Connector> makeConnector(const config::Config& config) {
    const auto factory = connector::findConnector(config.erp.connector);
    if (!config.erp.configured() || factory == nullptr) {
        throw std::runtime_error("the config has no [erp] section: no ERP connector to use");
    }
    return factory->create(config.erp.settings);
}

namespace {

int runPull(const GlobalOptions& options, const config::Config& config, const RunOptions& run,
            const jobs::PullJob& job_ref, LeasedRun& leased, RunWatchdog& watchdog) {
    const auto* job = &job_ref;
    if (!config.erp.reads(job->entity.stream)) {
        std::cerr << "syncline run " << job->name << ": the config has no [erp.streams." << job->entity.stream
                  << "] to read from\n";
        return kExitConfig;
    }
    auto webstore = openWebstore(config);
    auto connector = watchErpCalls(makeConnector(config), watchdog, /*answers_are_progress=*/false);
    sync::PullOptions pull;
    pull.job = job->name;
    pull.node = config.node_name;
    pull.mode = run.full ? connector::PullMode::Full : connector::PullMode::Incremental;
    pull.dry_run = run.dry_run;
    pull.overlap_seconds = config.sync.overlap_seconds;
    pull.max_deactivate_percent = config.sync.max_deactivate_percent;
    pull.future_tolerance_s = config.sync.future_tolerance_s;
    pull.ownership = &config.ownership;
    pull.firing = leased.firing;
    pull.triggered_by = leased.triggered_by;
    HeldLease& held = *leased.held;
    pull.before_commit = [&held, &watchdog](store::Webstore& store) {
        held.fence(store);
        watchdog.progress();  // the last commit (deactivations, the watermark) comes after the last batch
    };
    pull.started = [&](std::int64_t run_id) {
        watchdog.runStarted(run_id);
        lease::LeaseStore(*webstore, std::chrono::seconds(config.lease_s)).setRun(held.lease(), run_id, leased.firing);
    };
    if (pull.triggered_by == "manual") {
        // A manual run is an admin action: who asked for which run.
        store::Transaction tx(*webstore);
        audit::ChangeSet request;
        request.add("mode", std::nullopt, std::string(run.dry_run ? "dry_run" : (run.full ? "full" : "incremental")));
        audit::AuditLog(*webstore).append({currentActor(), "job", job->name, "run", request.json()});
        tx.commit();
    }
    ProgressLine line(job->name);
    const auto started = std::chrono::steady_clock::now();
    const auto result =
        sync::PullPipeline(*webstore, *connector, job->entity).run(pull, [&](const sync::PullProgress& p) {
            line.update(p);
            watchdog.progress(&p);
        });
    watchdog.finished();
    line.done();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (options.json) {
        std::cout << toJson(job->name, result, run.dry_run, seconds).dump(2) << "\n";
    } else {
        std::cout << job->name << (run.dry_run ? " (dry run: nothing committed)" : "") << ": " << result.status
                  << " (run " << result.run_id << ", " << (result.full ? "full" : "incremental") << ", "
                  << static_cast<long long>(seconds * 1000) << " ms)\n"
                  << "  read " << result.counts.read << ", applied " << result.counts.applied << ", unchanged "
                  << result.counts.unchanged << ", rejected " << result.counts.rejected << ", deactivated "
                  << result.counts.deactivated << ", conflicts held " << result.counts.conflicted << "\n";
        if (result.counts.conflicted > 0) {
            std::cout << "  fields held for a decision: syncline conflicts\n";
        }
        if (result.counts.rejected > 0) {
            std::cout << "  see the rejected records: syncline rejects --run " << result.run_id << "\n";
        }
        if (result.error) {
            std::cerr << "syncline run " << job->name << ": " << result.error->describe() << "\n";
        }
    }
    return runExitCode(result);
}

}  // namespace

int commandRun(const GlobalOptions& options, const RunOptions& run) {
    const auto config = loadConfig(options);
    handleStopSignals(std::chrono::seconds(config.shutdown_timeout_s));
    const bool order_job = run.job == "order_push" || run.job == "order_status";
    const auto* job = jobs::findPullJob(run.job);
    if (job == nullptr && !order_job) {
        std::cerr << "syncline run: unknown job '" << run.job << "'; jobs:";
        for (const auto& j : jobs::pullJobs()) {
            std::cerr << " " << j.name;
        }
        std::cerr << " order_push order_status\n";
        return kExitUsage;
    }
    // A job never runs twice at once: a manual run takes the same lease as the scheduler's runs. The lease is kept
    // while the run makes progress, and the watchdog ends a run that stalls or outlives its deadline.
    std::unique_ptr<store::Webstore> lease_store = openWebstore(config);
    auto leased =
        takeJobLease(config.webstore, *lease_store, run.job, config.node_name, std::chrono::seconds(config.lease_s),
                     RunWatchdog::limitsOf(config).stall, run.firing, run.retry, run.resume, run.wait);
    if (!leased.held) {
        return leased.exit_code;
    }
    RunWatchdog watchdog(config, run.job, *leased.held, order_job ? "answer from the ERP" : "batch applied");
    if (order_job) {
        lease::LeaseStore(*lease_store, std::chrono::seconds(config.lease_s))
            .setRun(leased.held->lease(), 0, leased.firing);
        return run.job == "order_push" ? commandPush(options, config, run, watchdog)
                                       : commandOrderStatus(options, config, run, watchdog);
    }
    return runPull(options, config, run, *job, leased, watchdog);
}

}  // namespace syncline::app
