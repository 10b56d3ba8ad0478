// The order_push job's outbox logic on real webstores (SQLite and PostgreSQL) against an ERP held in memory behind
// the Connector interface, which can fail in every way a real one does: unreachable, refusing an order, committing
// and then losing the reply. The same job with the real ODBC connector and kill -9 is in order_push_e2e_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <map>
#include <mutex>
#include <thread>

#include "engine/audit/audit_log.h"
#include "engine/store/migrator.h"
#include "engine/sync/order_push.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using connector::Error;
using connector::ErrorKind;
using connector::Result;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using ::testing::HasSubstr;

// An ERP with a unique reference field: pushOrder of a key it already has is refused, like SORH.ExtRef UNIQUE.
class MemoryErp : public connector::Connector {
  public:
    std::string kind() const override { return "memory"; }
    std::vector<std::string> streams() const override { return {}; }
    Result<std::string> check() override { return std::string("memory"); }
    bool incremental(const std::string&) const override { return false; }
    Result<std::unique_ptr<connector::PullSession>> open(const std::string&, const connector::OpenRequest&) override {
        return Error{ErrorKind::Config, "", "no streams"};
    }
    bool exportsOrders() const override { return true; }

    Result<std::optional<std::string>> findOrder(const std::string& key) override {
        std::lock_guard lock(mutex_);
        ++finds;
        if (unreachable) {
            return Error{ErrorKind::Transient, "08001", "could not connect"};
        }
        const auto it = orders.find(key);
        return it == orders.end() ? std::optional<std::string>() : std::optional<std::string>(it->second.first);
    }

    Result<std::string> pushOrder(const model::Order& order, const std::string& key) override {
        std::lock_guard lock(mutex_);
        ++pushes;
        if (unreachable) {
            return Error{ErrorKind::Transient, "08001", "could not connect"};
        }
        for (const auto& line : order.lines) {
            if (line.sku == refused_sku) {
                return Error{ErrorKind::Data, "23503",
                             "line " + std::to_string(line.line_no) + ": item " + line.sku + " is not in the ERP"};
            }
        }
        if (orders.count(key)) {
            return Error{ErrorKind::Data, "23505", "duplicate key value violates unique constraint on ExtRef"};
        }
        const std::string doc = std::to_string(100001 + orders.size());
        orders[key] = {doc, order};
        if (lose_next_reply) {
            lose_next_reply = false;
            return Error{ErrorKind::Transient, "08S01", "connection lost during COMMIT: the outcome is unknown"};
        }
        return doc;
    }

    std::map<std::string, std::pair<std::string, model::Order>> orders;  // key -> document number, order
    bool unreachable = false;
    bool lose_next_reply = false;
    std::string refused_sku;
    int finds = 0;
    int pushes = 0;

  private:
    std::mutex mutex_;
};

