#include <gtest/gtest.h>

#include "engine/config/config.h"
#include "jobs/pull_jobs.h"

namespace syncline::jobs {
namespace {

// [schedule.<job>] is checked against config::knownJobs(), which cannot see this registry: they must agree.
TEST(JobRegistry, ScheduledJobNamesAreThePullJobsAndTheOrderJobs) {
    const auto& known = config::knownJobs();
    const auto& pull = pullJobs();
    ASSERT_EQ(known.size(), pull.size() + 2);
    for (std::size_t i = 0; i < pull.size(); ++i) {
        EXPECT_EQ(known[i].name, pull[i].name);
        EXPECT_EQ(known[i].stream, pull[i].entity.stream) << pull[i].name;
    }
    EXPECT_EQ(known[pull.size()].name, "order_push");
    EXPECT_EQ(known[pull.size() + 1].name, "order_status");
    EXPECT_TRUE(known[pull.size()].stream.empty());
}

}  // namespace
}  // namespace syncline::jobs
