#include "engine/config/schedule_section.h"

#include <algorithm>

#include <fmt/format.h>

namespace syncline::config {

namespace {

std::string jobList() {
    std::string out;
    for (const auto& job : knownJobs()) {
        out += (out.empty() ? "" : ", ") + job.name;
    }
    return out;
}

bool isKnownJob(const std::string& name) {
    const auto& jobs = knownJobs();
    return std::any_of(jobs.begin(), jobs.end(), [&](const KnownJob& j) { return j.name == name; });
}

// One [schedule.<job>] table.
class ScheduleTable {
  public:
    ScheduleTable(const std::string& file, const KnownJob& job, const toml::table& table,
                  std::vector<ConfigIssue>& issues)
        : file_(file), job_(job), key_("schedule." + job.name), table_(table), issues_(issues) {}

    // nullopt when the table has a problem that leaves no schedule to build (reported).
    std::optional<schedule::JobSchedule> read(const Config& config) {
        auto when = readWhen();
        auto after = readAfter();
        const bool full = boolean("full", false);
        const bool enabled = boolean("enabled", true);
        if (full && job_.stream.empty()) {
            issue(table_.get("full"), key_ + ".full",
                  "is for the pull jobs (catalog, stock, customers, prices); order jobs have no full run");
        }
        if (enabled) {
            checkConfigured(config);
        }
        if (!when) {
            return std::nullopt;
        }
        return schedule::JobSchedule{
            job_.name,
            std::move(*when),
            schedule::parseMisfire(string("misfire", "run_once")).value_or(schedule::Misfire::RunOnce),
            static_cast<int>(integer("retries", 3)),
            std::chrono::seconds(integer("retry_backoff_s", 30)),
            std::move(after),
            full,
            enabled};
    }

  private:
    void issue(const toml::node* node, const std::string& key, std::string message) {
        ConfigIssue out{file_, 0, 0, key, std::move(message)};
        if (node == nullptr) {
            node = &table_;
        }
        out.line = static_cast<int>(node->source().begin.line);
        out.column = static_cast<int>(node->source().begin.column);
        issues_.push_back(std::move(out));
    }

    std::string string(const char* name, std::string fallback) const {
        const auto* n = table_.get(name);
        return n != nullptr && n->is_string() ? n->as_string()->get() : fallback;
    }

    std::int64_t integer(const char* name, std::int64_t fallback) const {
        const auto* n = table_.get(name);
        return n != nullptr && n->is_integer() ? n->as_integer()->get() : fallback;
    }

    bool boolean(const char* name, bool fallback) const {
        const auto* n = table_.get(name);
        return n != nullptr && n->is_boolean() ? n->as_boolean()->get() : fallback;
    }

    // cron or every_s, read in time_zone.
    std::optional<schedule::Schedule> readWhen() {
        const auto* cron = table_.get("cron");
        const auto* every = table_.get("every_s");
        const auto* zone_node = table_.get("time_zone");
        const std::string zone = string("time_zone", "UTC");
        const bool zone_ok = zone_node == nullptr || !zone_node->is_string() || schedule::isTimeZone(zone);
        if (!zone_ok) {
            issue(zone_node, key_ + ".time_zone", schedule::UnknownTimeZone(zone).what());
        }
        if (cron != nullptr && every != nullptr) {
            issue(every, key_ + ".every_s", fmt::format("set either {0}.cron or {0}.every_s, not both", key_));
            return std::nullopt;
        }
        if (cron == nullptr && every == nullptr) {
            issue(&table_, key_ + ".cron",
                  "is required: set cron (a cron expression) or every_s (seconds between runs); a job without a "
                  "[schedule] table runs only when asked");
            return std::nullopt;
        }
        if (every != nullptr) {
            const auto seconds = integer("every_s", 0);
            if (!zone_ok || seconds < 1 || seconds > 86400 * 7) {
                return std::nullopt;  // a wrong type or range was reported by the schema check
            }
            return schedule::Schedule::interval(std::chrono::seconds(seconds), zone);
        }
        if (!cron->is_string()) {
            return std::nullopt;
        }
        const std::string expression = cron->as_string()->get();
        try {
            schedule::CronExpression::parse(expression);
        } catch (const schedule::CronParseError& e) {
            issue(cron, key_ + ".cron", fmt::format("invalid cron expression \"{}\": {}", expression, e.what()));
            return std::nullopt;
        }
        if (!zone_ok) {
            return std::nullopt;
        }
        return schedule::Schedule::cron(expression, zone);
    }

