// Job leases and firing claims (engine/lease) on real webstores: SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "engine/lease/lease.h"
#include "engine/store/migrator.h"
#include "engine/store/transaction.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using lease::Lease;
using lease::LeaseInfo;
using lease::LeaseStore;
using Poco::Data::Keywords::now;

Lease leaseOf(const std::variant<Lease, LeaseInfo>& v) {
    EXPECT_TRUE(std::holds_alternative<Lease>(v)) << "expected to get the lease";
    return std::holds_alternative<Lease>(v) ? std::get<Lease>(v) : Lease{};
}

class LeaseTest : public ::testing::TestWithParam<store::Backend> {
  protected:
    void SetUp() override {
        if (GetParam() == store::Backend::SQLite) {
            settings_.sqlite_path = dir_.file("webstore.db");
        } else {
            pg_ = std::make_unique<testing::TestPostgres>();
            database_ = pg_->createDatabase("lease");
            settings_ = pg_->settings(database_);
        }
        store_ = store::Webstore::open(settings_);
        store::Migrator(*store_).migrate();
    }
    void TearDown() override {
        store_.reset();
        if (pg_) {
            pg_->dropDatabase(database_);
        }
    }
    // Ends the job's lease by the database's clock, as if its holder stopped renewing long ago.
    void expire(const std::string& job) {
        const std::string past =
            GetParam() == store::Backend::SQLite ? "'2000-01-01T00:00:00Z'" : "TIMESTAMPTZ '2000-01-01 00:00:00+00'";
        store_->session() << "UPDATE job_leases SET expires_at = " + past + " WHERE job = '" + job + "'", now;
    }
    testing::TempDir dir_;
    std::unique_ptr<testing::TestPostgres> pg_;
    std::string database_;
    store::ConnectionSettings settings_;
    std::unique_ptr<store::Webstore> store_;
};

TEST_P(LeaseTest, OneHolderAtATimeAndEachAcquisitionGetsANewToken) {
    LeaseStore leases(*store_, std::chrono::seconds(30));
    const Lease a = leaseOf(leases.tryAcquire("catalog", "node-a:1"));
    EXPECT_EQ(a.token, 1);
    EXPECT_FALSE(a.taken_over);

    const auto second = leases.tryAcquire("catalog", "node-b:2");
    ASSERT_TRUE(std::holds_alternative<LeaseInfo>(second));
    EXPECT_EQ(std::get<LeaseInfo>(second).holder, "node-a:1");
    EXPECT_FALSE(std::get<LeaseInfo>(second).expired);
    EXPECT_FALSE(std::get<LeaseInfo>(second).expires_at.empty());

    // Another job is another lease.
    EXPECT_EQ(leaseOf(leases.tryAcquire("prices", "node-b:2")).token, 1);

    leases.release(a);
    const Lease b = leaseOf(leases.tryAcquire("catalog", "node-b:2"));
    EXPECT_EQ(b.token, 2);
    EXPECT_FALSE(b.taken_over) << "a released lease is not a takeover";
}

TEST_P(LeaseTest, AnExpiredLeaseIsTakenOverWithItsRunAndTheOldHolderIsFenced) {
    LeaseStore leases(*store_, std::chrono::seconds(30));
    const Lease a = leaseOf(leases.tryAcquire("catalog", "node-a:1"));
    leases.setRun(a, 42, "2026-11-28T03:30:00Z");
    EXPECT_TRUE(leases.renew(a));

    expire("catalog");
    const Lease b = leaseOf(leases.tryAcquire("catalog", "node-b:2"));
    EXPECT_EQ(b.token, 2);
    ASSERT_TRUE(b.taken_over);
    EXPECT_EQ(b.taken_over->holder, "node-a:1");
    EXPECT_EQ(b.taken_over->run_id, 42);
    EXPECT_EQ(b.taken_over->firing, "2026-11-28T03:30:00Z");

    // The old holder can neither renew nor commit.
    EXPECT_FALSE(leases.renew(a));
    {
        store::Transaction tx(*store_);
        try {
            leases.check(a);
            FAIL() << "the stale holder's commit was not fenced";
        } catch (const lease::LeaseLost& e) {
            EXPECT_NE(std::string(e.what()).find("held by node-b:2 (token 2)"), std::string::npos) << e.what();
        }
    }
    store::Transaction tx(*store_);
    EXPECT_NO_THROW(leases.check(b));
    tx.commit();

    // Releasing the stale lease does nothing to the new holder's.
    leases.release(a);
    const auto held = leases.tryAcquire("catalog", "node-c:3");
    ASSERT_TRUE(std::holds_alternative<LeaseInfo>(held));
    EXPECT_EQ(std::get<LeaseInfo>(held).holder, "node-b:2");
}

TEST_P(LeaseTest, AnExpiredLeaseNobodyTookIsStillRenewable) {
    LeaseStore leases(*store_, std::chrono::seconds(30));
    const Lease a = leaseOf(leases.tryAcquire("stock", "node-a:1"));
    expire("stock");
    EXPECT_TRUE(leases.renew(a));
    const auto held = leases.tryAcquire("stock", "node-b:2");
    ASSERT_TRUE(std::holds_alternative<LeaseInfo>(held)) << "the renewal must have extended the lease";
    EXPECT_FALSE(std::get<LeaseInfo>(held).expired);
}