class OrderPushTest : public ::testing::TestWithParam<store::Backend> {
  protected:
    void SetUp() override {
        if (GetParam() == store::Backend::SQLite) {
            settings_.sqlite_path = dir_.file("webstore.db");
        } else {
            pg_ = std::make_unique<testing::TestPostgres>();
            database_ = pg_->createDatabase("push");
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

    // An order as a storefront places it, with `lines` lines of sku S1, S2, ...
    void place(const std::string& id, int lines = 2, const std::string& first_sku = "S1") {
        exec("INSERT INTO orders (order_id, customer_code, currency, status, placed_at, updated_at) VALUES ('" + id +
             "', 'C1', 'EUR', 'placed', '2026-11-27T10:00:00Z', '2026-11-27T10:00:00Z')");
        for (int l = 1; l <= lines; ++l) {
            const std::string sku = l == 1 ? first_sku : "S" + std::to_string(l);
            exec("INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price) VALUES ('" + id + "', " +
                 std::to_string(l) + ", '" + sku + "', '2', '12.50')");
        }
    }

    sync::PushResult push(const std::string& node = "node-a") {
        sync::PushOptions options;
        options.node = node;
        options.batch = 3;
        options.max_attempts = 3;
        return sync::OrderPush(*store_, erp_).run(options);
    }

    std::string column(const std::string& id, const std::string& column) {
        std::vector<Poco::Nullable<std::string>> v;
        store_->session() << "SELECT CAST(" + column + " AS TEXT) FROM orders WHERE order_id = '" + id + "'", into(v),
            now;
        return v.empty() || v.front().isNull() ? "" : v.front().value();
    }

    long count(const std::string& sql) {
        Poco::Int64 n = 0;
        store_->session() << sql, into(n), now;
        return static_cast<long>(n);
    }

    void exec(const std::string& sql) { store_->session() << sql, now; }

    void makeDue() { exec("UPDATE orders SET next_attempt_at = NULL"); }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestPostgres> pg_;
    std::string database_;
    store::ConnectionSettings settings_;
    std::unique_ptr<store::Webstore> store_;
    MemoryErp erp_;
};

TEST_P(OrderPushTest, EachPlacedOrderIsExportedOnceWithItsDocumentNumberAndAnAuditRow) {
    for (int i = 1; i <= 7; ++i) {
        place("W-" + std::to_string(i));
    }
    auto r = push();
    EXPECT_EQ(r.status, "succeeded");
    EXPECT_EQ(r.counts.claimed, 7) << "three rounds of 3";
    EXPECT_EQ(r.counts.exported, 7);
    EXPECT_EQ(erp_.orders.size(), 7u);
    EXPECT_EQ(column("W-1", "status"), "exported");
    EXPECT_EQ(column("W-1", "erp_doc_number"), erp_.orders["W-1"].first);
    EXPECT_EQ(column("W-1", "attempts"), "1");
    EXPECT_NE(column("W-1", "exported_at"), "");
    const auto& pushed = erp_.orders["W-1"].second;
    ASSERT_EQ(pushed.lines.size(), 2u);
    EXPECT_EQ(pushed.lines[1].unit_price.toString(), "12.5");
    EXPECT_EQ(pushed.customer_code, "C1");
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE entity = 'order' AND action = 'export'"), 7);
    EXPECT_TRUE(audit::AuditLog(*store_).verify().ok);

    r = push();
    EXPECT_EQ(r.counts.claimed, 0);
    EXPECT_EQ(erp_.pushes, 7);
}

TEST_P(OrderPushTest, AnUnreachableErpKeepsOrdersQueuedWithBackoffAndTheRunFailsAsTransient) {
    place("W-1");
    erp_.unreachable = true;
    auto r = push();
    EXPECT_EQ(r.status, "failed");
    ASSERT_TRUE(r.error);
    EXPECT_EQ(r.error->kind, ErrorKind::Transient);
    EXPECT_EQ(column("W-1", "status"), "placed");
    EXPECT_THAT(column("W-1", "last_error"), HasSubstr("could not connect"));
    EXPECT_NE(column("W-1", "next_attempt_at"), "") << "not due again at once";
    EXPECT_EQ(push().counts.claimed, 0) << "backoff: nothing due";
    erp_.unreachable = false;
    makeDue();
    r = push();
    EXPECT_EQ(r.counts.exported, 1);
    EXPECT_EQ(column("W-1", "attempts"), "2");
}

TEST_P(OrderPushTest, ALostReplyAfterTheErpCommittedIsReconciledNeverPushedTwice) {
    place("W-1");
    erp_.lose_next_reply = true;
    const auto r = push();
    EXPECT_EQ(r.counts.already_in_erp, 1);
    EXPECT_EQ(erp_.pushes, 1);
    EXPECT_EQ(erp_.orders.size(), 1u);
    EXPECT_EQ(column("W-1", "status"), "exported");
    EXPECT_EQ(column("W-1", "erp_doc_number"), erp_.orders["W-1"].first);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'export_reconciled'"), 1);
}

TEST_P(OrderPushTest, AnOrderTheErpHasAlreadyIsNotPushedAgain) {
    place("W-1");
    erp_.orders["W-1"] = {"99999", model::Order{}};  // the engine died after the ERP commit, before the update
    EXPECT_EQ(push().counts.already_in_erp, 1);
    EXPECT_EQ(erp_.pushes, 0);
    EXPECT_EQ(column("W-1", "erp_doc_number"), "99999");
}

TEST_P(OrderPushTest, ARefusedOrderNeedsAttentionWithTheErpsMessageAndRetryRequeuesIt) {
    place("W-1", 2, "UNKNOWN");
    place("W-2");
    erp_.refused_sku = "UNKNOWN";
    const auto r = push();
    EXPECT_EQ(r.status, "completed_with_rejects");
    EXPECT_EQ(r.counts.exported, 1);
    EXPECT_EQ(r.counts.needs_attention, 1);
    EXPECT_EQ(column("W-1", "status"), "needs_attention");
    EXPECT_THAT(column("W-1", "last_error"), HasSubstr("line 1: item UNKNOWN is not in the ERP"));
    EXPECT_EQ(push().counts.claimed, 0) << "it waits for an admin";

    EXPECT_FALSE(sync::OrderPush::retry(*store_, "W-2", "user:alice")) << "exported orders are not requeued";
    erp_.refused_sku.clear();  // the item was created in the ERP
    EXPECT_TRUE(sync::OrderPush::retry(*store_, "W-1", "user:alice"));
    EXPECT_EQ(column("W-1", "attempts"), "0");
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'retry' AND actor = 'user:alice'"), 1);
    EXPECT_EQ(push().counts.exported, 1);
    EXPECT_EQ(column("W-1", "status"), "exported");
}

TEST_P(OrderPushTest, TransientFailuresGiveUpAfterMaxAttempts) {
    place("W-1");
    erp_.unreachable = true;
    for (int i = 0; i < 3; ++i) {
        makeDue();
        push();
    }
    EXPECT_EQ(column("W-1", "status"), "needs_attention");
    EXPECT_THAT(column("W-1", "last_error"), HasSubstr("gave up after 3 attempts"));
}

TEST_P(OrderPushTest, ClaimsOfADeadProcessAreTakenBackButALiveClaimIsLeftAlone) {
    place("W-1");
    place("W-2");
    exec("UPDATE orders SET status = 'claimed', claimed_by = 'node-a:999999999', claimed_at = '" +
         store::Webstore::utcNow() + "' WHERE order_id = 'W-1'");
    exec("UPDATE orders SET status = 'claimed', claimed_by = 'node-b:1', claimed_at = '" + store::Webstore::utcNow() +
         "' WHERE order_id = 'W-2'");
    const auto r = push("node-a");
    EXPECT_EQ(r.counts.exported, 1);
    EXPECT_EQ(column("W-1", "status"), "exported");
    EXPECT_EQ(column("W-2", "status"), "claimed") << "another node's fresh claim";
    exec("UPDATE orders SET claimed_at = '2026-01-01T00:00:00Z' WHERE order_id = 'W-2'");
    EXPECT_EQ(push("node-a").counts.exported, 1) << "an expired claim is taken back";
}

TEST_P(OrderPushTest, TwoEnginesPushingAtOnceExportEveryOrderExactlyOnce) {
    for (int i = 1; i <= 40; ++i) {
        place("W-" + std::to_string(i), 1);
    }
    auto run = [&](const std::string& node) {
        auto store = store::Webstore::open(settings_);
        sync::PushOptions options;
        options.node = node;
        options.batch = 2;
        sync::OrderPush(*store, erp_).run(options);
    };
    std::thread a(run, "node-a");
    std::thread b(run, "node-b");
    a.join();
    b.join();
    EXPECT_EQ(erp_.orders.size(), 40u);
    EXPECT_EQ(erp_.pushes, 40) << "no order was pushed twice";
    EXPECT_EQ(count("SELECT COUNT(*) FROM orders WHERE status = 'exported'"), 40);
    EXPECT_TRUE(audit::AuditLog(*store_).verify().ok) << "the two appenders did not fork the chain";
}

TEST(Backoff, DoublesFromTheBaseUpToTheCapWithJitter) {
    EXPECT_EQ(sync::backoffSeconds(1, 30, 3600, 1.0), 30);
    EXPECT_EQ(sync::backoffSeconds(2, 30, 3600, 1.0), 60);
    EXPECT_EQ(sync::backoffSeconds(4, 30, 3600, 1.0), 240);
    EXPECT_EQ(sync::backoffSeconds(20, 30, 3600, 1.0), 3600);
    EXPECT_EQ(sync::backoffSeconds(1, 30, 3600, 0.5), 15);
    EXPECT_EQ(sync::backoffSeconds(1, 30, 3600, 0.1), 15) << "jitter is at least half";
}

INSTANTIATE_TEST_SUITE_P(Backends, OrderPushTest, ::testing::Values(store::Backend::SQLite, store::Backend::PostgreSQL),
                         [](const auto& info) {
                             return info.param == store::Backend::SQLite ? "sqlite" : "postgresql";
                         });

}  // namespace
}  // namespace syncline
