// The pull pipeline against real webstores (SQLite and PostgreSQL), fed by an in-memory source
// behind the Connector interface (tests/support/memory_connector.h), so every edge case (ties, rejects, failures
// mid-run) is exact. The same pipeline with the real ODBC connector and real faults is in sync_run_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <map>

#include "engine/store/migrator.h"
#include "engine/sync/batch_writer.h"
#include "engine/sync/pull_pipeline.h"
#include "jobs/pull_jobs.h"
#include "tests/support/memory_connector.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using connector::Error;
using connector::ErrorKind;
using connector::PullMode;
using connector::RecordBatch;
using connector::Result;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using ::testing::HasSubstr;

using Row = std::vector<std::optional<std::string>>;
const std::vector<std::string> kFields = {"sku", "name", "unit", "list_price", "currency", "erp_modified"};

Row product(const std::string& sku, const std::string& price, const std::string& modified,
            const std::string& currency = "EUR") {
    return {sku, "Item " + sku, "PCE", price, currency, modified};
}

std::string stamp(std::chrono::system_clock::time_point time) {
    const std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return buf;
}

class PullPipelineTest : public ::testing::TestWithParam<store::Backend> {
  protected:
    void SetUp() override {
        store::ConnectionSettings settings;
        if (GetParam() == store::Backend::SQLite) {
            settings.sqlite_path = dir_.file("webstore.db");
        } else {
            pg_ = std::make_unique<testing::TestPostgres>();
            database_ = pg_->createDatabase("pull");
            settings = pg_->settings(database_);
        }
        store_ = store::Webstore::open(settings);
        store::Migrator(*store_).migrate();
    }
    void TearDown() override {
        store_.reset();
        if (pg_) {
            pg_->dropDatabase(database_);
        }
    }

    sync::PullResult pull(bool full = false, bool dry_run = false) {
        sync::PullOptions options;
        options.job = "catalog";
        options.node = "test";
        options.mode = full ? PullMode::Full : PullMode::Incremental;
        options.dry_run = dry_run;
        options.overlap_seconds = 60;
        options.clock = clock_;
        options.future_tolerance_s = tolerance_s_;
        return sync::PullPipeline(*store_, erp_, jobs::findPullJob("catalog")->entity).run(options);
    }

    // sku → list_price of the active products in the webstore.
    std::map<std::string, std::string> activeProducts() {
        std::vector<std::string> skus;
        std::vector<std::string> prices;
        store_->session() << "SELECT sku, CAST(list_price AS TEXT) FROM products WHERE active = " +
                                 std::string(GetParam() == store::Backend::SQLite ? "1" : "TRUE") + " ORDER BY sku",
            into(skus), into(prices), now;
        std::map<std::string, std::string> out;
        for (std::size_t i = 0; i < skus.size(); ++i) {
            out[skus[i]] = prices[i];
        }
        return out;
    }

    long count(const std::string& sql) {
        Poco::Int64 n = 0;
        store_->session() << sql, into(n), now;
        return static_cast<long>(n);
    }

    // The engine's clock for the watermark cap: 2026-12-01 12:00:00 UTC unless a test moves it.
    std::chrono::system_clock::time_point now_ =
        std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{12};
    std::function<std::chrono::system_clock::time_point()> clock_ = [this] { return now_; };
    int tolerance_s_ = 3600;

    testing::TempDir dir_;
    std::unique_ptr<testing::TestPostgres> pg_;
    std::string database_;
    std::unique_ptr<store::Webstore> store_;
    testing::MemoryConnector erp_{kFields};
};

TEST_P(PullPipelineTest, FirstPullAppliesEverythingAndASecondAppliesNothing) {
    for (int i = 1; i <= 7; ++i) {
        erp_.rows.push_back(
            product("A" + std::to_string(i), std::to_string(i) + ".50", "2026-11-01 10:00:0" + std::to_string(i)));
    }
    auto r = pull();
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_TRUE(r.full) << "no watermark yet: the first pull is full";
    EXPECT_EQ(r.counts.read, 7);
    EXPECT_EQ(r.counts.applied, 7);
    EXPECT_EQ(activeProducts().size(), 7u);
    EXPECT_EQ(r.watermark_after, "2026-11-01 10:00:07");
    EXPECT_EQ(count("SELECT COUNT(*) FROM job_runs WHERE status = 'succeeded' AND rows_applied = 7"), 1);

    r = pull(true);
    EXPECT_EQ(r.counts.applied, 0);
    EXPECT_EQ(r.counts.unchanged, 7);
}

