#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/schedule/cron.h"

namespace date {
class time_zone;
}

namespace syncline::schedule {

/// A time zone name that the system's zoneinfo (/usr/share/zoneinfo) does not have.
class UnknownTimeZone : public std::invalid_argument {
  public:
    explicit UnknownTimeZone(const std::string& name);
};

/// Whether `name` is an IANA time zone name of the system's zoneinfo ("UTC", "Europe/Berlin").
bool isTimeZone(std::string_view name);

/// When a job fires: a cron expression read on the wall clock of an IANA time zone, or a fixed interval.
///
/// Daylight-saving changes (and any other change of a zone's UTC offset), after Vixie cron:
///  - an expression whose hour field is `*` or `*/S` ("every 15 minutes", "every hour at minute 30") fires at each
///    real instant whose wall-clock time matches, once: wall times that a spring-forward skips do not fire, wall
///    times that a fall-back repeats fire at both occurrences, so the job keeps its real-time rhythm;
///  - any other expression ("at 02:30 every day") fires once for a wall time that is skipped, at the first instant
///    after the gap (03:00 EDT for 02:30 on 2026-03-08 in America/New_York), and once for a wall time that is
///    repeated, at its first occurrence (01:30 EDT, not 01:30 EST, on 2026-11-01).
/// The rule is the same whatever the size of the change (Lord Howe Island's 30 minutes, a zone that skips a day).
///
/// An interval schedule fires at the multiples of its interval since 1970-01-01 00:00:00 UTC, so every engine node
/// computes the same times, and ignores daylight saving; its zone is only used to show times.
///
/// Immutable; every member may be called from any thread. Zone rules come from the system's zoneinfo, whose files
/// list transitions up to 2037; later times keep the last offset listed.
class Schedule {
  public:
    /// `expression` read in `time_zone`. Throws CronParseError or UnknownTimeZone.
    static Schedule cron(std::string_view expression, std::string_view time_zone = "UTC");
    /// Every `every` seconds (1 or more, else std::invalid_argument). Throws UnknownTimeZone.
    static Schedule interval(std::chrono::seconds every, std::string_view time_zone = "UTC");

    /// The first firing strictly after `after`. Never blocks; a few microseconds.
    std::chrono::sys_seconds next(std::chrono::sys_seconds after) const;
    /// The first `count` firings strictly after `after`, in order.
    std::vector<std::chrono::sys_seconds> nextRuns(std::chrono::sys_seconds after, int count) const;

    /// In words: "every 15 minutes", "at 02:30 every day", "at 06:00 on Monday through Friday", "every 2 seconds".
    /// Without the time zone.
    std::string describe() const;
    /// The IANA name the schedule was made with.
    const std::string& timeZone() const { return time_zone_; }
    /// `time` on this schedule's wall clock with its UTC offset: "2026-11-28 03:30:00 +01:00".
    std::string formatLocal(std::chrono::sys_seconds time) const;

    /// The cron expression, or nullptr for an interval schedule.
    const CronExpression* cronExpression() const { return cron_ ? &*cron_ : nullptr; }
    /// The interval, or nullopt for a cron schedule.
    std::optional<std::chrono::seconds> interval() const;

  private:
    Schedule(std::optional<CronExpression> cron, std::chrono::seconds interval, std::string_view time_zone);

    std::chrono::sys_seconds nextInZone(std::chrono::sys_seconds after) const;

    std::optional<CronExpression> cron_;
    std::chrono::seconds interval_{0};
    std::string time_zone_;
    const date::time_zone* zone_ = nullptr;  ///< nullptr for "UTC"; else owned by the process-wide zone database
};

}  // namespace syncline::schedule