TEST_P(LeaseTest, ALeaseOfADeadProcessOfThisNodeCanBeEndedAtOnce) {
    const pid_t child = ::fork();
    if (child == 0) {
        ::_exit(0);
    }
    ASSERT_GT(child, 0);
    ::waitpid(child, nullptr, 0);
    const std::string dead = "node-a:" + std::to_string(child);
    EXPECT_TRUE(lease::isDeadLocalHolder(dead, "node-a"));
    EXPECT_FALSE(lease::isDeadLocalHolder(dead, "node-b")) << "another node's holder is judged by its lease only";
    EXPECT_FALSE(lease::isDeadLocalHolder(lease::holderId("node-a"), "node-a")) << "this process is alive";
    EXPECT_FALSE(lease::isDeadLocalHolder("node-a:abc", "node-a"));

    LeaseStore leases(*store_, std::chrono::seconds(30));
    const Lease a = leaseOf(leases.tryAcquire("catalog", dead));
    leases.setRun(a, 7, "");
    const auto held = leases.tryAcquire("catalog", "node-a:1");
    ASSERT_TRUE(std::holds_alternative<LeaseInfo>(held));
    leases.expireNow(std::get<LeaseInfo>(held));
    const Lease b = leaseOf(leases.tryAcquire("catalog", "node-a:1"));
    ASSERT_TRUE(b.taken_over);
    EXPECT_EQ(b.taken_over->run_id, 7);
}

TEST_P(LeaseTest, EachFiringIsClaimedOnce) {
    LeaseStore leases(*store_, std::chrono::seconds(30));
    EXPECT_EQ(leases.lastTimeFiring("catalog"), "");
    EXPECT_TRUE(leases.claimFiring("catalog", "2026-11-28T03:30:00Z", "node-a", "ran"));
    EXPECT_FALSE(leases.claimFiring("catalog", "2026-11-28T03:30:00Z", "node-b", "ran"));
    EXPECT_TRUE(leases.claimFiring("catalog", "2026-11-28T03:45:00Z", "node-b", "skipped"));
    EXPECT_TRUE(leases.claimFiring("catalog", "after:stock:7", "node-b", "ran"));
    EXPECT_TRUE(leases.claimFiring("prices", "2026-11-28T03:30:00Z", "node-b", "ran"));
    EXPECT_EQ(leases.lastTimeFiring("catalog"), "2026-11-28T03:45:00Z");
}

TEST_P(LeaseTest, ManyNodesAtOnceGetOneLease) {
    std::atomic<int> won{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> nodes;
    for (int n = 0; n < 6; ++n) {
        nodes.emplace_back([&, n] {
            try {
                auto store = store::Webstore::open(settings_);
                LeaseStore leases(*store, std::chrono::seconds(30));
                for (int job = 0; job < 10; ++job) {
                    if (std::holds_alternative<Lease>(
                            leases.tryAcquire("job" + std::to_string(job), "node-" + std::to_string(n) + ":1"))) {
                        ++won;
                    }
                }
            } catch (const std::exception&) {
                ++errors;
            }
        });
    }
    for (auto& t : nodes) {
        t.join();
    }
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(won.load(), 10) << "each of the 10 jobs leased by exactly one node";
}

INSTANTIATE_TEST_SUITE_P(Backends, LeaseTest, ::testing::Values(store::Backend::SQLite, store::Backend::PostgreSQL),
                         [](const auto& info) { return std::string(store::toString(info.param)); });

// On PostgreSQL a holder's commit check locks the row: a node that finds the lease expired cannot take it over
// until that commit ends, so no commit ever lands after a takeover.
TEST(LeasePostgres, ATakeoverWaitsForTheHoldersCommitInFlight) {
    testing::TestPostgres pg;
    const auto database = pg.createDatabase("lease_share");
    {
        auto holder_store = store::Webstore::open(pg.settings(database));
        store::Migrator(*holder_store).migrate();
        auto other_store = store::Webstore::open(pg.settings(database));
        LeaseStore holder(*holder_store, std::chrono::seconds(30));
        LeaseStore other(*other_store, std::chrono::seconds(30));
        const Lease a = leaseOf(holder.tryAcquire("catalog", "node-a:1"));
        other_store->session() << "UPDATE job_leases SET expires_at = now() - INTERVAL '1 hour'", now;
        {
            store::Transaction tx(*holder_store);
            holder.check(a);
            const auto during = other.tryAcquire("catalog", "node-b:2");
            ASSERT_TRUE(std::holds_alternative<LeaseInfo>(during)) << "took over under a commit in flight";
            EXPECT_EQ(std::get<LeaseInfo>(during).holder, "node-a:1");
            tx.commit();
        }
        const auto after = other.tryAcquire("catalog", "node-b:2");
        ASSERT_TRUE(std::holds_alternative<Lease>(after));
        EXPECT_EQ(std::get<Lease>(after).token, 2);
    }
    pg.dropDatabase(database);
}

}  // namespace
}  // namespace syncline
