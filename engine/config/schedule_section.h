#pragma once

#include <string>
#include <vector>

#include <toml++/toml.h>

#include "engine/config/config.h"

// Internal to engine/config: the [schedule.*] part of load().
namespace syncline::config {

/// Reads the [schedule.<job>] tables of `root` into `config.schedules`, in knownJobs() order, and appends what is
/// wrong with them to `issues`. Key types, ranges and allowed values were checked against the schema already;
/// this checks what the schema cannot: exactly one of cron and every_s, the cron expression, the time zone, the
/// `after` names and cycles, and that a scheduled job has the config it needs. Call after `config.erp` is read.
void readSchedules(const toml::table& root, const std::string& file, Config& config, std::vector<ConfigIssue>& issues);

}  // namespace syncline::config
