#include "engine/schedule/job_schedule.h"

#include <algorithm>
#include <map>

namespace syncline::schedule {

namespace {

enum class Mark { Unvisited, OnPath, Done };

// Depth-first search; `path` holds the jobs from the root to the current one.
bool findCycle(const std::string& job, const std::map<std::string, const JobSchedule*>& by_name,
               std::map<std::string, Mark>& marks, std::vector<std::string>& path) {
    marks[job] = Mark::OnPath;
    path.push_back(job);
    if (const auto it = by_name.find(job); it != by_name.end()) {
        for (const auto& before : it->second->after) {
            const Mark mark = marks[before];
            if (mark == Mark::OnPath) {
                path.erase(path.begin(), std::find(path.begin(), path.end(), before));
                path.push_back(before);
                return true;
            }
            if (mark == Mark::Unvisited && findCycle(before, by_name, marks, path)) {
                return true;
            }
        }
    }
    marks[job] = Mark::Done;
    path.pop_back();
    return false;
}

}  // namespace

std::string_view toString(Misfire misfire) {
    switch (misfire) {
        case Misfire::RunOnce:
            return "run_once";
        case Misfire::Skip:
            return "skip";
    }
    return "run_once";
}

std::optional<Misfire> parseMisfire(std::string_view text) {
    if (text == "run_once") {
        return Misfire::RunOnce;
    }
    if (text == "skip") {
        return Misfire::Skip;
    }
    return std::nullopt;
}

std::vector<std::string> afterCycle(const std::vector<JobSchedule>& schedules) {
    std::map<std::string, const JobSchedule*> by_name;
    for (const auto& s : schedules) {
        by_name[s.job] = &s;
    }
    std::map<std::string, Mark> marks;
    for (const auto& s : schedules) {
        std::vector<std::string> path;
        if (marks[s.job] == Mark::Unvisited && findCycle(s.job, by_name, marks, path)) {
            return path;
        }
    }
    return {};
}

}  // namespace syncline::schedule