// A key the ERP returns twice in one run, in different batches: the first row is applied, the second rejected,
// whether the run is a first load (found by the stored-state look-up it otherwise skips) or a later full pull
// (found by the run's key set). Before, the record flipped between the two rows on every full pull.
TEST_P(PullPipelineTest, AKeyRepeatedInALaterBatchIsRejectedAndTheFirstRowWins) {
    for (int i = 1; i <= 6; ++i) {
        erp_.rows.push_back(product("A" + std::to_string(i), std::to_string(i), "2026-11-01 10:00:00"));
    }
    erp_.rows.push_back(product("A2", "20", "2026-11-01 10:00:00"));  // batch 3 of 3 rows: behind what was written
    for (const bool again : {false, true}) {
        const auto r = pull(true);
        EXPECT_EQ(r.status, "completed_with_rejects");
        EXPECT_EQ(r.counts.applied, again ? 0 : 6);
        EXPECT_EQ(r.counts.rejected, 1);
        EXPECT_EQ(r.counts.deactivated, 0);
        EXPECT_THAT(activeProducts().at("A2"), ::testing::StartsWith("2"));
        EXPECT_THAT(activeProducts().at("A2"), ::testing::Not(::testing::StartsWith("20")));
        EXPECT_EQ(count("SELECT COUNT(*) FROM rejects WHERE entity_key = 'A2' AND reason LIKE '%more than once%' "
                        "AND run_id = " +
                        std::to_string(r.run_id)),
                  1);
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity_key = 'A2'"), 1) << "inserted once, never flipped";
}

// D3: one bad value in the ERP must not take a record out of the shop at the next full pull. The rejected row's
// key counts as seen: the record keeps its last good values, and the reject says why.
TEST_P(PullPipelineTest, AFullPullKeepsARecordWhoseNewRowIsInvalid) {
    for (int i = 1; i <= 5; ++i) {
        erp_.rows.push_back(product("A" + std::to_string(i), "1" + std::to_string(i), "2026-11-01 10:00:00"));
    }
    pull(true);
    erp_.rows[2] = product("A3", "-1", "2026-11-02 10:00:00");  // a typo in the ERP
    erp_.rows[3] = product("", "14", "2026-11-02 10:00:00");    // A4's key lost: not a row of A4 any more
    const auto r = pull(true);
    EXPECT_EQ(r.status, "completed_with_rejects");
    EXPECT_EQ(r.counts.rejected, 2);
    EXPECT_EQ(r.counts.deactivated, 1) << "A4 only: a row without its key cannot vouch for it";
    const auto active = activeProducts();
    ASSERT_EQ(active.count("A3"), 1u) << "still in the shop";
    EXPECT_THAT(active.at("A3"), ::testing::StartsWith("13")) << "with its last good price";
    EXPECT_EQ(active.count("A4"), 0u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM rejects WHERE entity_key = 'A3' AND field = 'list_price'"), 1);
}

// D5: a row older than the stored one (by erp_modified) never overwrites it; the reject says why.
TEST_P(PullPipelineTest, ARowOlderThanTheStoredOneIsNotApplied) {
    erp_.rows = {product("A1", "10", "2026-11-01 10:00:00"), product("A2", "20", "2026-11-01 10:00:00")};
    pull(true);
    erp_.rows[0] = product("A1", "99", "2020-01-01 00:00:00");  // a stale copy of the row
    erp_.rows[1] = product("A2", "21", "2026-11-02 10:00:00");
    const auto r = pull(true);
    EXPECT_EQ(r.status, "completed_with_rejects");
    EXPECT_EQ(r.counts.applied, 1);
    EXPECT_EQ(r.counts.deactivated, 0);
    EXPECT_THAT(activeProducts().at("A1"), ::testing::StartsWith("10"));
    EXPECT_THAT(activeProducts().at("A2"), ::testing::StartsWith("21"));
    EXPECT_EQ(count("SELECT COUNT(*) FROM rejects WHERE entity_key = 'A1' AND field = 'erp_modified' AND reason LIKE "
                    "'%older than the webstore%2020-01-01 00:00:00%2026-11-01 10:00:00%'"),
              1);
}

// Stock is keyed by two columns: the managed rows page in (sku, warehouse) order and a full pull deactivates the
// one pair the ERP no longer has, not its neighbours sharing a sku or a warehouse.
TEST_P(PullPipelineTest, StockKeyedBySkuAndWarehousePagesAndDeactivatesByBothColumns) {
    testing::MemoryConnector erp({"sku", "warehouse", "quantity", "erp_modified"});
    for (const auto& [sku, warehouse] : std::vector<std::pair<std::string, std::string>>{
             {"A1", "W1"}, {"A1", "W2"}, {"A2", "W1"}, {"A2", "W2"}, {"B1", "W1"}, {"B1", "W3"}}) {
        erp.rows.push_back({sku, warehouse, "5", "2026-11-01 10:00:00"});
    }
    const auto& entity = jobs::findPullJob("stock")->entity;
    sync::PullOptions options;
    options.job = "stock";
    options.node = "test";
    options.mode = PullMode::Full;
    ASSERT_EQ(sync::PullPipeline(*store_, erp, entity).run(options).counts.applied, 6);

    sync::BatchWriter writer(*store_, entity, {});
    std::vector<std::string> paged;
    for (std::string after;;) {
        const auto page = writer.activeKeysAfter(after, 4);
        paged.insert(paged.end(), page.begin(), page.end());
        if (page.size() < 4) {
            break;
        }
        after = page.back();
    }
    const auto key = [](const std::string& sku, const std::string& warehouse) {
        return sync::BatchWriter::joinKey({sku, warehouse});
    };
    EXPECT_EQ(paged, (std::vector<std::string>{key("A1", "W1"), key("A1", "W2"), key("A2", "W1"), key("A2", "W2"),
                                               key("B1", "W1"), key("B1", "W3")}));
    EXPECT_EQ(writer.activeCount(), 6);

    erp.rows.erase(erp.rows.begin() + 1);  // A1/W2 is gone from the ERP
    const auto r = sync::PullPipeline(*store_, erp, entity).run(options);
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_EQ(r.counts.deactivated, 1);
    const std::string yes = GetParam() == store::Backend::SQLite ? "1" : "TRUE";
    EXPECT_EQ(count("SELECT COUNT(*) FROM stock_levels WHERE active = " + yes), 5);
    EXPECT_EQ(count("SELECT COUNT(*) FROM stock_levels WHERE sku = 'A1' AND warehouse = 'W2' AND active <> " + yes +
                    " AND sync_hash = 'deactivated'"),
              1);
    EXPECT_EQ(writer.activeCount(), 5);
}

TEST_P(PullPipelineTest, RowsWithoutAChangeTimeAreApplied) {
    erp_.rows = {{"A1", "Item", "PCE", "1", "EUR", std::nullopt}};
    const auto r = pull(true);
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_EQ(r.counts.applied, 1);
    EXPECT_FALSE(r.watermark_after) << "no change time, no watermark: the next pull is full again";
}

TEST_P(PullPipelineTest, MoneyIsStoredExactly) {
    erp_.rows = {product("A1", "1234567.123456", "2026-11-01 10:00:00"), product("A2", "0.1", "2026-11-01 10:00:00")};
    pull();
    const auto products = activeProducts();
    EXPECT_THAT(products.at("A1"), ::testing::StartsWith("1234567.123456"));
    EXPECT_THAT(products.at("A2"), ::testing::StartsWith("0.1"));
}

TEST_P(PullPipelineTest, IncrementalPullDoesNotLoseRowsSharingOrTrailingTheBoundaryTimestamp) {
    erp_.rows = {product("A1", "1", "2026-11-01 10:00:00"), product("A2", "2", "2026-11-01 10:00:05")};
    EXPECT_EQ(pull().counts.applied, 2);
    // Committed late in the ERP: one with the boundary timestamp, one 30 s before it (inside the overlap).
    erp_.rows.push_back(product("A3", "3", "2026-11-01 10:00:05"));
    erp_.rows.push_back(product("A4", "4", "2026-11-01 10:00:00"));
    const auto r = pull();
    EXPECT_FALSE(r.full);
    EXPECT_EQ(r.watermark_before, "2026-11-01 10:00:05");
    EXPECT_EQ(erp_.last_watermark, "2026-11-01 09:59:05") << "the watermark minus the 60 s overlap";
    EXPECT_EQ(r.counts.applied, 2);
    EXPECT_EQ(r.counts.unchanged, 2) << "A1 and A2 were re-read by the overlap and cost nothing";
    EXPECT_EQ(activeProducts().size(), 4u);
}

TEST_P(PullPipelineTest, BadRecordsAreRejectedWithFieldAndReasonAndTheRestIsApplied) {
    erp_.rows = {product("OK1", "10", "2026-11-01 10:00:00"),        product("NEG", "-1", "2026-11-01 10:00:00"),
                 product("NAN", "NaN", "2026-11-01 10:00:00"),       product("BAD", "12,5.3", "2026-11-01 10:00:00"),
                 product("CUR", "10", "2026-11-01 10:00:00", "EUX"), product("", "10", "2026-11-01 10:00:00"),
                 product("OK2", "20", "2026-11-01 10:00:00"),        product("OK2", "21", "2026-11-01 10:00:00")};
    erp_.batch_size = 100;
    const auto r = pull();
    EXPECT_EQ(r.status, "completed_with_rejects");
    EXPECT_EQ(r.counts.applied, 2);
    EXPECT_EQ(r.counts.rejected, 6);
    EXPECT_EQ(activeProducts(), (std::map<std::string, std::string>{{"OK1", activeProducts().at("OK1")},
                                                                    {"OK2", activeProducts().at("OK2")}}));
    std::vector<std::string> keys, fields, reasons, raws;
    store_->session() << "SELECT entity_key, field, reason, raw FROM rejects WHERE run_id = " +
                             std::to_string(r.run_id) + " ORDER BY reject_id",
        into(keys), into(fields), into(reasons), into(raws), now;
    ASSERT_EQ(keys.size(), 6u);
    std::map<std::string, std::pair<std::string, std::string>> by_key;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        by_key[keys[i]] = {fields[i], reasons[i]};
    }
    EXPECT_EQ(by_key["NEG"].first, "list_price");
    EXPECT_EQ(by_key["NAN"].first, "list_price");
    EXPECT_EQ(by_key["BAD"].first, "list_price");
    EXPECT_EQ(by_key["CUR"].first, "currency");
    EXPECT_EQ(by_key[""].first, "sku");
    EXPECT_THAT(by_key["OK2"].second, HasSubstr("more than once in one run"));
    EXPECT_THAT(raws[0], HasSubstr("\"source\":\"ItemCode=NEG\""));
}

TEST_P(PullPipelineTest, FullPullDeactivatesMissingRowsButRefusesToEmptyTheShop) {
    for (int i = 0; i < 10; ++i) {
        erp_.rows.push_back(product("A" + std::to_string(i), "1", "2026-11-01 10:00:00"));
    }
    pull(true);
    erp_.rows.pop_back();  // A9 deleted in the ERP
    auto r = pull(true);
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_EQ(r.counts.deactivated, 1);
    EXPECT_EQ(activeProducts().size(), 9u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM products"), 10) << "deactivated, never deleted";

    erp_.rows.resize(2);  // the ERP view suddenly returns 2 of 9
    r = pull(true);
    EXPECT_EQ(r.status, "failed");
    ASSERT_TRUE(r.error);
    EXPECT_THAT(r.error->message, HasSubstr("would deactivate 7 of 9 products"));
    EXPECT_EQ(activeProducts().size(), 9u) << "nothing deactivated";
    EXPECT_EQ(count("SELECT COUNT(*) FROM job_runs WHERE status = 'failed' AND error_kind = 'data' AND run_id = " +
                    std::to_string(r.run_id)),
              1)
        << "the refused run is recorded as failed, with why";

    erp_.rows.push_back(product("A9", "1", "2026-11-01 10:00:00"));  // comes back: active again
    for (int i = 2; i < 9; ++i) {
        erp_.rows.push_back(product("A" + std::to_string(i), "1", "2026-11-01 10:00:00"));
    }
    r = pull(true);
    EXPECT_EQ(activeProducts().size(), 10u);
}

// A connector's field names become column names in the webstore's SQL: whatever a plug-in or a service sends, only the
// stream's canonical fields are taken. An SQL fragment as a field name stops the run before anything is written.
TEST_P(PullPipelineTest, AFieldThatIsNoCanonicalFieldIsRefusedBeforeAnythingIsWritten) {
    testing::MemoryConnector hostile({"sku", "name", "unit", "list_price", "currency", "name = 'x' --"});
    hostile.rows = {{"A1", "One", "EA", "1", "EUR", "y"}};
    sync::PullOptions options;
    options.job = "catalog";
    options.node = "test";
    options.mode = PullMode::Full;
    const auto r = sync::PullPipeline(*store_, hostile, jobs::findPullJob("catalog")->entity).run(options);
    EXPECT_EQ(r.status, "failed");
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->kind, connector::ErrorKind::Config);
    EXPECT_THAT(r.error->message, HasSubstr("delivers the field 'name = 'x' --', which is no field of stream 'products'"));
    EXPECT_EQ(count("SELECT COUNT(*) FROM products"), 0);

    testing::MemoryConnector keyless({"name", "unit", "list_price", "currency"});
    keyless.rows = {{"One", "EA", "1", "EUR"}};
    const auto k = sync::PullPipeline(*store_, keyless, jobs::findPullJob("catalog")->entity).run(options);
    ASSERT_TRUE(k.error);
    EXPECT_THAT(k.error->message, HasSubstr("does not deliver the key field 'sku'"));
}

// D4: one row dated 2099 must not freeze incremental pulls. It is applied, reported, and the watermark stops at the
// cap (now plus the tolerance), so the next incremental pull still reads the changes made since.
TEST_P(PullPipelineTest, AFutureDatedRowDoesNotFreezeIncrementalPulls) {
    erp_.rows = {product("A1", "1", "2026-11-30 09:00:00"), product("A2", "2", "2099-01-01 00:00:00")};
    auto r = pull();
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_EQ(r.counts.applied, 2) << "the future-dated row is data like any other";
    EXPECT_EQ(r.counts.future_dated, 1);
    EXPECT_EQ(r.watermark_after, "2026-11-30 09:00:00");
    EXPECT_THAT(r.warning, HasSubstr("dated after 2026-12-01 13:00:00"));
    EXPECT_THAT(r.warning, HasSubstr("A2 at 2099-01-01 00:00:00"));
    EXPECT_EQ(
        count("SELECT COUNT(*) FROM job_runs WHERE warning LIKE '%2099%' AND run_id = " + std::to_string(r.run_id)), 1)
        << "an admin sees it in `syncline runs`";

    erp_.rows.push_back(product("A3", "3", "2026-12-01 11:00:00"));  // a change made after the first pull
    r = pull();
    EXPECT_FALSE(r.full);
    EXPECT_EQ(r.counts.applied, 1);
    EXPECT_EQ(activeProducts().count("A3"), 1u);
    EXPECT_EQ(r.watermark_after, "2026-12-01 11:00:00");
}

// A watermark already stored in the future (by a version without the cap, or a clock set back) is not trusted:
// the run reads in full, says so, and stores a watermark within the cap.
TEST_P(PullPipelineTest, AWatermarkInTheFutureIsRepairedByAFullRead) {
    erp_.rows = {product("A1", "1", "2026-11-30 09:00:00"), product("A2", "2", "2099-01-01 00:00:00")};
    now_ = std::chrono::sys_days{std::chrono::year{2100} / 1 / 1};  // the row was not future-dated then
    EXPECT_EQ(pull().watermark_after, "2099-01-01 00:00:00");
    now_ = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{12};
    erp_.rows.push_back(product("A3", "3", "2026-12-01 11:00:00"));
    const auto r = pull();
    EXPECT_TRUE(r.full);
    EXPECT_THAT(r.warning, HasSubstr("stored watermark 2099-01-01 00:00:00 lies in the future"));
    EXPECT_EQ(activeProducts().count("A3"), 1u);
    EXPECT_EQ(r.watermark_after, "2026-12-01 11:00:00");
}

// Fault matrix: the engine's clock 5 minutes behind or ahead of the ERP's, with no tolerance at all. Rows the ERP
// dates "in the future" by the engine's clock are applied at once; the watermark waits for the clock, and no
// change is ever lost.
TEST_P(PullPipelineTest, ClockSkewOfFiveMinutesLosesNoChange) {
    tolerance_s_ = 0;
    const auto erp_now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + std::chrono::hours{12};
    int minute = 0;
    for (const auto skew : {std::chrono::minutes{-5}, std::chrono::minutes{5}}) {
        for (int step = 0; step < 3; ++step, ++minute) {
            const auto changed = erp_now + std::chrono::minutes{minute};
            const std::string sku = "S" + std::to_string(minute);
            erp_.rows.push_back(product(sku, "1", stamp(changed)));
            now_ = changed + skew;
            const auto r = pull();
            EXPECT_EQ(r.status, "succeeded");
            EXPECT_EQ(activeProducts().count(sku), 1u) << "skew " << skew.count() << " min, step " << step;
            if (skew.count() > 0) {
                EXPECT_EQ(r.watermark_after, stamp(changed)) << "an ERP behind the engine moves the watermark";
            } else if (r.watermark_after) {
                EXPECT_LE(*r.watermark_after, stamp(now_)) << "never past the engine's now";
            }
        }
    }
    EXPECT_EQ(activeProducts().size(), 6u);
}

// D17: a full disk is a condition that passes. The run fails as transient (so `syncline run` exits 75 and the
// daemon retries it), with whole batches kept; once there is room, the next run completes. SQLite's
// max_page_count gives a disk that fills up at a known size.
TEST_P(PullPipelineTest, AFullDiskFailsTheRunAsTransientAndKeepsWholeBatches) {
    if (GetParam() != store::Backend::SQLite) {
        GTEST_SKIP() << "a size cap is SQLite's (PRAGMA max_page_count)";
    }
    for (int i = 0; i < 3000; ++i) {
        erp_.rows.push_back(product("A" + std::to_string(10000 + i), "1.25", "2026-11-01 10:00:00"));
    }
    erp_.batch_size = 500;
    Poco::Int64 pages = 0;
    store_->session() << "PRAGMA page_count", into(pages), now;
    store_->session() << "PRAGMA max_page_count = " + std::to_string(pages + 20), now;
    try {
        pull();
        ADD_FAILURE() << "the pull did not hit the cap";
    } catch (const Poco::Exception& e) {
        EXPECT_TRUE(store::isStorageExhausted(e)) << e.displayText();
    }
    const auto kept = count("SELECT COUNT(*) FROM products");
    EXPECT_GT(kept, 0) << "the cap leaves room for a batch or more";
    EXPECT_LT(kept, 3000);
    EXPECT_EQ(kept % 500, 0) << "whole batches or nothing";
    EXPECT_EQ(count("SELECT COUNT(*) FROM job_runs WHERE status = 'failed' AND error_kind = 'transient'"), 1);
    EXPECT_EQ(count("SELECT rows_applied FROM job_runs"), kept) << "the run shows what its committed batches applied";

    store_->session() << "PRAGMA max_page_count = 1073741823", now;
    const auto r = pull();
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_EQ(activeProducts().size(), 3000u);
}

TEST_P(PullPipelineTest, DryRunReportsButCommitsNothing) {
    erp_.rows = {product("A1", "1", "2026-11-01 10:00:00"), product("A2", "2", "2026-11-01 10:00:00")};
    const auto r = pull(false, true);
    EXPECT_EQ(r.counts.applied, 2);
    EXPECT_TRUE(activeProducts().empty());
    EXPECT_EQ(count("SELECT COUNT(*) FROM products"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM sync_cursors"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM job_runs WHERE mode = 'dry_run' AND status = 'succeeded'"), 1);
    EXPECT_EQ(pull().counts.applied, 2);
}

TEST_P(PullPipelineTest, TransientFailureMidRunKeepsWholeBatchesAndTheNextRunCompletes) {
    for (int i = 0; i < 9; ++i) {
        erp_.rows.push_back(product("A" + std::to_string(i), "1", "2026-11-01 10:00:0" + std::to_string(i)));
    }
    erp_.fail_at_batch = 1;  // the first batch of 3 arrives, then the connection drops
    auto r = pull();
    EXPECT_EQ(r.status, "failed");
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->kind, ErrorKind::Transient);
    EXPECT_EQ(activeProducts().size(), 3u) << "whole batches or nothing";
    EXPECT_EQ(count("SELECT COUNT(*) FROM sync_cursors"), 0) << "the watermark did not move";

    erp_.fail_at_batch = -1;
    r = pull();
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_EQ(r.counts.applied, 6);
    EXPECT_EQ(r.counts.unchanged, 3);
    EXPECT_EQ(activeProducts().size(), 9u);
}

INSTANTIATE_TEST_SUITE_P(Backends, PullPipelineTest,
                         ::testing::Values(store::Backend::SQLite, store::Backend::PostgreSQL),
                         [](const auto& info) { return store::toString(info.param); });

}  // namespace
}  // namespace syncline
