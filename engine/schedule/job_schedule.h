#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/schedule/schedule.h"

namespace syncline::schedule {

/// What to do about firings that passed while the engine was down or the job was still running.
enum class Misfire {
    RunOnce,  ///< run once as soon as possible, however many firings were missed, then follow the schedule
    Skip,     ///< drop them and wait for the next firing
};

std::string_view toString(Misfire misfire);
/// "run_once" or "skip".
std::optional<Misfire> parseMisfire(std::string_view text);

/// One job's [schedule.<job>] table: when it runs, and how the scheduler treats misfires and failures.
struct JobSchedule {
    std::string job;  ///< catalog, stock, customers, prices, order_push, order_status
    Schedule schedule;
    Misfire misfire = Misfire::RunOnce;
    int retries = 3;                         ///< further attempts after a transient failure, 0-20
    std::chrono::seconds retry_backoff{30};  ///< wait before the first retry; doubles for each further one
    std::vector<std::string> after;          ///< jobs whose running run this job waits for when both are due
    bool full = false;                       ///< pull jobs: a full pull instead of an incremental one
    bool enabled = true;                     ///< false: kept in the config, never fired
};

/// A cycle in the `after` lists of `schedules`, as the job names along it with the first repeated at the end
/// ("catalog", "prices", "catalog"), or empty when there is none. Jobs named in `after` without a schedule of their
/// own are leaves.
std::vector<std::string> afterCycle(const std::vector<JobSchedule>& schedules);

}  // namespace syncline::schedule
