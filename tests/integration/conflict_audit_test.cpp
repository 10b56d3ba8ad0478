// Conflict resolution and the audit chain (issue 4) on real webstores (SQLite and PostgreSQL): both
// sides edit the same records under each ownership policy, the manual queue round trip, one audit row
// per applied change, and tampering with the audit log by plain SQL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <fstream>

#include "engine/audit/audit_log.h"
#include "engine/store/migrator.h"
#include "engine/store/transaction.h"
#include "engine/sync/conflict_queue.h"
#include "engine/sync/pull_pipeline.h"
#include "jobs/pull_jobs.h"
#include "tests/support/memory_connector.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using conflict::Policy;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using ::testing::HasSubstr;
using Row = testing::MemoryConnector::Row;

const std::vector<std::string> kFields = {"sku",        "name",     "description", "unit",
                                          "list_price", "currency", "erp_modified"};

Row product(const std::string& sku, const std::string& name, const std::string& description, const std::string& price,
            const std::string& modified) {
    return {sku, name, description, "PCE", price, "EUR", modified};
}

class ConflictAuditTest : public ::testing::TestWithParam<store::Backend> {
  protected:
    void SetUp() override {
        store::ConnectionSettings settings;
        if (GetParam() == store::Backend::SQLite) {
            settings.sqlite_path = dir_.file("webstore.db");
        } else {
            pg_ = std::make_unique<testing::TestPostgres>();
            database_ = pg_->createDatabase("conflict");
            settings = pg_->settings(database_);
        }
        store_ = store::Webstore::open(settings);
        store::Migrator(*store_).migrate();
        ownership_ = conflict::Ownership::defaults();
        erp_.batch_size = 2;
    }
    void TearDown() override {
        store_.reset();
        if (pg_) {
            pg_->dropDatabase(database_);
        }
    }

    sync::PullResult pull(bool full = false) {
        sync::PullOptions options;
        options.job = "catalog";
        options.node = "test";
        options.mode = full ? connector::PullMode::Full : connector::PullMode::Incremental;
        options.overlap_seconds = 0;
        options.max_deactivate_percent = 100;
        options.ownership = &ownership_;
        const auto result = sync::PullPipeline(*store_, erp_, jobs::findPullJob("catalog")->entity).run(options);
        EXPECT_FALSE(result.error) << result.error->describe();
        return result;
    }

    // An edit made in the shop: the storefront writes the field and the row's updated_at.
    void shopEdit(const std::string& sku, const std::string& column, const std::string& value,
                  const std::string& at = "2026-11-20T00:00:00Z") {
        std::string v = value;
        std::string t = at;
        std::string k = sku;
        const std::string ts = GetParam() == store::Backend::SQLite ? "$2" : "CAST($2 AS TIMESTAMPTZ)";
        const std::string val =
            column == "list_price" && GetParam() == store::Backend::PostgreSQL ? "CAST($1 AS NUMERIC)" : "$1";
        store_->session() << "UPDATE products SET " + column + " = " + val + ", updated_at = " + ts + " WHERE sku = $3",
            Poco::Data::Keywords::use(v), Poco::Data::Keywords::use(t), Poco::Data::Keywords::use(k), now;
    }

    std::string field(const std::string& sku, const std::string& column) {
        std::string k = sku;
        std::string out;
        store_->session() << "SELECT CAST(" + column + " AS TEXT) FROM products WHERE sku = $1",
            Poco::Data::Keywords::use(k), into(out), now;
        if (column == "list_price") {
            return model::Decimal::parse(out)->toString();
        }
        return out;
    }

    long count(const std::string& sql) {
        Poco::Int64 n = 0;
        store_->session() << sql, into(n), now;
        return static_cast<long>(n);
    }

    void exec(const std::string& sql) { store_->session() << sql, now; }

    audit::AuditRow lastAudit(const std::string& sku) {
        audit::AuditFilter f;
        f.entity = "product";
        f.key = sku;
        f.limit = 1;
        const auto rows = audit::AuditLog(*store_).query(f);
        EXPECT_EQ(rows.size(), 1u);
        return rows.empty() ? audit::AuditRow{} : rows.front();
    }

