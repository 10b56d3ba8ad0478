// [schedule.<job>]: when the engine runs each job by itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "engine/config/config.h"

namespace syncline::config {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A webstore, an ERP with the products stream and [erp.orders] with a status query: catalog, order_push and
// order_status can be scheduled; stock, customers and prices cannot.
constexpr const char* kBase =
    "[webstore]\npath = \"w.db\"\n"
    "[erp]\ndsn = \"Erp\"\n"
    "[erp.streams.products]\nquery = \"SELECT * FROM ITMS\"\n"
    "[erp.streams.products.fields]\nsku = \"A\"\nname = \"B\"\nunit = \"C\"\nlist_price = \"D\"\ncurrency = \"E\"\n"
    "active = \"F\"\nerp_modified = \"G\"\n"
    "[erp.orders]\nfind_query = \"f\"\nheader = \"h\"\nline = \"l\"\nstatus_query = \"s\"\n";

// Lines of kBase, so tests can name the line of what they append.
int baseLines() {
    const std::string base = kBase;
    return static_cast<int>(std::count(base.begin(), base.end(), '\n'));
}

class ScheduleConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("syncline-schedule-config-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& schedules) {
        const auto path = (dir_ / "syncline.toml").string();
        std::ofstream(path) << kBase << schedules;
        return path;
    }

    std::vector<ConfigIssue> issuesOf(const std::string& schedules) {
        try {
            load(write(schedules));
        } catch (const ConfigError& e) {
            return e.issues();
        }
        return {};
    }

    std::map<std::string, ConfigIssue> issuesByKey(const std::string& schedules) {
        std::map<std::string, ConfigIssue> out;
        for (const auto& i : issuesOf(schedules)) {
            out[i.key] = i;
        }
        return out;
    }

    fs::path dir_;
};

TEST_F(ScheduleConfigTest, CronAndIntervalSchedulesLoadWithTheirDefaults) {
    const auto config =
        load(write("[schedule.order_push]\nevery_s = 60\n"
                   "[schedule.catalog]\ncron = \"*/15 * * * *\"\ntime_zone = \"Europe/Berlin\"\n"));
    ASSERT_EQ(config.schedules.size(), 2u);
    const auto& catalog = config.schedules[0];
    EXPECT_EQ(catalog.job, "catalog") << "in job order, not file order";
    EXPECT_EQ(catalog.schedule.describe(), "every 15 minutes");
    EXPECT_EQ(catalog.schedule.timeZone(), "Europe/Berlin");
    EXPECT_EQ(catalog.misfire, schedule::Misfire::RunOnce);
    EXPECT_EQ(catalog.retries, 3);
    EXPECT_EQ(catalog.retry_backoff, std::chrono::seconds(30));
    EXPECT_TRUE(catalog.after.empty());
    EXPECT_FALSE(catalog.full);
    EXPECT_TRUE(catalog.enabled);
    const auto* push = findSchedule(config, "order_push");
    ASSERT_NE(push, nullptr);
    EXPECT_EQ(push->schedule.interval(), std::chrono::seconds(60));
    EXPECT_EQ(push->schedule.timeZone(), "UTC");
    EXPECT_EQ(findSchedule(config, "stock"), nullptr) << "no table: runs only when asked";
}

TEST_F(ScheduleConfigTest, ReadsEveryKey) {
    const auto config = load(
        write("[schedule.catalog]\ncron = \"0 3 * * MON-FRI\"\ntime_zone = \"America/New_York\"\nmisfire = \"skip\"\n"
              "retries = 0\nretry_backoff_s = 3600\nfull = true\nenabled = false\n"
              "[schedule.order_status]\nevery_s = 604800\nafter = [\"order_push\", \"catalog\"]\nretries = 20\n"));
    ASSERT_EQ(config.schedules.size(), 2u);
    const auto& catalog = config.schedules[0];
    EXPECT_EQ(catalog.schedule.describe(), "at 03:00 on Monday through Friday");
    EXPECT_EQ(catalog.misfire, schedule::Misfire::Skip);
    EXPECT_EQ(catalog.retries, 0);
    EXPECT_EQ(catalog.retry_backoff, std::chrono::seconds(3600));
    EXPECT_TRUE(catalog.full);
    EXPECT_FALSE(catalog.enabled);
    const auto& status = config.schedules[1];
    EXPECT_EQ(status.after, std::vector<std::string>({"order_push", "catalog"}));
    EXPECT_EQ(status.retries, 20);
    EXPECT_EQ(status.schedule.describe(), "every 7 days");
}

