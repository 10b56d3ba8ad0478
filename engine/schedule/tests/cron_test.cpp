#include "engine/schedule/cron.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace syncline::schedule {
namespace {

namespace chr = std::chrono;
using ::testing::HasSubstr;

chr::local_seconds at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    return chr::local_days(chr::year(y) / mo / d) + chr::hours(h) + chr::minutes(mi) + chr::seconds(s);
}

std::vector<int> setBits(const auto& bits) {
    std::vector<int> out;
    for (std::size_t i = 0; i < bits.size(); ++i) {
        if (bits[i]) {
            out.push_back(static_cast<int>(i));
        }
    }
    return out;
}

TEST(CronParse, FiveFieldsFireOnSecondZero) {
    const auto e = CronExpression::parse("30 2 * * *");
    EXPECT_FALSE(e.hasSecondsField());
    EXPECT_EQ(setBits(e.seconds()), std::vector<int>({0}));
    EXPECT_EQ(setBits(e.minutes()), std::vector<int>({30}));
    EXPECT_EQ(setBits(e.hours()), std::vector<int>({2}));
    EXPECT_TRUE(e.matches(at(2026, 5, 17, 2, 30)));
    EXPECT_FALSE(e.matches(at(2026, 5, 17, 2, 30, 1)));
    EXPECT_FALSE(e.matches(at(2026, 5, 17, 3, 30)));
}

TEST(CronParse, SixFieldsLeadWithSeconds) {
    const auto e = CronExpression::parse("*/20 0 12 * * *");
    EXPECT_TRUE(e.hasSecondsField());
    EXPECT_EQ(setBits(e.seconds()), std::vector<int>({0, 20, 40}));
    EXPECT_EQ(setBits(e.minutes()), std::vector<int>({0}));
    EXPECT_TRUE(e.matches(at(2026, 1, 1, 12, 0, 40)));
    EXPECT_FALSE(e.matches(at(2026, 1, 1, 12, 0, 30)));
    EXPECT_EQ(e.nextMatch(at(2026, 1, 1, 12, 0, 41), at(2027, 1, 1)), at(2026, 1, 2, 12, 0, 0));
}

TEST(CronParse, ListsRangesAndSteps) {
    EXPECT_EQ(setBits(CronExpression::parse("*/15 * * * *").minutes()), std::vector<int>({0, 15, 30, 45}));
    EXPECT_EQ(setBits(CronExpression::parse("1-10/2 * * * *").minutes()), std::vector<int>({1, 3, 5, 7, 9}));
    EXPECT_EQ(setBits(CronExpression::parse("5/20 * * * *").minutes()), std::vector<int>({5, 25, 45}))
        << "N/S runs from N to the end of the field";
    EXPECT_EQ(setBits(CronExpression::parse("0 1,2,5-7,22-23/1 * * *").hours()),
              std::vector<int>({1, 2, 5, 6, 7, 22, 23}));
    EXPECT_EQ(setBits(CronExpression::parse("0 0 */10 * *").daysOfMonth()), std::vector<int>({1, 11, 21, 31}));
    EXPECT_EQ(setBits(CronExpression::parse("0 0 * */4 *").months()), std::vector<int>({1, 5, 9}));
    EXPECT_EQ(setBits(CronExpression::parse("0 0 * * */2").daysOfWeek()), std::vector<int>({0, 2, 4, 6}));
}

TEST(CronParse, MonthAndDayNamesInAnyCase) {
    const auto e = CronExpression::parse("0 0 * jan-Mar,DEC mon-WED,fri");
    EXPECT_EQ(setBits(e.months()), std::vector<int>({1, 2, 3, 12}));
    EXPECT_EQ(setBits(e.daysOfWeek()), std::vector<int>({1, 2, 3, 5}));
    EXPECT_EQ(CronExpression::parse("0 0 * * Sat/1").daysOfWeek(), CronExpression::parse("0 0 * * 6").daysOfWeek());
}

TEST(CronParse, DayOfWeekZeroAndSevenAreSunday) {
    EXPECT_EQ(CronExpression::parse("0 0 * * 7"), CronExpression::parse("0 0 * * 0"));
    EXPECT_EQ(CronExpression::parse("0 0 * * SUN"), CronExpression::parse("0 0 * * 0"));
    EXPECT_EQ(setBits(CronExpression::parse("0 0 * * FRI-SUN").daysOfWeek()), std::vector<int>({0, 5, 6}));
    EXPECT_EQ(setBits(CronExpression::parse("0 0 * * 5-7").daysOfWeek()), std::vector<int>({0, 5, 6}));
    EXPECT_EQ(setBits(CronExpression::parse("0 0 * * 0-7").daysOfWeek()), std::vector<int>({0, 1, 2, 3, 4, 5, 6}));
    // 2026-05-17 is a Sunday.
    EXPECT_TRUE(CronExpression::parse("0 0 * * 7").matches(at(2026, 5, 17)));
}

