// Firing times across daylight-saving changes, against times worked out by hand from the zone's transitions
// (zdump -v /usr/share/zoneinfo/<zone>). All expected times are UTC.
#include "engine/schedule/schedule.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace syncline::schedule {
namespace {

namespace chr = std::chrono;

chr::sys_seconds utc(const char* text) {
    int y = 0;
    unsigned mo = 0;
    unsigned d = 0;
    int h = 0;
    int mi = 0;
    int s = 0;
    if (std::sscanf(text, "%d-%u-%u %d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6) {
        throw std::invalid_argument(text);
    }
    return chr::sys_days(chr::year(y) / mo / d) + chr::hours(h) + chr::minutes(mi) + chr::seconds(s);
}

// The firings after `after`, as UTC text.
std::vector<std::string> runs(const Schedule& schedule, const char* after, int count) {
    std::vector<std::string> out;
    for (const auto t : schedule.nextRuns(utc(after), count)) {
        const auto day = chr::floor<chr::days>(t);
        const chr::year_month_day ymd(day);
        const chr::hh_mm_ss tod(t - day);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld:%02ld", static_cast<int>(ymd.year()),
                      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                      static_cast<long>(tod.hours().count()), static_cast<long>(tod.minutes().count()),
                      static_cast<long>(tod.seconds().count()));
        out.emplace_back(buf);
    }
    return out;
}

using Runs = std::vector<std::string>;

// America/New_York 2026: 03-08 02:00 EST (-5) -> 03:00 EDT (-4) at 07:00Z; 11-01 02:00 EDT -> 01:00 EST at 06:00Z.
TEST(ScheduleDstNewYork, FixedTimeInTheSpringGapFiresOnceRightAfterIt) {
    const auto s = Schedule::cron("30 2 * * *", "America/New_York");
    EXPECT_EQ(runs(s, "2026-03-06 12:00:00", 3),
              Runs({"2026-03-07 07:30:00", "2026-03-08 07:00:00", "2026-03-09 06:30:00"}))
        << "02:30 EST, then 03:00 EDT (02:30 does not exist), then 02:30 EDT";
    EXPECT_EQ(runs(Schedule::cron("0 2 * * *", "America/New_York"), "2026-03-08 00:00:00", 1),
              Runs({"2026-03-08 07:00:00"}));
    EXPECT_EQ(runs(s, "2026-03-08 06:59:59", 1), Runs({"2026-03-08 07:00:00"})) << "from one second before the gap";
    EXPECT_EQ(runs(s, "2026-03-08 07:00:00", 1), Runs({"2026-03-09 06:30:00"})) << "strictly after";
}

TEST(ScheduleDstNewYork, FixedHoursAroundTheGapFireOnceEach) {
    EXPECT_EQ(runs(Schedule::cron("30 1-3 * * *", "America/New_York"), "2026-03-08 00:00:00", 4),
              Runs({"2026-03-08 06:30:00", "2026-03-08 07:00:00", "2026-03-08 07:30:00", "2026-03-09 05:30:00"}));
    EXPECT_EQ(runs(Schedule::cron("0 1-3 * * *", "America/New_York"), "2026-03-08 00:00:00", 3),
              Runs({"2026-03-08 06:00:00", "2026-03-08 07:00:00", "2026-03-09 05:00:00"}))
        << "02:00 (skipped) and 03:00 EDT are the same instant: one firing";
    EXPECT_EQ(runs(Schedule::cron("*/20 2 * * *", "America/New_York"), "2026-03-08 00:00:00", 2),
              Runs({"2026-03-08 07:00:00", "2026-03-09 06:00:00"}))
        << "the whole 02:xx hour is skipped: one firing after the gap";
}

TEST(ScheduleDstNewYork, WildcardHourKeepsItsRealTimeRhythmThroughTheGap) {
    EXPECT_EQ(runs(Schedule::cron("*/15 * * * *", "America/New_York"), "2026-03-08 06:40:00", 3),
              Runs({"2026-03-08 06:45:00", "2026-03-08 07:00:00", "2026-03-08 07:15:00"}));
    EXPECT_EQ(runs(Schedule::cron("30 * * * *", "America/New_York"), "2026-03-08 06:00:00", 2),
              Runs({"2026-03-08 06:30:00", "2026-03-08 07:30:00"}))
        << "01:30 EST, then 03:30 EDT: no instant reads 02:30";
    EXPECT_EQ(runs(Schedule::cron("* * * * *", "America/New_York"), "2026-03-08 06:58:00", 3),
              Runs({"2026-03-08 06:59:00", "2026-03-08 07:00:00", "2026-03-08 07:01:00"}));
}

TEST(ScheduleDstNewYork, FixedTimeRepeatedInTheFallFiresAtItsFirstOccurrence) {
    const auto s = Schedule::cron("30 1 * * *", "America/New_York");
    EXPECT_EQ(runs(s, "2026-10-31 12:00:00", 2), Runs({"2026-11-01 05:30:00", "2026-11-02 06:30:00"}))
        << "01:30 EDT, not 01:30 EST; then 01:30 EST the next day";
    EXPECT_EQ(runs(s, "2026-11-01 05:30:00", 1), Runs({"2026-11-02 06:30:00"}));
    EXPECT_EQ(runs(Schedule::cron("*/30 1 * * *", "America/New_York"), "2026-11-01 00:00:00", 3),
              Runs({"2026-11-01 05:00:00", "2026-11-01 05:30:00", "2026-11-02 06:00:00"}));
    EXPECT_EQ(runs(Schedule::cron("0 2 * * *", "America/New_York"), "2026-11-01 00:00:00", 1),
              Runs({"2026-11-01 07:00:00"}))
        << "02:00 EST happens once";
}

TEST(ScheduleDstNewYork, WildcardHourFiresAtBothOccurrencesOfTheRepeatedHour) {
    EXPECT_EQ(runs(Schedule::cron("*/30 * * * *", "America/New_York"), "2026-11-01 04:50:00", 5),
              Runs({"2026-11-01 05:00:00", "2026-11-01 05:30:00", "2026-11-01 06:00:00", "2026-11-01 06:30:00",
                    "2026-11-01 07:00:00"}));
    EXPECT_EQ(runs(Schedule::cron("0 * * * *", "America/New_York"), "2026-11-01 04:30:00", 3),
              Runs({"2026-11-01 05:00:00", "2026-11-01 06:00:00", "2026-11-01 07:00:00"}));
}

// Europe/Berlin 2026: 03-29 02:00 CET (+1) -> 03:00 CEST (+2) at 01:00Z; 10-25 03:00 CEST -> 02:00 CET at 01:00Z.
TEST(ScheduleDstBerlin, SpringForward) {
    EXPECT_EQ(runs(Schedule::cron("30 2 * * *", "Europe/Berlin"), "2026-03-28 12:00:00", 2),
              Runs({"2026-03-29 01:00:00", "2026-03-30 00:30:00"}));
    EXPECT_EQ(runs(Schedule::cron("*/20 * * * *", "Europe/Berlin"), "2026-03-29 00:30:00", 3),
              Runs({"2026-03-29 00:40:00", "2026-03-29 01:00:00", "2026-03-29 01:20:00"}));
    EXPECT_EQ(runs(Schedule::cron("0 3 * * *", "Europe/Berlin"), "2026-03-28 12:00:00", 1),
              Runs({"2026-03-29 01:00:00"}));
}

TEST(ScheduleDstBerlin, FallBack) {
    EXPECT_EQ(runs(Schedule::cron("30 2 * * *", "Europe/Berlin"), "2026-10-24 12:00:00", 2),
              Runs({"2026-10-25 00:30:00", "2026-10-26 01:30:00"}));
    EXPECT_EQ(runs(Schedule::cron("*/30 * * * *", "Europe/Berlin"), "2026-10-24 23:50:00", 5),
              Runs({"2026-10-25 00:00:00", "2026-10-25 00:30:00", "2026-10-25 01:00:00", "2026-10-25 01:30:00",
                    "2026-10-25 02:00:00"}));
    EXPECT_EQ(runs(Schedule::cron("0 3 * * *", "Europe/Berlin"), "2026-10-24 12:00:00", 1),
              Runs({"2026-10-25 02:00:00"}));
}

// Australia/Lord_Howe 2026 (30-minute shifts): 04-05 02:00 (+11) -> 01:30 (+10:30) at 04-04 15:00Z;
// 10-04 02:00 (+10:30) -> 02:30 (+11) at 10-03 15:30Z.
TEST(ScheduleDstLordHowe, HalfHourFallBack) {
    EXPECT_EQ(runs(Schedule::cron("45 1 * * *", "Australia/Lord_Howe"), "2026-04-04 00:00:00", 2),
              Runs({"2026-04-04 14:45:00", "2026-04-05 15:15:00"}))
        << "01:45 +11 (first of two), then 01:45 +10:30 the next day";
    EXPECT_EQ(runs(Schedule::cron("0 2 * * *", "Australia/Lord_Howe"), "2026-04-04 00:00:00", 1),
              Runs({"2026-04-04 15:30:00"}))
        << "02:00 is shown once, at +10:30";
    EXPECT_EQ(runs(Schedule::cron("*/15 * * * *", "Australia/Lord_Howe"), "2026-04-04 14:40:00", 4),
              Runs({"2026-04-04 14:45:00", "2026-04-04 15:00:00", "2026-04-04 15:15:00", "2026-04-04 15:30:00"}));
    EXPECT_EQ(runs(Schedule::cron("0 * * * *", "Australia/Lord_Howe"), "2026-04-04 13:30:00", 2),
              Runs({"2026-04-04 14:00:00", "2026-04-04 15:30:00"}))
        << "01:00 +11, then 02:00 +10:30; no instant reads 01:00 twice";
}

TEST(ScheduleDstLordHowe, HalfHourSpringForward) {
    EXPECT_EQ(runs(Schedule::cron("15 2 * * *", "Australia/Lord_Howe"), "2026-10-03 00:00:00", 2),
              Runs({"2026-10-03 15:30:00", "2026-10-04 15:15:00"}))
        << "02:15 is skipped: 02:30 +11, then 02:15 +11 the next day";
    EXPECT_EQ(runs(Schedule::cron("30 2 * * *", "Australia/Lord_Howe"), "2026-10-03 00:00:00", 2),
              Runs({"2026-10-03 15:30:00", "2026-10-04 15:30:00"}));
    EXPECT_EQ(runs(Schedule::cron("*/15 * * * *", "Australia/Lord_Howe"), "2026-10-03 15:10:00", 3),
              Runs({"2026-10-03 15:15:00", "2026-10-03 15:30:00", "2026-10-03 15:45:00"}))
        << "01:45 +10:30, 02:30 +11, 02:45 +11";
    EXPECT_EQ(runs(Schedule::cron("0 * * * *", "Australia/Lord_Howe"), "2026-10-03 14:00:00", 2),
              Runs({"2026-10-03 14:30:00", "2026-10-03 16:00:00"}))
        << "01:00 +10:30, then 03:00 +11: 02:00 is skipped";
}

TEST(ScheduleZones, UtcAndFixedOffsetZones) {
    EXPECT_EQ(runs(Schedule::cron("30 2 * * *"), "2026-03-08 00:00:00", 2),
              Runs({"2026-03-08 02:30:00", "2026-03-09 02:30:00"}));
    EXPECT_EQ(runs(Schedule::cron("30 2 * * *", "Asia/Kolkata"), "2026-03-08 00:00:00", 1),
              Runs({"2026-03-08 21:00:00"}));
    EXPECT_EQ(runs(Schedule::cron("0 0 * * *", "Etc/GMT+5"), "2026-03-08 00:00:00", 1), Runs({"2026-03-08 05:00:00"}));
}

TEST(ScheduleZones, UnknownZonesAreRefused) {
    EXPECT_TRUE(isTimeZone("UTC"));
    EXPECT_TRUE(isTimeZone("Europe/Berlin"));
    EXPECT_TRUE(isTimeZone("Australia/Lord_Howe"));
    EXPECT_FALSE(isTimeZone("Mars/Olympus_Mons"));
    EXPECT_FALSE(isTimeZone(""));
    EXPECT_FALSE(isTimeZone("../../etc/passwd"));
    EXPECT_FALSE(isTimeZone("europe/berlin")) << "IANA names are case-sensitive";
    EXPECT_THROW(Schedule::cron("* * * * *", "Europe/Berln"), UnknownTimeZone);
    EXPECT_THROW(Schedule::interval(std::chrono::seconds(60), "Nowhere"), UnknownTimeZone);
}

TEST(ScheduleInterval, FiresAtMultiplesOfTheIntervalSinceTheEpoch) {
    const auto s = Schedule::interval(std::chrono::seconds(900), "Europe/Berlin");
    EXPECT_EQ(runs(s, "2026-03-29 00:58:20", 3),
              Runs({"2026-03-29 01:00:00", "2026-03-29 01:15:00", "2026-03-29 01:30:00"}))
        << "daylight saving does not matter";
    EXPECT_EQ(runs(s, "2026-03-29 01:00:00", 1), Runs({"2026-03-29 01:15:00"})) << "strictly after";
    EXPECT_EQ(runs(Schedule::interval(std::chrono::seconds(7 * 86400)), "2026-03-08 00:00:00", 1),
              Runs({"2026-03-12 00:00:00"}))
        << "1970-01-01 was a Thursday";
    EXPECT_EQ(runs(Schedule::interval(std::chrono::seconds(7000)), "1970-01-01 00:00:00", 2),
              Runs({"1970-01-01 01:56:40", "1970-01-01 03:53:20"}));
    EXPECT_EQ(Schedule::interval(std::chrono::seconds(60)).next(chr::sys_seconds(chr::seconds(-90))),
              chr::sys_seconds(chr::seconds(-60)));
    EXPECT_THROW(Schedule::interval(std::chrono::seconds(0)), std::invalid_argument);
    EXPECT_EQ(s.interval(), std::chrono::seconds(900));
    EXPECT_EQ(s.cronExpression(), nullptr);
    EXPECT_EQ(s.timeZone(), "Europe/Berlin");
}

TEST(ScheduleFormat, LocalTimesCarryTheirUtcOffset) {
    EXPECT_EQ(Schedule::cron("@daily", "Europe/Berlin").formatLocal(utc("2026-11-28 02:30:00")),
              "2026-11-28 03:30:00 +01:00");
    EXPECT_EQ(Schedule::cron("@daily", "Europe/Berlin").formatLocal(utc("2026-07-01 02:30:00")),
              "2026-07-01 04:30:00 +02:00");
    EXPECT_EQ(Schedule::cron("@daily", "America/New_York").formatLocal(utc("2026-11-01 06:30:00")),
              "2026-11-01 01:30:00 -05:00");
    EXPECT_EQ(Schedule::cron("@daily", "Australia/Lord_Howe").formatLocal(utc("2026-04-04 15:00:00")),
              "2026-04-05 01:30:00 +10:30");
    EXPECT_EQ(Schedule::cron("@daily").formatLocal(utc("2026-04-04 15:00:00")), "2026-04-04 15:00:00 +00:00");
}

}  // namespace
}  // namespace syncline::schedule
