#include "engine/schedule/job_schedule.h"

#include <gtest/gtest.h>

namespace syncline::schedule {
namespace {

JobSchedule job(std::string name, std::vector<std::string> after) {
    return JobSchedule{std::move(name), Schedule::cron("*/15 * * * *"), Misfire::RunOnce, 3, std::chrono::seconds(30),
                       std::move(after)};
}

TEST(JobSchedule, MisfirePoliciesReadAndWrite) {
    EXPECT_EQ(parseMisfire("run_once"), Misfire::RunOnce);
    EXPECT_EQ(parseMisfire("skip"), Misfire::Skip);
    EXPECT_EQ(parseMisfire("later"), std::nullopt);
    EXPECT_EQ(toString(Misfire::RunOnce), "run_once");
    EXPECT_EQ(toString(Misfire::Skip), "skip");
}

TEST(JobSchedule, DefaultsAreEnabledIncrementalWithThreeRetries) {
    const auto j = job("catalog", {});
    EXPECT_TRUE(j.enabled);
    EXPECT_FALSE(j.full);
    EXPECT_EQ(j.retries, 3);
    EXPECT_EQ(j.retry_backoff, std::chrono::seconds(30));
    EXPECT_EQ(j.misfire, Misfire::RunOnce);
}

TEST(JobSchedule, AfterCycleFindsTheCycle) {
    EXPECT_TRUE(afterCycle({job("catalog", {}), job("prices", {"catalog"}), job("stock", {"catalog"})}).empty());
    EXPECT_TRUE(afterCycle({job("prices", {"catalog"})}).empty()) << "a job without a schedule is a leaf";
    EXPECT_EQ(afterCycle({job("catalog", {"catalog"})}), std::vector<std::string>({"catalog", "catalog"}));
    EXPECT_EQ(afterCycle({job("catalog", {"stock"}), job("prices", {"catalog"}), job("stock", {"prices"})}),
              std::vector<std::string>({"catalog", "stock", "prices", "catalog"}));
    EXPECT_EQ(afterCycle({job("order_push", {}), job("prices", {"stock"}), job("stock", {"customers"}),
                          job("customers", {"stock"})}),
              std::vector<std::string>({"stock", "customers", "stock"}));
}

}  // namespace
}  // namespace syncline::schedule