    // Three products pulled once; the watermark is 2026-11-01 10:00:00.
    void seed() {
        erp_.rows = {product("A1", "Drill", "ERP text", "10", "2026-11-01 10:00:00"),
                     product("A2", "Saw", "ERP text", "20", "2026-11-01 10:00:00"),
                     product("A3", "Hammer", "ERP text", "30", "2026-11-01 10:00:00")};
        ASSERT_EQ(pull(true).counts.applied, 3);
    }

    // The ERP changes a row (a later erp_modified than the shop's edits unless told otherwise).
    void erpChange(std::size_t index, std::size_t column, const std::string& value,
                   const std::string& modified = "2026-11-25 10:00:00") {
        erp_.rows[index][column] = value;
        erp_.rows[index][6] = modified;
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestPostgres> pg_;
    std::string database_;
    std::unique_ptr<store::Webstore> store_;
    testing::MemoryConnector erp_{kFields};
    conflict::Ownership ownership_;
};

TEST_P(ConflictAuditTest, EveryAppliedChangeHasOneAuditRowInTheSameChainAndItVerifies) {
    seed();
    erpChange(0, 4, "11");
    erpChange(1, 1, "Hand saw");
    auto r = pull();
    EXPECT_EQ(r.counts.applied, 2);
    erp_.rows.pop_back();  // A3 is gone from the ERP
    r = pull(true);
    EXPECT_EQ(r.counts.deactivated, 1);

    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'insert'"), 3);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'update'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'deactivate'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 3 + 2 + 1);
    EXPECT_EQ(count("SELECT SUM(rows_applied) FROM job_runs"), 3 + 2 + 1) << "applied counts deactivations too";

    const auto price = lastAudit("A1");
    EXPECT_EQ(price.action, "update");
    EXPECT_EQ(price.actor, "run:2");
    EXPECT_THAT(price.changes, HasSubstr(R"("list_price":{"from":"10","to":"11"})"));
    EXPECT_THAT(price.changes, ::testing::Not(HasSubstr("\"name\""))) << "only the changed fields";

    const auto verdict = audit::AuditLog(*store_).verify();
    EXPECT_TRUE(verdict.ok) << verdict.why;
    EXPECT_EQ(verdict.rows, 6);
}

TEST_P(ConflictAuditTest, ErpOwnedFieldTakesTheErpValueOverAShopEdit) {
    seed();
    shopEdit("A1", "list_price", "99");
    erpChange(0, 4, "12");
    const auto r = pull();
    EXPECT_EQ(r.counts.applied, 1);
    EXPECT_EQ(field("A1", "list_price"), "12");
    EXPECT_THAT(lastAudit("A1").changes, HasSubstr(R"("list_price":{"from":"99","to":"12"})"));
}

TEST_P(ConflictAuditTest, StoreOwnedDescriptionKeepsTheShopEditWhileTheRestSyncs) {
    seed();
    shopEdit("A1", "description", "Enriched in the shop");
    erpChange(0, 2, "ERP text v2");
    erpChange(0, 1, "Cordless drill");
    erpChange(1, 2, "ERP text v2");  // A2: only the ERP changed it, so it passes
    const auto r = pull();
    EXPECT_EQ(r.counts.conflicted, 0) << "store resolves by itself; nothing is held";
    EXPECT_EQ(field("A1", "description"), "Enriched in the shop");
    EXPECT_EQ(field("A1", "name"), "Cordless drill");
    EXPECT_EQ(field("A2", "description"), "ERP text v2");
    const auto a1 = lastAudit("A1");
    EXPECT_THAT(
        a1.changes,
        HasSubstr(
            R"("conflict":{"base":"ERP text","erp":"ERP text v2","store":"Enriched in the shop","policy":"store","outcome":"store"})"));
    EXPECT_THAT(a1.changes, HasSubstr(R"("name":{"from":"Drill","to":"Cordless drill"})"));
}

// The conflict trap (issue 19): a field switched from erp to manual gets its base at the next pull even though the
// ERP did not change the record. Otherwise the shop's next edit looked like no edit (no base to compare with),
// and the ERP's next change overwrote it without a conflict.
TEST_P(ConflictAuditTest, AFieldSwitchedToManualGetsItsBaseAtTheNextPullWithoutAnErpChange) {
    seed();  // name is the ERP's
    ownership_.set("product", "name", Policy::Manual);
    // The admin's switch, then an incremental pull that finds nothing changed in the ERP: it reads in full once.
    const auto quiet = pull();
    EXPECT_TRUE(quiet.full);
    EXPECT_THAT(quiet.warning, HasSubstr("the ERP no longer owns name"));
    EXPECT_EQ(quiet.counts.applied, 0);
    EXPECT_EQ(quiet.counts.unchanged, 3);
    shopEdit("A1", "name", "Shop name");
    erpChange(0, 1, "ERP name v2");
    const auto r = pull();
    EXPECT_EQ(r.counts.conflicted, 1) << "held for an admin, not overwritten";
    EXPECT_EQ(field("A1", "name"), "Shop name");
    EXPECT_EQ(count("SELECT COUNT(*) FROM conflicts WHERE entity_key = 'A1' AND field = 'name'"), 1);
}

TEST_P(ConflictAuditTest, NewestPolicyTakesTheLaterChange) {
    ownership_.set("product", "name", Policy::Newest);
    seed();
    shopEdit("A1", "name", "Shop name, later", "2026-11-26T00:00:00Z");
    erpChange(0, 1, "ERP name, earlier", "2026-11-25 10:00:00");
    shopEdit("A2", "name", "Shop name, earlier", "2026-11-24T00:00:00Z");
    erpChange(1, 1, "ERP name, later", "2026-11-25 10:00:00");
    pull();
    EXPECT_EQ(field("A1", "name"), "Shop name, later");
    EXPECT_EQ(field("A2", "name"), "ERP name, later");
    EXPECT_THAT(lastAudit("A2").changes, HasSubstr(R"("policy":"newest","outcome":"erp")"));
}

TEST_P(ConflictAuditTest, ManualPolicyHoldsTheFieldUntilAnAdminDecidesAndTheNextRunKeepsTheDecision) {
    ownership_.set("product", "name", Policy::Manual);
    seed();
    shopEdit("A1", "name", "Shop drill");
    erpChange(0, 1, "ERP drill");
    erpChange(0, 4, "15");
    auto r = pull();
    EXPECT_EQ(r.counts.conflicted, 1);
    EXPECT_EQ(field("A1", "name"), "Shop drill") << "held: the shop's value stays";
    EXPECT_EQ(field("A1", "list_price"), "15") << "the rest of the record syncs";
    sync::ConflictQueue queue(*store_);
    auto open = queue.list(false, std::nullopt, 10);
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].key, "A1");
    EXPECT_EQ(open[0].field, "name");
    EXPECT_EQ(open[0].base, "Drill");
    EXPECT_EQ(open[0].erp, "ERP drill");
    EXPECT_EQ(open[0].store, "Shop drill");
    EXPECT_EQ(open[0].run_id, r.run_id);
    EXPECT_EQ(count("SELECT rows_conflicted FROM job_runs WHERE run_id = " + std::to_string(r.run_id)), 1);

    // The ERP changes the row again before anyone decides: still one open conflict, with the newest value.
    erpChange(0, 1, "ERP drill 2", "2026-11-25 11:00:00");
    r = pull();
    open = queue.list(false, std::nullopt, 10);
    ASSERT_EQ(open.size(), 1u);
    EXPECT_EQ(open[0].erp, "ERP drill 2");
    EXPECT_EQ(open[0].base, "Drill");

    const auto closed = queue.resolve(open[0].id, sync::Take::Erp, std::nullopt, "user:alice");
    EXPECT_EQ(closed.status, "resolved");
    EXPECT_EQ(field("A1", "name"), "ERP drill 2");
    EXPECT_TRUE(queue.list(false, std::nullopt, 10).empty());
    const auto decision = lastAudit("A1");
    EXPECT_EQ(decision.action, "resolve_conflict");
    EXPECT_EQ(decision.actor, "user:alice");
    EXPECT_THAT(decision.changes, HasSubstr(R"("from":"Shop drill","to":"ERP drill 2")"));
    EXPECT_THROW(queue.resolve(open[0].id, sync::Take::Store, std::nullopt, "user:bob"), sync::ResolveError);

    // The next run (the ERP changes only the price) keeps the decision and holds nothing.
    erpChange(0, 4, "16", "2026-11-25 12:00:00");
    r = pull();
    EXPECT_EQ(r.counts.conflicted, 0);
    EXPECT_EQ(field("A1", "name"), "ERP drill 2");
    EXPECT_EQ(field("A1", "list_price"), "16");
    EXPECT_TRUE(audit::AuditLog(*store_).verify().ok);
}