TEST_F(ScheduleConfigTest, BadCronNamesTheValuesPositionAndTheColumnInTheExpression) {
    const auto issues = issuesOf("[schedule.catalog]\ncron = \"30 24 * * *\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "schedule.catalog.cron");
    EXPECT_EQ(issues[0].line, baseLines() + 2);
    EXPECT_EQ(issues[0].column, 8);
    EXPECT_EQ(issues[0].message, "invalid cron expression \"30 24 * * *\": hour 24 out of range 0-23 at column 4");
    EXPECT_THAT(issues[0].format(), HasSubstr("syncline.toml:" + std::to_string(baseLines() + 2) +
                                              ":8: key 'schedule.catalog.cron': invalid cron expression"));
}

TEST_F(ScheduleConfigTest, ExactlyOneOfCronAndEverySeconds) {
    auto issues = issuesOf("[schedule.catalog]\ncron = \"@hourly\"\nevery_s = 60\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "schedule.catalog.every_s");
    EXPECT_THAT(issues[0].message, HasSubstr("set either schedule.catalog.cron or schedule.catalog.every_s, not both"));
    issues = issuesOf("[schedule.catalog]\ntime_zone = \"UTC\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "schedule.catalog.cron");
    EXPECT_THAT(issues[0].message, HasSubstr("is required: set cron (a cron expression) or every_s"));
    EXPECT_EQ(issues[0].line, baseLines() + 1);
}

TEST_F(ScheduleConfigTest, TypesRangesAndAllowedValuesAreChecked) {
    auto by_key = issuesByKey(
        "[schedule.catalog]\nevery_s = 0\nmisfire = \"later\"\nretries = 21\nretry_backoff_s = 0\nfull = \"yes\"\n"
        "after = \"order_push\"\n"
        "[schedule.order_push]\nevery_s = 604801\nenabled = 1\n[schedule.order_status]\ncron = 5\n");
    EXPECT_THAT(by_key["schedule.catalog.every_s"].message, HasSubstr("0 is out of range; allowed: 1 to 604800"));
    EXPECT_THAT(by_key["schedule.catalog.misfire"].message,
                HasSubstr("'later' is not allowed; allowed: run_once, skip"));
    EXPECT_THAT(by_key["schedule.catalog.retries"].message, HasSubstr("allowed: 0 to 20"));
    EXPECT_THAT(by_key["schedule.catalog.retry_backoff_s"].message, HasSubstr("allowed: 1 to 3600"));
    EXPECT_THAT(by_key["schedule.catalog.full"].message, HasSubstr("must be true or false"));
    EXPECT_THAT(by_key["schedule.catalog.after"].message, HasSubstr("must be an array of strings"));
    EXPECT_THAT(by_key["schedule.order_push.every_s"].message, HasSubstr("out of range"));
    EXPECT_THAT(by_key["schedule.order_push.enabled"].message, HasSubstr("must be true or false"));
    EXPECT_THAT(by_key["schedule.order_status.cron"].message, HasSubstr("must be a string"));
    EXPECT_EQ(by_key["schedule.catalog.misfire"].line, baseLines() + 3);
}

TEST_F(ScheduleConfigTest, UnknownTimeZoneIsAnIssue) {
    const auto issues = issuesOf("[schedule.catalog]\ncron = \"@daily\"\ntime_zone = \"Europe/Berln\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "schedule.catalog.time_zone");
    EXPECT_EQ(issues[0].line, baseLines() + 3);
    EXPECT_THAT(issues[0].message, HasSubstr("unknown time zone 'Europe/Berln'"));
}

TEST_F(ScheduleConfigTest, UnknownJobsAndKeysAreRejected) {
    const auto by_key = issuesByKey("[schedule.pricing]\ncron = \"@daily\"\n[schedule.catalog]\ncrn = \"@daily\"\n");
    ASSERT_EQ(by_key.count("schedule.pricing"), 1u);
    EXPECT_THAT(by_key.at("schedule.pricing").message,
                HasSubstr("unknown job; allowed: catalog, stock, customers, prices, order_push, order_status"));
    ASSERT_EQ(by_key.count("schedule.catalog.crn"), 1u);
    EXPECT_THAT(by_key.at("schedule.catalog.crn").message, HasSubstr("did you mean 'cron'"));
}

TEST_F(ScheduleConfigTest, AfterNamesKnownJobsWithoutCycles) {
    auto by_key =
        issuesByKey("[schedule.catalog]\ncron = \"@daily\"\nafter = [\"order_push\", \"catalgo\", \"order_push\"]\n");
    ASSERT_EQ(by_key.size(), 1u);
    EXPECT_EQ(by_key["schedule.catalog.after"].column, 35) << "at the element";
    auto issues =
        issuesOf("[schedule.catalog]\ncron = \"@daily\"\nafter = [\"catalgo\", \"order_push\", \"order_push\"]\n");
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_THAT(issues[0].message, HasSubstr("unknown job 'catalgo'; allowed: catalog, stock"));
    EXPECT_THAT(issues[1].message, HasSubstr("'order_push' is listed twice"));
    issues = issuesOf(
        "[schedule.catalog]\ncron = \"@daily\"\nafter = [\"order_status\"]\n"
        "[schedule.order_push]\nevery_s = 60\nafter = [\"catalog\"]\n"
        "[schedule.order_status]\nevery_s = 60\nafter = [\"order_push\"]\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "schedule.order_push.after") << "the list that closes the cycle";
    EXPECT_EQ(issues[0].line, baseLines() + 6);
    EXPECT_THAT(issues[0].message,
                HasSubstr("cycle (catalog after order_status after order_push after catalog), so none of them"));
    issues = issuesOf("[schedule.catalog]\ncron = \"@daily\"\nafter = [\"catalog\"]\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_THAT(issues[0].message, HasSubstr("(catalog after catalog)"));
    EXPECT_NO_THROW(load(write("[schedule.catalog]\ncron = \"@daily\"\nafter = [\"prices\"]\n")))
        << "a job without a schedule may be waited for";
}

TEST_F(ScheduleConfigTest, AScheduledJobNeedsTheConfigToRun) {
    auto by_key = issuesByKey(
        "[schedule.stock]\ncron = \"@hourly\"\n"
        "[schedule.prices]\ncron = \"@hourly\"\nenabled = false\n"
        "[schedule.order_push]\nevery_s = 60\nfull = true\n");
    ASSERT_EQ(by_key.size(), 2u);
    EXPECT_THAT(by_key["schedule.stock"].message,
                HasSubstr("job 'stock' is scheduled but the config has no [erp.streams.stock] for it to run"));
    EXPECT_EQ(by_key["schedule.stock"].line, baseLines() + 1);
    EXPECT_THAT(by_key["schedule.order_push.full"].message, HasSubstr("is for the pull jobs"));
    const auto issues = issuesOf("");
    EXPECT_TRUE(issues.empty());
    const auto path = (dir_ / "no-orders.toml").string();
    std::ofstream(path) << "[webstore]\npath = \"w.db\"\n[schedule.order_push]\nevery_s = 60\n"
                        << "[schedule.order_status]\nevery_s = 60\n";
    try {
        load(path);
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        ASSERT_EQ(e.issues().size(), 2u);
        EXPECT_THAT(e.issues()[0].message, HasSubstr("no [erp.orders]"));
        EXPECT_THAT(e.issues()[1].message, HasSubstr("no erp.orders.status_query"));
    }
}

TEST(ScheduleConfigFiles, DemoAndExampleConfigsSchedule) {
    const auto demo = load(std::string(SYNCLINE_SOURCE_DIR) + "/config/demo.toml");
    ASSERT_NE(findSchedule(demo, "catalog"), nullptr);
    EXPECT_EQ(findSchedule(demo, "catalog")->schedule.timeZone(), "Europe/Berlin");
    ASSERT_NE(findSchedule(demo, "prices"), nullptr);
    EXPECT_EQ(findSchedule(demo, "prices")->after, std::vector<std::string>({"catalog"}));
    ASSERT_NE(findSchedule(demo, "order_push"), nullptr);
    EXPECT_EQ(findSchedule(demo, "order_push")->schedule.interval(), std::chrono::seconds(60));
    ::setenv("SYNCLINE_ERP_PASSWORD", "x", 0);
    const auto example = load(std::string(SYNCLINE_SOURCE_DIR) + "/config/syncline.example.toml");
    EXPECT_FALSE(example.schedules.empty());
}

}  // namespace
}  // namespace syncline::config
