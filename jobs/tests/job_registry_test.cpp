#include <gtest/gtest.h>

#include "engine/config/config.h"
#include "engine/connector/streams.h"
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

// The webstore keeps a currency with every price rule; a percentage without one is a reject, not a failed batch.
TEST(JobRegistry, APriceRuleWithoutACurrencyIsRejectedOnItsCurrencyField) {
    const auto& entity = findPullJob("prices")->entity;
    std::vector<std::string> fields;
    for (const auto& f : connector::streamFields("price_rules")) {
        fields.push_back(f.name);
    }
    std::vector<std::optional<std::string>> row = {"R1", "A1",         "everyone",   "",
                                                   "0",  std::nullopt, std::nullopt, "10",
                                                   "",   "2026-01-01", std::nullopt, std::nullopt};
    ASSERT_EQ(row.size(), fields.size());
    auto errors = entity.validate(sync::RowView(fields, row));
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors.front().field, "currency");
    row[8] = "EUR";
    EXPECT_TRUE(entity.validate(sync::RowView(fields, row)).empty());
}

}  // namespace
}  // namespace syncline::jobs