TEST_P(ConflictAuditTest, ManualResolutionCanKeepTheShopValueOrSetANewOne) {
    ownership_.set("product", "name", Policy::Manual);
    ownership_.set("product", "list_price", Policy::Manual);
    seed();
    shopEdit("A2", "name", "Shop saw");
    erpChange(1, 1, "ERP saw");
    shopEdit("A3", "list_price", "31");
    erpChange(2, 4, "32");
    pull();
    sync::ConflictQueue queue(*store_);
    const auto open = queue.list(false, std::nullopt, 10);
    ASSERT_EQ(open.size(), 2u);
    for (const auto& c : open) {
        if (c.key == "A2") {
            queue.resolve(c.id, sync::Take::Store, std::nullopt, "user:alice");
        } else {
            EXPECT_THROW(queue.resolve(c.id, sync::Take::Value, std::string("3,3.3"), "user:alice"), sync::ResolveError)
                << "a value the field cannot hold is refused";
            queue.resolve(c.id, sync::Take::Value, std::string("33.50"), "user:alice");
        }
    }
    EXPECT_EQ(field("A2", "name"), "Shop saw");
    EXPECT_EQ(field("A3", "list_price"), "33.5");
    pull();  // the ERP did not change again: nothing comes back
    EXPECT_EQ(field("A2", "name"), "Shop saw");
    EXPECT_EQ(field("A3", "list_price"), "33.5");
    EXPECT_TRUE(queue.list(false, std::nullopt, 10).empty());
    // A later ERP change to a field the shop kept is a new conflict, not a silent overwrite.
    erpChange(1, 1, "ERP saw 2", "2026-11-26 10:00:00");
    EXPECT_EQ(pull().counts.conflicted, 1);
    EXPECT_EQ(field("A2", "name"), "Shop saw");
}