TEST(CronParse, MacrosExpandToTheirExpressions) {
    const std::vector<std::pair<std::string, std::string>> macros = {
        {"@hourly", "0 * * * *"},  {"@daily", "0 0 * * *"},  {"@midnight", "0 0 * * *"}, {"@weekly", "0 0 * * 0"},
        {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@Daily", "0 0 * * *"}};
    for (const auto& [macro, expression] : macros) {
        const auto e = CronExpression::parse(macro);
        EXPECT_EQ(e, CronExpression::parse(expression)) << macro;
        EXPECT_EQ(e.text(), macro);
        EXPECT_EQ(e.format(), expression) << macro;
    }
    EXPECT_TRUE(CronExpression::parse("@hourly").wildcardHour());
    EXPECT_FALSE(CronExpression::parse("@daily").wildcardHour());
}

TEST(CronParse, TextIsTrimmedAndFieldsMaySeparateWithTabs) {
    const auto e = CronExpression::parse("  0\t6  * * 1-5 ");
    EXPECT_EQ(e.text(), "0\t6  * * 1-5");
    EXPECT_EQ(e, CronExpression::parse("0 6 * * 1-5"));
}

struct BadExpression {
    std::string text;
    int column;
    std::string reason;
};

TEST(CronParse, ErrorsNameTheColumnAndTheProblem) {
    const std::vector<BadExpression> cases = {
        {"30 24 * * *", 4, "hour 24 out of range 0-23"},
        {"60 * * * *", 1, "minute 60 out of range 0-59"},
        {"0 0 0 * *", 5, "day of month 0 out of range 1-31"},
        {"0 0 * 13 *", 7, "month 13 out of range 1-12"},
        {"0 0 * * 8", 9, "day of week 8 out of range 0-7"},
        {"61 * * * * *", 1, "second 61 out of range 0-59"},
        {"0 0 1,32 * *", 7, "day of month 32 out of range 1-31"},
        {"99999999999 * * * *", 1, "minute 1000000000 out of range 0-59"},
        {"*/0 * * * *", 3, "minute step 0 is not allowed"},
        {"*/ * * * *", 3, "expected a step (a number) after '/'"},
        {"1- * * * *", 3, "expected a minute value"},
        {"5-1 * * * *", 1, "minute range 5-1 runs backwards"},
        {"0 0 * * MON-SUN/x", 17, "expected a step"},
        {"0 0 * FOO *", 7, "unknown month 'FOO'; use 1-12 or JAN-DEC"},
        {"0 0 * * MONDAY", 9, "unknown day of week 'MONDAY'"},
        {"MON * * * *", 1, "'MON' is not a minute number"},
        {"0 0 L * *", 5, "'L' is not a day of month number"},
        {"0 0 ? * *", 5, "'?' is not supported"},
        {"0 0 1#2 * *", 6, "unexpected '#' in the day of month field"},
        {"1,,2 * * * *", 3, "empty element"},
        {"1, * * * *", 3, "empty element"},
        {"*-5 * * * *", 2, "unexpected '-'"},
        {"* * * *", 8, "expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), found 4"},
        {"* * * * * * *", 13, "expected 5 or 6 fields, found 7"},
        {"", 1, "empty cron expression"},
        {"   ", 1, "empty cron expression"},
        {"  30 24 * * *", 6, "hour 24 out of range"},
        {"@often", 1, "unknown macro '@often'; allowed: @hourly"},
        {"@reboot", 1, "unknown macro '@reboot'"},
        {"@daily 5", 8, "nothing may follow @daily"},
        {"0 0 30 2 *", 5, "day of month '30' never occurs in month '2'"},
        {"0 0 31 APR,JUN,SEP,NOV *", 5, "never occurs"},
    };
    for (const auto& c : cases) {
        try {
            CronExpression::parse(c.text);
            ADD_FAILURE() << "'" << c.text << "' parsed";
        } catch (const CronParseError& e) {
            EXPECT_EQ(e.column(), c.column) << "'" << c.text << "': " << e.what();
            EXPECT_THAT(e.reason(), HasSubstr(c.reason)) << "'" << c.text << "'";
            EXPECT_EQ(std::string(e.what()), e.reason() + " at column " + std::to_string(c.column));
        }
    }
}

TEST(CronParse, ReadsTheExampleMessage) {
    try {
        CronExpression::parse("30 24 * * *");
        FAIL();
    } catch (const CronParseError& e) {
        EXPECT_STREQ(e.what(), "hour 24 out of range 0-23 at column 4");
    }
}

TEST(CronParse, DaysThatOccurOnlyInLeapYearsOrByWeekdayAreAccepted) {
    EXPECT_NO_THROW(CronExpression::parse("0 0 29 2 *"));
    EXPECT_NO_THROW(CronExpression::parse("0 0 30 2 MON")) << "the day of week fires it (either rule)";
    EXPECT_NO_THROW(CronExpression::parse("0 0 30,31 2,3 *"));
}

TEST(CronMatch, BothDayFieldsRestrictedMeansEitherMatches) {
    const auto e = CronExpression::parse("0 0 13 * FRI");
    EXPECT_FALSE(e.dayOfMonthUnrestricted());
    EXPECT_FALSE(e.dayOfWeekUnrestricted());
    EXPECT_TRUE(e.matches(at(2026, 3, 13))) << "Friday the 13th";
    EXPECT_TRUE(e.matches(at(2026, 4, 13))) << "a Monday, but the 13th";
    EXPECT_TRUE(e.matches(at(2026, 4, 17))) << "a Friday, not the 13th";
    EXPECT_FALSE(e.matches(at(2026, 4, 14)));
    EXPECT_EQ(e.nextMatch(at(2026, 4, 1), at(2027, 1, 1)), at(2026, 4, 3)) << "the first Friday of April";
}

TEST(CronMatch, OneDayFieldStarredMeansBothMustMatch) {
    const auto weekdays = CronExpression::parse("0 0 * * MON-FRI");
    EXPECT_TRUE(weekdays.matches(at(2026, 4, 17)));
    EXPECT_FALSE(weekdays.matches(at(2026, 4, 18))) << "Saturday";
    // As in Vixie cron, */2 counts as unrestricted, so the days must be odd AND Mondays.
    const auto odd_mondays = CronExpression::parse("0 0 */2 * MON");
    EXPECT_TRUE(odd_mondays.dayOfMonthUnrestricted());
    EXPECT_TRUE(odd_mondays.matches(at(2026, 4, 13)));
    EXPECT_FALSE(odd_mondays.matches(at(2026, 4, 20))) << "an even Monday";
    EXPECT_FALSE(odd_mondays.matches(at(2026, 4, 15))) << "an odd Wednesday";
    // A list with a range covering every day is restricted: either rule, so every day.
    EXPECT_TRUE(CronExpression::parse("0 0 1-31 * MON").matches(at(2026, 4, 15)));
}

TEST(CronMatch, NextMatchSkipsToTheNextValidDate) {
    const auto leap = CronExpression::parse("0 0 29 2 *");
    EXPECT_EQ(leap.nextMatch(at(2026, 3, 1), at(2100, 1, 1)), at(2028, 2, 29));
    EXPECT_EQ(leap.nextMatch(at(2096, 3, 1), at(2200, 1, 1)), at(2104, 2, 29)) << "2100 is not a leap year";
    EXPECT_EQ(leap.nextMatch(at(2026, 3, 1), at(2028, 2, 29)), std::nullopt) << "limit is exclusive";
    const auto last_days = CronExpression::parse("0 12 31 * *");
    EXPECT_EQ(last_days.nextMatch(at(2026, 4, 1), at(2027, 1, 1)), at(2026, 5, 31, 12));
    EXPECT_EQ(CronExpression::parse("* * * * *").nextMatch(at(2026, 12, 31, 23, 59, 1), at(2028, 1, 1)),
              at(2027, 1, 1));
    EXPECT_EQ(CronExpression::parse("59 23 31 12 *").nextMatch(at(2026, 1, 1), at(2028, 1, 1)),
              at(2026, 12, 31, 23, 59));
}

TEST(CronFormat, WritesACanonicalExpression) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"*/15 * * * *", "0,15,30,45 * * * *"},
        {"0 */2 * * *", "0 */2 * * *"},
        {"0 0-23 * * *", "0 0-23 * * *"},
        {"0 0 1-31 * MON", "0 0 1-31 * 1"},
        {"0 0 */2 * 0-7", "0 0 */2 * 0-6"},
        {"0 0 * * FRI-SUN", "0 0 * * 0,5-6"},
        {"0 0 * jan-dec *", "0 0 * * *"},
        {"* * * * * *", "* * * * * *"},
        {"5 4 3 2 1", "5 4 3 2 1"},
        {"0 0 */31 * *", "0 0 */31 * *"},
        {"1-3,5 * * * *", "1-3,5 * * * *"},
    };
    for (const auto& [text, canonical] : cases) {
        const auto e = CronExpression::parse(text);
        EXPECT_EQ(e.format(), canonical) << text;
        EXPECT_EQ(CronExpression::parse(e.format()), e) << text;
    }
}

}  // namespace
}  // namespace syncline::schedule