    std::vector<std::string> readAfter() {
        std::vector<std::string> out;
        const auto* after = table_.get("after");
        if (after == nullptr || !after->is_array()) {
            return out;
        }
        for (const auto& element : *after->as_array()) {
            if (!element.is_string()) {
                continue;  // reported by the schema check
            }
            const std::string name = element.as_string()->get();
            if (!isKnownJob(name)) {
                issue(&element, key_ + ".after", fmt::format("unknown job '{}'; allowed: {}", name, jobList()));
            } else if (std::find(out.begin(), out.end(), name) != out.end()) {
                issue(&element, key_ + ".after", fmt::format("'{}' is listed twice", name));
            } else {
                out.push_back(name);
            }
        }
        return out;
    }

    // A scheduled job must be able to run: a pull job needs its stream, order_push [erp.orders], order_status its
    // status_query.
    void checkConfigured(const Config& config) {
        std::string missing;
        if (!job_.stream.empty()) {
            if (!config.erp.reads(job_.stream)) {
                missing = "[erp.streams." + job_.stream + "]";
            }
        } else if (job_.name == "order_push" && !config.erp.features.push_orders) {
            missing = "[erp.orders]";
        } else if (job_.name == "order_status" && !config.erp.features.order_status) {
            missing = "erp.orders.status_query";
        }
        if (!missing.empty()) {
            issue(&table_, key_,
                  fmt::format("job '{}' is scheduled but the config has no {} for it to run; add it, or set "
                              "enabled = false",
                              job_.name, missing));
        }
    }

    const std::string& file_;
    const KnownJob& job_;
    std::string key_;
    const toml::table& table_;
    std::vector<ConfigIssue>& issues_;
};

}  // namespace

const std::vector<KnownJob>& knownJobs() {
    static const std::vector<KnownJob> jobs = {{"catalog", "products"},    {"stock", "stock"},
                                               {"customers", "customers"}, {"prices", "price_rules"},
                                               {"order_push", ""},         {"order_status", ""}};
    return jobs;
}

const schedule::JobSchedule* findSchedule(const Config& config, std::string_view job) {
    const auto it = std::find_if(config.schedules.begin(), config.schedules.end(),
                                 [&](const schedule::JobSchedule& s) { return s.job == job; });
    return it == config.schedules.end() ? nullptr : &*it;
}

void readSchedules(const toml::table& root, const std::string& file, Config& config, std::vector<ConfigIssue>& issues) {
    const auto* section = root.get_as<toml::table>("schedule");
    if (section == nullptr) {
        return;
    }
    for (const auto& job : knownJobs()) {
        const auto* table = section->get_as<toml::table>(job.name);
        if (table == nullptr) {
            continue;
        }
        if (auto read = ScheduleTable(file, job, *table, issues).read(config)) {
            config.schedules.push_back(std::move(*read));
        }
    }
    const auto cycle = schedule::afterCycle(config.schedules);
    if (cycle.empty()) {
        return;
    }
    std::string path;
    for (const auto& job : cycle) {
        path += (path.empty() ? "" : " after ") + job;
    }
    // Reported at the `after` of the job whose list closes the cycle.
    const std::string& closing = cycle[cycle.size() - 2];
    const auto* after = section->get_as<toml::table>(closing)->get("after");
    issues.push_back(ConfigIssue{file, static_cast<int>(after->source().begin.line),
                                 static_cast<int>(after->source().begin.column), "schedule." + closing + ".after",
                                 "jobs wait for each other in a cycle (" + path + "), so none of them could run"});
}

}  // namespace syncline::config