// The pull's two-step append: hashed on a helper thread while other writes of the transaction run, then
// written. The chain is the one a plain append of the same entries makes, and a failed transaction leaves nothing.
TEST_P(ConflictAuditTest, ATwoStepAppendChainsLikeAPlainOneAndRollsBackWithItsTransaction) {
    std::vector<audit::AuditEntry> entries;
    for (int i = 0; i < 300; ++i) {  // above the helper-thread threshold
        entries.push_back(
            {"run:1", "product", "K" + std::to_string(i), "insert", "{\"n\":{\"to\":\"" + std::to_string(i) + "\"}}"});
    }
    audit::AuditLog log(*store_);
    {
        store::Transaction tx(*store_);
        log.startAppend(entries);
        exec("UPDATE sync_cursors SET cursor = cursor");  // the caller's own writes in between
    }                                                     // not committed: rolled back
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 0) << "a start without a finish writes nothing";
    {
        store::Transaction tx(*store_);
        log.startAppend(entries);
        exec("UPDATE sync_cursors SET cursor = cursor");
        log.finishAppend();
        log.append(entries.front());  // a plain append goes on from the new head
        tx.commit();
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log"), 301);
    const auto verdict = log.verify();
    EXPECT_TRUE(verdict.ok) << verdict.why;
    const auto rows = log.query({std::nullopt, std::nullopt, std::nullopt, std::nullopt, 1000});
    ASSERT_EQ(rows.size(), 301u);
    const auto& last_of_batch = rows[1];  // newest first: row 300
    ASSERT_EQ(last_of_batch.seq, 300);
    // The same entries through a plain append, computed by hand from the stored first row on.
    std::string prev = audit::kGenesisHash;
    for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        EXPECT_EQ(it->prev_hash, prev) << "row " << it->seq;
        prev = audit::rowHash(prev, it->seq, it->at, it->actor, it->entity, it->key, it->action, it->changes);
        EXPECT_EQ(it->row_hash, prev) << "row " << it->seq;
    }
}

