// Properties of parse, format and next() over generated cron expressions, checked against brute-force searches
// that use only CronExpression::matches() and the zone database's own answers.
#include <date/tz.h>
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>

#include "engine/schedule/schedule.h"

namespace syncline::schedule {
namespace {

namespace chr = std::chrono;

struct Field {
    int min;
    int max;
    int names;  // 0 none, 1 months, 2 days of week
};

constexpr Field kSecond{0, 59, 0};
constexpr Field kMinute{0, 59, 0};
constexpr Field kHour{0, 23, 0};
constexpr Field kDayOfMonth{1, 31, 0};
constexpr Field kMonth{1, 12, 1};
constexpr Field kDayOfWeek{0, 7, 2};

constexpr std::array<const char*, 12> kMonthNames = {"jan", "Feb", "MAR", "apr", "May", "JUN",
                                                     "jul", "Aug", "SEP", "oct", "Nov", "DEC"};
constexpr std::array<const char*, 8> kDayNames = {"sun", "Mon", "TUE", "wed", "Thu", "FRI", "sat", "SUN"};

std::string value(const Field& f, int v) {
    if (f.names == 1 && *rc::gen::arbitrary<bool>()) {
        return kMonthNames[static_cast<std::size_t>(v - 1)];
    }
    if (f.names == 2 && *rc::gen::arbitrary<bool>()) {
        return kDayNames[static_cast<std::size_t>(v)];
    }
    return std::to_string(v);
}

// One list element: *, */S, N, N-M, N-M/S or N/S.
std::string element(const Field& f) {
    const int span = f.max - f.min + 1;
    const int step = *rc::gen::inRange(1, span + 2);
    const int a = *rc::gen::inRange(f.min, f.max + 1);
    const int b = *rc::gen::inRange(a, f.max + 1);
    switch (*rc::gen::inRange(0, 6)) {
        case 0:
            return "*";
        case 1:
            return "*/" + std::to_string(step);
        case 2:
            return value(f, a);
        case 3:
            return value(f, a) + "-" + value(f, b);
        case 4:
            return value(f, a) + "-" + value(f, b) + "/" + std::to_string(step);
        default:
            return value(f, a) + "/" + std::to_string(step);
    }
}

std::string field(const Field& f) {
    std::string out = element(f);
    const int more = *rc::gen::inRange(0, 3);
    for (int i = 0; i < more; ++i) {
        out += "," + element(f);
    }
    return out;
}

// Mostly `*` (7 times in 8), so that firings are frequent enough for a brute-force window.
std::string sparseField(const Field& f) {
    return *rc::gen::inRange(0, 8) == 0 ? field(f) : std::string("*");
}

std::string anyCron(bool seconds) {
    return (seconds ? field(kSecond) + " " : std::string()) + field(kMinute) + " " + field(kHour) + " " +
           field(kDayOfMonth) + " " + field(kMonth) + " " + field(kDayOfWeek);
}

// Hours that the 2026 daylight-saving changes of kZones skip or repeat (01:00-02:59) half of the time.
std::string hourField() {
    switch (*rc::gen::inRange(0, 4)) {
        case 0:
        case 1:
            return *rc::gen::element<std::string>("2", "1", "1-3", "2,14", "0-2/2", "1,2");
        case 2:
            return *rc::gen::element<std::string>("*", "*/2", "*/3");
        default:
            return field(kHour);
    }
}

// Dense enough that a few days of minutes usually hold firings: any minutes and hours, days mostly `*`.
std::string denseCron() {
    return field(kMinute) + " " + hourField() + " " + sparseField(kDayOfMonth) + " " + sparseField(kMonth) + " " +
           sparseField(kDayOfWeek);
}

// Generated expressions parse unless their days of the month never occur in their months.
std::optional<CronExpression> parsed(const std::string& text) {
    try {
        return CronExpression::parse(text);
    } catch (const CronParseError& e) {
        RC_ASSERT(std::string(e.what()).find("never occurs") != std::string::npos);
        return std::nullopt;
    }
}

chr::sys_seconds anyTime() {
    // 2000-01-01 .. 2036-12-31, inside the zoneinfo files' transitions.
    return chr::sys_seconds(chr::seconds(*rc::gen::inRange<std::int64_t>(946684800, 2114380800)));
}

chr::local_seconds asLocal(chr::sys_seconds t) {
    return chr::local_seconds(t.time_since_epoch());
}

RC_GTEST_PROP(ScheduleProperty, FormatParsesBackToAnEqualExpression, ()) {
    const auto text = anyCron(*rc::gen::arbitrary<bool>());
    const auto e = parsed(text);
    RC_PRE(e.has_value());
    RC_LOG() << text << " -> " << e->format() << "\n";
    const auto again = CronExpression::parse(e->format());
    RC_ASSERT(again == *e);
    RC_ASSERT(again.format() == e->format());
    RC_ASSERT(again.hasSecondsField() == e->hasSecondsField());
}

// In UTC, next() is the first second after `after` that matches: found day by day with matchesDay(), then second
// by second within the first matching day.
RC_GTEST_PROP(ScheduleProperty, UtcNextIsTheFirstMatchingSecond, ()) {
    const bool seconds = *rc::gen::arbitrary<bool>();
    const auto text = anyCron(seconds);
    const auto e = parsed(text);
    RC_PRE(e.has_value());
    const auto after = anyTime();
    const auto schedule = Schedule::cron(text);
    auto t = after + chr::seconds(1);
    std::optional<chr::sys_seconds> expected;
    for (int day = 0; day < 366 * 50 && !expected; ++day) {
        const auto midnight = chr::floor<chr::days>(t);
        if (e->matchesDay(chr::year_month_day(midnight))) {
            for (; t < midnight + chr::days(1); t += chr::seconds(1)) {
                if (e->matches(asLocal(t))) {
                    expected = t;
                    break;
                }
            }
        }
        t = midnight + chr::days(1);
    }
    RC_ASSERT(expected.has_value());
    RC_LOG() << text << " after " << after.time_since_epoch().count() << "\n";
    RC_ASSERT(schedule.next(after) == *expected);
}

struct ZoneChanges {
    const char* zone;
    std::array<std::int64_t, 2> changes;  // its 2026 UTC offset changes, as UTC seconds (none: 0)
};

const std::array<ZoneChanges, 5> kZones = {{
    {"America/New_York", {1772953200, 1793512800}},     // 03-08 07:00Z, 11-01 06:00Z
    {"Europe/Berlin", {1774746000, 1792890000}},        // 03-29 01:00Z, 10-25 01:00Z
    {"Australia/Lord_Howe", {1775314800, 1791041400}},  // 04-04 15:00Z, 10-03 15:30Z
    {"UTC", {0, 0}},
    {"Asia/Kolkata", {0, 0}},
}};

// A zone, and a time up to 36 hours before one of its offset changes (or any time, a quarter of the time).
std::pair<const char*, chr::sys_seconds> zoneAndStart() {
    const auto& z = *rc::gen::elementOf(kZones);
    const auto change = *rc::gen::elementOf(z.changes);
    if (change == 0 || *rc::gen::inRange(0, 4) == 0) {
        return {z.zone, anyTime()};
    }
    return {z.zone, chr::sys_seconds(chr::seconds(change - *rc::gen::inRange<std::int64_t>(0, 36 * 3600)))};
}

// Whether the schedule's rule fires at `t` (a whole minute), worked out from the zone database directly.
bool firesAt(const CronExpression& e, const date::time_zone& zone, chr::sys_seconds t) {
    const auto info = zone.get_info(t);
    const auto local = asLocal(t) + info.offset;
    if (e.matches(local)) {
        if (e.wildcardHour()) {
            return true;
        }
        const auto li = zone.get_info(date::local_seconds(local.time_since_epoch()));
        // Fixed hours fire at the first occurrence of a repeated wall time only.
        return li.result != date::local_info::ambiguous ||
               t == chr::sys_seconds(local.time_since_epoch()) - li.first.offset;
    }
    if (e.wildcardHour() || info.begin != t) {
        return false;
    }
    const auto before = zone.get_info(t - chr::seconds(1));
    for (auto skipped = asLocal(t) + before.offset; skipped < local; skipped += chr::minutes(1)) {
        if (e.matches(skipped)) {
            return true;  // a wall time skipped by this spring-forward
        }
    }
    return false;
}

// In a zone, the firings next() gives over two days are exactly the minutes at which the rule fires.
RC_GTEST_PROP(ScheduleProperty, ZonedFiringsAreTheMinutesTheRuleFires, ()) {
    const auto [zone_name, after] = zoneAndStart();
    const auto text = denseCron();
    const auto e = parsed(text);
    RC_PRE(e.has_value());
    RC_LOG() << text << " in " << zone_name << " after " << after.time_since_epoch().count() << "\n";
    const auto& zone = *date::locate_zone(zone_name);
    const auto schedule = Schedule::cron(text, zone_name);
    const auto window_end = after + chr::days(2);
    std::vector<chr::sys_seconds> expected;
    for (auto t = chr::ceil<chr::minutes>(after + chr::seconds(1)); t < window_end; t += chr::minutes(1)) {
        if (firesAt(*e, zone, t)) {
            expected.push_back(t);
        }
    }
    std::vector<chr::sys_seconds> actual;
    for (auto t = schedule.next(after); t < window_end; t = schedule.next(t)) {
        RC_ASSERT(t > (actual.empty() ? after : actual.back()));
        actual.push_back(t);
    }
    RC_ASSERT(actual == expected);
}

// Each firing is later than the one before, and on the expression's wall clock (or right after a skipped one).
RC_GTEST_PROP(ScheduleProperty, FiringsStrictlyIncreaseAndMatchInLocalTime, ()) {
    const auto [zone_name, start] = zoneAndStart();
    const auto text = *rc::gen::arbitrary<bool>() ? denseCron() : anyCron(false);
    const auto e = parsed(text);
    RC_PRE(e.has_value());
    RC_LOG() << text << " in " << zone_name << "\n";
    const auto& zone = *date::locate_zone(zone_name);
    const auto schedule = Schedule::cron(text, zone_name);
    auto t = start;
    for (int i = 0; i < 30; ++i) {
        const auto next = schedule.next(t);
        RC_ASSERT(next > t);
        RC_ASSERT(firesAt(*e, zone, next));
        t = next;
    }
}

RC_GTEST_PROP(ScheduleProperty, IntervalFiringsAreConsecutiveMultiples, ()) {
    const auto every = chr::seconds(*rc::gen::inRange(1, 86400 * 7 + 1));
    const auto schedule = Schedule::interval(every);
    const auto after = anyTime();
    const auto next = schedule.next(after);
    RC_ASSERT(next > after);
    RC_ASSERT(next - after <= every);
    RC_ASSERT(next.time_since_epoch().count() % every.count() == 0);
    RC_ASSERT(schedule.next(next) == next + every);
}

}  // namespace
}  // namespace syncline::schedule
