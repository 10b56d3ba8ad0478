// runs, rejects, jobs: what the engine did (read from the webstore's own tables) and will do (the schedules).
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <chrono>
#include <iostream>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/output.h"
#include "engine/store/dialect.h"
#include "jobs/pull_jobs.h"

namespace syncline::app {

namespace {

using Poco::Data::Keywords::use;

nlohmann::json toJson(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) {
        return nullptr;
    }
    if (value.isInteger()) {
        return value.convert<Poco::Int64>();
    }
    return value.convert<std::string>();
}

Listing collect(Poco::Data::Statement& statement, std::vector<std::string> columns) {
    statement.execute();
    Poco::Data::RecordSet rows(statement);
    Listing listing(std::move(columns));
    for (bool more = rows.moveFirst(); more; more = rows.moveNext()) {
        std::vector<nlohmann::json> values;
        for (std::size_t c = 0; c < rows.columnCount(); ++c) {
            values.push_back(toJson(rows.value(c)));
        }
        listing.add(std::move(values));
    }
    return listing;
}

}  // namespace

int commandRuns(const GlobalOptions& options, const RunsOptions& runs) {
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    const auto b = webstore->backend();
    std::string sql =
        "SELECT run_id, job, mode, status, " + store::isoTimeColumn(b, "started_at") + ", " +
        store::isoTimeColumn(b, "finished_at") +
        ", rows_read, rows_applied, rows_unchanged, rows_rejected, rows_conflicted, error, warning FROM job_runs";
    std::string job = runs.job;
    int limit = runs.limit;
    Poco::Data::Statement statement(webstore->session());
    statement << sql +
                     (job.empty() ? " ORDER BY run_id DESC LIMIT $1" : " WHERE job = $1 ORDER BY run_id DESC LIMIT $2");
    if (!job.empty()) {
        statement, use(job);
    }
    statement, use(limit);
    const auto listing = collect(statement, {"run_id", "job", "mode", "status", "started_at", "finished_at", "read",
                                             "applied", "unchanged", "rejected", "conflicted", "error", "warning"});
    if (listing.size() == 0 && !options.json) {
        std::cout << "no job runs yet" << (job.empty() ? "" : " for job " + job) << "\n";
        return kExitOk;
    }
    listing.print(options.json);
    return kExitOk;
}

int commandRejects(const GlobalOptions& options, const RejectsOptions& rejects) {
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    Poco::Int64 run_id = rejects.run_id.value_or(0);
    int limit = rejects.limit;
    Poco::Data::Statement statement(webstore->session());
    statement << "SELECT reject_id, run_id, entity, entity_key, field, reason, raw, " +
                     store::isoTimeColumn(webstore->backend(), "created_at") + " FROM rejects" +
                     (rejects.run_id ? " WHERE run_id = $1 ORDER BY reject_id DESC LIMIT $2"
                                     : " ORDER BY reject_id DESC LIMIT $1");
    if (rejects.run_id) {
        statement, use(run_id);
    }
    statement, use(limit);
    const auto listing =
        collect(statement, {"reject_id", "run_id", "entity", "key", "field", "reason", "raw", "created_at"});
    if (listing.size() == 0 && !options.json) {
        std::cout << "no rejected records\n";
        return kExitOk;
    }
    listing.print(options.json);
    return kExitOk;
}

int commandJobs(const GlobalOptions& options) {
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    // Text shows the first next run in the table and all of them below it; JSON has them all in the row.
    Listing listing({"job", "stream", "configured", "schedule", "time_zone", "misfire", "after", "last_run",
                     "last_status", "last_started_at", options.json ? "next_runs" : "next_run", "description"});
    std::vector<std::pair<std::string, std::vector<std::string>>> upcoming;
    auto add = [&](const std::string& job, const std::string& stream, bool configured, const std::string& what) {
        std::string name = job;
        Poco::Data::Statement statement(webstore->session());
        statement << "SELECT run_id, status, " + store::isoTimeColumn(webstore->backend(), "started_at") +
                         " FROM job_runs WHERE job = $1 ORDER BY run_id DESC LIMIT 1",
            use(name);
        statement.execute();
        Poco::Data::RecordSet last(statement);
        const bool ran = last.moveFirst();
        nlohmann::json schedule = "manual only";
        nlohmann::json zone = nullptr;
        nlohmann::json misfire = nullptr;
        nlohmann::json after = nlohmann::json::array();
        std::vector<std::string> next;
        if (const auto* s = config::findSchedule(config, job)) {
            schedule = s->schedule.describe() + (s->full ? ", full pull" : "") + (s->enabled ? "" : " (disabled)");
            zone = s->schedule.timeZone();
            misfire = std::string(schedule::toString(s->misfire));
            after = s->after;
            if (s->enabled) {
                for (const auto t : s->schedule.nextRuns(now, 5)) {
                    next.push_back(s->schedule.formatLocal(t));
                }
                upcoming.emplace_back(job, next);
            }
        }
        std::string after_text;
        for (const auto& a : after) {
            after_text += (after_text.empty() ? "" : ", ") + a.get<std::string>();
        }
        nlohmann::json next_runs = next;
        if (!options.json) {
            after = after_text.empty() ? nlohmann::json(nullptr) : nlohmann::json(after_text);
            next_runs = next.empty() ? nlohmann::json(nullptr) : nlohmann::json(next.front());
        }
        listing.add({job, stream, configured, schedule, zone, misfire, after,
                     ran ? toJson(last.value(0)) : nlohmann::json(nullptr),
                     ran ? toJson(last.value(1)) : nlohmann::json(nullptr),
                     ran ? toJson(last.value(2)) : nlohmann::json(nullptr), next_runs, what});
    };
    for (const auto& job : jobs::pullJobs()) {
        add(job.name, job.entity.stream, config.erp.reads(job.entity.stream), job.description);
    }
    add("order_push", "orders", config.erp.features.push_orders, "webstore orders into the ERP, exactly once");
    add("order_status", "orders", config.erp.features.order_status,
        "the ERP's order status, tracking and invoice numbers back into the webstore");
    listing.print(options.json);
    if (!options.json && !upcoming.empty()) {
        std::cout << "\nnext runs (local time of each schedule):\n";
        for (const auto& [job, times] : upcoming) {
            std::cout << "  " << job << std::string(job.size() < 14 ? 14 - job.size() : 1, ' ');
            for (std::size_t i = 0; i < times.size(); ++i) {
                std::cout << (i == 0 ? "" : ", ") << times[i];
            }
            std::cout << "\n";
        }
    }
    return kExitOk;
}

}  // namespace syncline::app
