#include "engine/schedule/cron_description.h"

#include <gtest/gtest.h>

#include "engine/schedule/schedule.h"

namespace syncline::schedule {
namespace {

std::string describe(const std::string& expression) {
    return describeCron(CronExpression::parse(expression));
}

TEST(CronDescription, SaysTheScheduleInWords) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"*/15 * * * *", "every 15 minutes"},
        {"30 2 * * *", "at 02:30 every day"},
        {"0 6 * * 1-5", "at 06:00 on Monday through Friday"},
        {"*/2 * * * * *", "every 2 seconds"},
        {"* * * * *", "every minute"},
        {"* * * * * *", "every second"},
        {"@hourly", "every hour"},
        {"30 * * * *", "every hour at minute 30"},
        {"5,35 * * * *", "at minutes 5 and 35 of every hour"},
        {"5/15 * * * *", "every 15 minutes from minute 5"},
        {"*/7 * * * *", "every 7 minutes from minute 0"},
        {"0 */2 * * *", "every 2 hours"},
        {"30 1/3 * * *", "every 3 hours from 01:30"},
        {"0 8-17 * * *", "every hour from 08:00 through 17:59"},
        {"*/15 8-17 * * MON-FRI", "every 15 minutes from 08:00 through 17:59 on Monday through Friday"},
        {"*/10 9,13 * * *", "every 10 minutes during hours 9 and 13"},
        {"0 8,12,18 * * *", "at 08:00, 12:00 and 18:00 every day"},
        {"30 0 2 * * *", "at 02:00:30 every day"},
        {"*/10 * 8 * * *", "every 10 seconds from 08:00 through 08:59"},
        {"0 0 13 * FRI", "at 00:00 on day 13 of the month or on Friday"},
        {"0 0 */2 * MON", "at 00:00 on every 2nd day of the month if it is a Monday"},
        {"0 0 * * SAT,SUN", "at 00:00 on Saturday and Sunday"},
        {"0 0 * * FRI-SUN", "at 00:00 on Friday through Sunday"},
        {"@weekly", "at 00:00 on Sunday"},
        {"@monthly", "at 00:00 on day 1 of the month"},
        {"0 0 1,15 * *", "at 00:00 on days 1 and 15 of the month"},
        {"@yearly", "at 00:00 on January 1"},
        {"0 0 29 2 *", "at 00:00 on February 29"},
        {"0 9 * 1-3 *", "at 09:00 every day in January through March"},
        {"*/5 * * JUL,AUG *", "every 5 minutes in July and August"},
    };
    for (const auto& [expression, words] : cases) {
        EXPECT_EQ(describe(expression), words) << expression;
    }
}

TEST(CronDescription, IntervalsUseTheLargestWholeUnit) {
    using std::chrono::seconds;
    EXPECT_EQ(describeInterval(seconds(1)), "every second");
    EXPECT_EQ(describeInterval(seconds(2)), "every 2 seconds");
    EXPECT_EQ(describeInterval(seconds(90)), "every 90 seconds");
    EXPECT_EQ(describeInterval(seconds(60)), "every minute");
    EXPECT_EQ(describeInterval(seconds(900)), "every 15 minutes");
    EXPECT_EQ(describeInterval(seconds(3600)), "every hour");
    EXPECT_EQ(describeInterval(seconds(5400)), "every 90 minutes");
    EXPECT_EQ(describeInterval(seconds(86400)), "every 24 hours");
    EXPECT_EQ(describeInterval(seconds(604800)), "every 7 days");
}

TEST(CronDescription, ScheduleDescribesItsCronOrInterval) {
    EXPECT_EQ(Schedule::cron("0 6 * * 1-5", "Europe/Berlin").describe(), "at 06:00 on Monday through Friday");
    EXPECT_EQ(Schedule::interval(std::chrono::seconds(60)).describe(), "every minute");
}

}  // namespace
}  // namespace syncline::schedule