// Tampering by plain SQL, each found by verify() naming the row.
class AuditTamperTest : public ConflictAuditTest {
  protected:
    void SetUp() override {
        ConflictAuditTest::SetUp();
        seed();  // audit rows 1..3
        erpChange(0, 4, "11");
        erpChange(1, 4, "21");
        erpChange(2, 4, "31");
        pull();  // rows 4..6
        ASSERT_TRUE(audit::AuditLog(*store_).verify().ok);
    }
    audit::VerifyResult verify() { return audit::AuditLog(*store_).verify(); }
};

TEST_P(AuditTamperTest, AnEditedRowIsNamed) {
    exec("UPDATE audit_log SET changes = REPLACE(changes, '\"to\":\"21\"', '\"to\":\"2.1\"') WHERE seq = 5");
    const auto v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.broken_at, 5);
    EXPECT_THAT(v.why, HasSubstr("row 5 was changed"));
}

TEST_P(AuditTamperTest, AnEditWithARecomputedHashBreaksTheLinkToTheNextRow) {
    auto row = lastAudit("A2");
    ASSERT_EQ(row.seq, 5);
    const std::string changes = R"({"list_price":{"from":"20","to":"2.1"}})";
    const std::string hash =
        audit::rowHash(row.prev_hash, row.seq, row.at, row.actor, row.entity, row.key, row.action, changes);
    exec("UPDATE audit_log SET changes = '" + changes + "', row_hash = '" + hash + "' WHERE seq = 5");
    const auto v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.broken_at, 6);
    EXPECT_THAT(v.why, HasSubstr("row 6 does not follow row 5"));
}

TEST_P(AuditTamperTest, ADeletedRowIsNamed) {
    exec("DELETE FROM audit_log WHERE seq = 2");
    const auto v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.broken_at, 2);
    EXPECT_THAT(v.why, HasSubstr("row 2 is missing"));
}

TEST_P(AuditTamperTest, ReorderedRowsAreNamed) {
    exec("UPDATE audit_log SET seq = -1 WHERE seq = 2");
    exec("UPDATE audit_log SET seq = 2 WHERE seq = 3");
    exec("UPDATE audit_log SET seq = 3 WHERE seq = -1");
    const auto v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.broken_at, 2);
}

TEST_P(AuditTamperTest, ATruncatedTailIsNamed) {
    exec("DELETE FROM audit_log WHERE seq >= 5");
    auto v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.broken_at, 5);
    EXPECT_THAT(v.why, HasSubstr("truncated"));
    exec("DELETE FROM audit_log");
    v = verify();
    EXPECT_FALSE(v.ok);
    EXPECT_EQ(v.broken_at, 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConflictAuditTest,
                         ::testing::Values(store::Backend::SQLite, store::Backend::PostgreSQL), [](const auto& info) {
                             return info.param == store::Backend::SQLite ? "sqlite" : "postgresql";
                         });
INSTANTIATE_TEST_SUITE_P(Backends, AuditTamperTest,
                         ::testing::Values(store::Backend::SQLite, store::Backend::PostgreSQL), [](const auto& info) {
                             return info.param == store::Backend::SQLite ? "sqlite" : "postgresql";
                         });

}  // namespace
}  // namespace syncline
