#include "engine/schedule/schedule.h"

#include <algorithm>

#include <date/tz.h>
#include <fmt/format.h>

#include "engine/schedule/cron_description.h"

namespace syncline::schedule {

namespace chr = std::chrono;

namespace {

// How far next() looks; a valid cron expression matches well within it.
constexpr chr::days kHorizon{366 * 100};

chr::local_seconds toLocal(chr::sys_seconds time, chr::seconds offset) {
    return chr::local_seconds(time.time_since_epoch() + offset);
}

chr::sys_seconds toSys(chr::local_seconds time, chr::seconds offset) {
    return chr::sys_seconds(time.time_since_epoch() - offset);
}

// UTC is handled without the zone database: it is the default, and needs no zoneinfo installed.
const date::time_zone* findZone(std::string_view name) {
    if (name == "UTC") {
        return nullptr;
    }
    try {
        return date::locate_zone(name);
    } catch (const std::runtime_error&) {
        throw UnknownTimeZone(std::string(name));
    }
}

[[noreturn]] void noFiring(const CronExpression& cron) {
    throw std::logic_error("cron expression '" + cron.text() + "' does not fire within 100 years");
}

}  // namespace

UnknownTimeZone::UnknownTimeZone(const std::string& name)
    : std::invalid_argument("unknown time zone '" + name +
                            "': use an IANA name such as UTC, Europe/Berlin or America/New_York (see "
                            "/usr/share/zoneinfo)") {}

bool isTimeZone(std::string_view name) {
    try {
        findZone(name);
        return true;
    } catch (const UnknownTimeZone&) {
        return false;
    }
}

Schedule::Schedule(std::optional<CronExpression> cron, chr::seconds interval, std::string_view time_zone)
    : cron_(std::move(cron)), interval_(interval), time_zone_(time_zone), zone_(findZone(time_zone)) {}

Schedule Schedule::cron(std::string_view expression, std::string_view time_zone) {
    return Schedule(CronExpression::parse(expression), chr::seconds(0), time_zone);
}

Schedule Schedule::interval(chr::seconds every, std::string_view time_zone) {
    if (every < chr::seconds(1)) {
        throw std::invalid_argument("a schedule's interval must be 1 second or more");
    }
    return Schedule(std::nullopt, every, time_zone);
}

std::optional<chr::seconds> Schedule::interval() const {
    return cron_ ? std::nullopt : std::optional<chr::seconds>(interval_);
}

chr::sys_seconds Schedule::next(chr::sys_seconds after) const {
    if (!cron_) {
        // Floor division: the last multiple of the interval at or before `after`, then one more.
        const auto n = after.time_since_epoch().count();
        const auto step = interval_.count();
        auto q = n / step;
        if (n % step != 0 && n < 0) {
            --q;
        }
        return chr::sys_seconds(chr::seconds((q + 1) * step));
    }
    if (zone_ == nullptr) {
        const auto from = toLocal(after + chr::seconds(1), chr::seconds(0));
        const auto match = cron_->nextMatch(from, from + kHorizon);
        if (!match) {
            noFiring(*cron_);
        }
        return toSys(*match, chr::seconds(0));
    }
    return nextInZone(after);
}

// Walks the zone's periods of constant UTC offset from `after` on. Within a period wall-clock time and real time
// move together, so the first matching wall time of the period is the first firing in it; the DST rule of the
// class comment decides what happens at the edges.
chr::sys_seconds Schedule::nextInZone(chr::sys_seconds after) const {
    const bool every_instant = cron_->wildcardHour();
    auto start = after + chr::seconds(1);
    const auto horizon = start + kHorizon;
    while (start < horizon) {
        const auto info = zone_->get_info(start);
        auto from = toLocal(start, info.offset);
        if (!every_instant) {
            const auto before = zone_->get_info(info.begin - chr::seconds(1));
            if (before.offset > info.offset) {
                // After a fall-back: the repeated wall times fired at their first occurrence, in `before`.
                from = std::max(from, toLocal(info.begin, before.offset));
            } else if (before.offset < info.offset && start == info.begin) {
                // At a spring-forward: the wall times it skipped fire now, at the first instant after the gap.
                from = toLocal(info.begin, before.offset);
            }
        }
        const auto end = std::min(info.end, horizon);
        if (const auto match = cron_->nextMatch(from, toLocal(end, info.offset))) {
            // Before info.begin: a skipped wall time, from the spring-forward case above.
            return std::max(toSys(*match, info.offset), info.begin);
        }
        start = end;
    }
    noFiring(*cron_);
}

std::vector<chr::sys_seconds> Schedule::nextRuns(chr::sys_seconds after, int count) const {
    std::vector<chr::sys_seconds> out;
    for (int i = 0; i < count; ++i) {
        after = next(after);
        out.push_back(after);
    }
    return out;
}

std::string Schedule::describe() const {
    return cron_ ? describeCron(*cron_) : describeInterval(interval_);
}

std::string Schedule::formatLocal(chr::sys_seconds time) const {
    const chr::seconds offset = zone_ == nullptr ? chr::seconds(0) : zone_->get_info(time).offset;
    const auto local = toLocal(time, offset);
    const auto day = chr::floor<chr::days>(local);
    const chr::year_month_day ymd(day);
    const chr::hh_mm_ss tod(local - day);
    const auto minutes = chr::duration_cast<chr::minutes>(offset < chr::seconds(0) ? -offset : offset).count();
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}{:02}:{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), tod.hours().count(),
                       tod.minutes().count(), tod.seconds().count(), offset < chr::seconds(0) ? '-' : '+', minutes / 60,
                       minutes % 60);
}

}  // namespace syncline::schedule
