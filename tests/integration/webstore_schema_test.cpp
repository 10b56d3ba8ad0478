// The webstore schema on both backends: migrations apply, re-apply nothing, refuse a newer or a
// tampered database, and money is stored exactly.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>

#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "engine/audit/audit_log.h"
#include "engine/store/deferred_indexes.h"
#include "engine/store/migrator.h"
#include "engine/store/transaction.h"
#include "engine/store/webstore.h"
#include "tests/support/test_env.h"

namespace syncline::store {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using ::testing::HasSubstr;

const std::set<std::string> kTables = {"products",         "stock_levels", "customers",    "price_rules",
                                       "orders",           "order_lines",  "sync_cursors", "job_runs",
                                       "rejects",          "conflicts",    "audit_log",    "audit_head",
                                       "deferred_indexes", "job_leases",   "job_firings",  "schema_migrations"};

class WebstoreSchemaTest : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        if (GetParam() == Backend::SQLite) {
            settings_.backend = Backend::SQLite;
            settings_.sqlite_path = dir_.file("webstore.db");
        } else {
            pg_ = std::make_unique<testing::TestPostgres>();
            database_ = pg_->createDatabase("schema");
            settings_ = pg_->settings(database_);
        }
        store_ = Webstore::open(settings_);
    }
    void TearDown() override {
        store_.reset();
        if (pg_) {
            pg_->dropDatabase(database_);
        }
    }

    std::set<std::string> tables() {
        std::vector<std::string> names;
        if (GetParam() == Backend::SQLite) {
            store_->session() << "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                into(names), now;
        } else {
            store_->session() << "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
                into(names), now;
        }
        return {names.begin(), names.end()};
    }

    // True when the database refuses the statement.
    bool refused(const std::string& sql) {
        try {
            store_->session() << sql, now;
            return false;
        } catch (const Poco::Exception&) {
            return true;
        }
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestPostgres> pg_;
    std::string database_;
    ConnectionSettings settings_;
    std::unique_ptr<Webstore> store_;
};

TEST_P(WebstoreSchemaTest, MigrateCreatesEveryTableAndIsIdempotent) {
    Migrator migrator(*store_);
    EXPECT_EQ(migrator.currentVersion(), 0);
    const auto applied = migrator.migrate();
    ASSERT_EQ(applied.size(), migrator.bundled().size());
    EXPECT_EQ(migrator.currentVersion(), migrator.latestVersion());
    EXPECT_EQ(tables(), kTables);
    EXPECT_TRUE(migrator.migrate().empty());
    EXPECT_TRUE(migrator.pending().empty());
}

// Version 4 moves each record's sync state from sync_state into its own row: an existing webstore keeps it, so
// its next pull finds nothing changed instead of applying everything again.
TEST_P(WebstoreSchemaTest, Version4MovesTheSyncStateIntoTheEntityRows) {
    Migrator migrator(*store_);
    migrator.migrateTo(3);
    const bool sqlite = GetParam() == Backend::SQLite;
    const std::string t = sqlite ? "'2026-11-27T10:00:00Z'" : "TIMESTAMPTZ '2026-11-27 10:00:00+00'";
    const std::string sep = sqlite ? "char(31)" : "chr(31)";
    for (const std::string& sql :
         {"INSERT INTO products (sku, name, unit, list_price, currency, updated_at) VALUES "
          "('A1', 'Drill', 'PCE', '10', 'EUR', " +
              t + "), ('SHOP', 'Made by the shop', 'PCE', '1', 'EUR', " + t + ")",
          "INSERT INTO stock_levels (sku, warehouse, quantity, updated_at) VALUES ('A1', 'W1', '5', " + t + ")",
          "INSERT INTO sync_state (entity, entity_key, erp_hash, applied_hash, applied, updated_at) VALUES "
          "('product', 'A1', 'hash-a1', 'hash-a1', '{\"description\":\"\"}', " +
              t +
              "), "
              "('stock', 'A1' || " +
              sep + " || 'W1', 'hash-s1', 'hash-s1', NULL, " + t +
              "), "
              "('product', 'GONE', 'hash-gone', 'hash-gone', NULL, " +
              t + ")"}) {
        store_->session() << sql, now;
    }
    migrator.migrateTo(4);
    EXPECT_EQ(migrator.currentVersion(), 4);
    std::vector<std::string> skus;
    std::vector<Poco::Nullable<std::string>> hashes, bases;
    store_->session() << "SELECT sku, sync_hash, sync_base FROM products ORDER BY sku", into(skus), into(hashes),
        into(bases), now;
    ASSERT_EQ(skus, (std::vector<std::string>{"A1", "SHOP"}));
    EXPECT_EQ(hashes[0].value(), "hash-a1");
    EXPECT_EQ(bases[0].value(), R"({"description":""})");
    EXPECT_TRUE(hashes[1].isNull()) << "a row no pull manages stays unmanaged";
    std::string stock_hash;
    store_->session() << "SELECT sync_hash FROM stock_levels WHERE sku = 'A1' AND warehouse = 'W1'", into(stock_hash),
        now;
    EXPECT_EQ(stock_hash, "hash-s1") << "composite keys are matched column by column";
    EXPECT_EQ(tables().count("sync_state"), 0u);
}

// Version 5 keys the audit chain (issue 19): a chain written before keeps its hashes and verifies, unkeyed; an empty
// log gets its head, so that a missing head always means a deleted one.
TEST_P(WebstoreSchemaTest, Version5KeepsAnOldAuditChainVerifiableAndGivesAnEmptyLogItsHead) {
    Migrator migrator(*store_);
    migrator.migrateTo(4);
    migrator.migrate();
    Poco::Int64 head_seq = -1;
    store_->session() << "SELECT seq FROM audit_head WHERE id = 1", into(head_seq), now;
    EXPECT_EQ(head_seq, 0) << "an empty log has its head";

    // The same on a log written at version 4: rows and head as that version's syncline wrote them.
    store_.reset();
    if (GetParam() == Backend::SQLite) {
        std::filesystem::remove(settings_.sqlite_path);
    } else {
        pg_->dropDatabase(database_);
        database_ = pg_->createDatabase("schema");
        settings_ = pg_->settings(database_);
    }
    store_ = Webstore::open(settings_);
    Migrator old(*store_);
    old.migrateTo(4);
    const std::string at = "2026-11-27T10:00:00Z";
    const std::string h1 = audit::rowHash(audit::kGenesisHash, 1, at, "run:1", "product", "A1", "insert", "{}");
    const std::string h2 = audit::rowHash(h1, 2, at, "run:1", "product", "A2", "insert", "{}");
    const std::string ts = GetParam() == Backend::SQLite ? "'" + at + "'" : "TIMESTAMPTZ '2026-11-27 10:00:00+00'";
    store_->session() << "INSERT INTO audit_log (seq, at, actor, entity, entity_key, action, changes, prev_hash, "
                         "row_hash) VALUES (1, " +
                             ts + ", 'run:1', 'product', 'A1', 'insert', '{}', '" + audit::kGenesisHash + "', '" + h1 +
                             "'), (2, " + ts + ", 'run:1', 'product', 'A2', 'insert', '{}', '" + h1 + "', '" + h2 +
                             "')",
        now;
    store_->session() << "INSERT INTO audit_head (id, seq, row_hash) VALUES (1, 2, '" + h2 + "')", now;
    old.migrate();
    const auto verdict = audit::AuditLog(*store_).verify();
    EXPECT_TRUE(verdict.ok) << verdict.why;
    EXPECT_EQ(verdict.rows, 2);
    EXPECT_EQ(verdict.keyed_rows, 0);
    EXPECT_EQ(verdict.head_hash, h2);
}

// A new SQLite webstore gets 16 KiB pages; an existing one keeps the page size it was made with.
TEST_P(WebstoreSchemaTest, ANewSqliteWebstoreHas16KiBPagesAndAnOldOneKeepsItsOwn) {
    if (GetParam() != Backend::SQLite) {
        GTEST_SKIP() << "a SQLite file setting";
    }
    Migrator(*store_).migrate();
    int page_size = 0;
    store_->session() << "PRAGMA page_size", into(page_size), now;
    EXPECT_EQ(page_size, 16384);

    ConnectionSettings old = settings_;
    old.sqlite_path = dir_.file("old.db");
    {
        Poco::Data::Session session("SQLite", old.sqlite_path);
        session << "PRAGMA page_size = 4096", now;
        session << "PRAGMA journal_mode = WAL", now;
        session << "CREATE TABLE made_before (a INTEGER)", now;
    }
    auto reopened = Webstore::open(old);
    Migrator(*reopened).migrate();
    reopened->session() << "PRAGMA page_size", into(page_size), now;
    EXPECT_EQ(page_size, 4096);
    std::vector<std::string> problems;
    reopened->session() << "PRAGMA integrity_check", into(problems), now;
    EXPECT_EQ(problems, std::vector<std::string>{"ok"});
}

// D21: how durable an SQLite commit is follows webstore.synchronous (NORMAL = 1 by default, FULL = 2, EXTRA = 3).
TEST_P(WebstoreSchemaTest, SqliteDurabilityFollowsTheConfig) {
    if (GetParam() != Backend::SQLite) {
        GTEST_SKIP() << "a SQLite connection setting";
    }
    int level = -1;
    store_->session() << "PRAGMA synchronous", into(level), now;
    EXPECT_EQ(level, 1);
    for (const auto& [name, expected] : std::vector<std::pair<std::string, int>>{{"full", 2}, {"extra", 3}}) {
        ConnectionSettings settings = settings_;
        settings.sqlite_synchronous = name;
        auto store = Webstore::open(settings);
        store->session() << "PRAGMA synchronous", into(level), now;
        EXPECT_EQ(level, expected) << name;
    }
}

TEST_P(WebstoreSchemaTest, DeferredIndexesAreDroppedRecordedAndRebuiltAsTheyWere) {
    Migrator(*store_).migrate();
    auto indexes = [&] {
        std::vector<std::string> names;
        store_->session() << (GetParam() == Backend::SQLite
                                  ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'price_rules' "
                                    "AND sql IS NOT NULL"
                                  : "SELECT indexname FROM pg_indexes WHERE tablename = 'price_rules' AND indexname "
                                    "NOT IN (SELECT conname FROM pg_constraint)"),
            into(names), now;
        return names;
    };
    ASSERT_EQ(indexes(), std::vector<std::string>{"price_rules_lookup"});
    EXPECT_TRUE(tableIsEmpty(*store_, "price_rules"));
    {
        Transaction tx(*store_);
        EXPECT_EQ(deferIndexes(*store_, "price_rules"), 1);
        EXPECT_EQ(deferIndexes(*store_, "products"), 0) << "primary keys stay";
        tx.commit();
    }
    EXPECT_TRUE(indexes().empty());
    {
        Transaction tx(*store_);
        EXPECT_EQ(restoreIndexes(*store_, std::string("products")), 0);
        EXPECT_EQ(restoreIndexes(*store_), 1);
        tx.commit();
    }
    EXPECT_EQ(indexes(), std::vector<std::string>{"price_rules_lookup"});
    Transaction tx(*store_);
    EXPECT_EQ(restoreIndexes(*store_), 0);
}

TEST_P(WebstoreSchemaTest, DatabaseFromNewerSynclineIsRefused) {
    Migrator migrator(*store_);
    migrator.migrate();
    store_->session() << "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                         "VALUES (9999, 'future', 'x', '2030-01-01T00:00:00Z')",
        now;
    try {
        migrator.migrate();
        FAIL() << "expected SchemaTooNew";
    } catch (const SchemaTooNew& e) {
        EXPECT_THAT(e.what(), HasSubstr("schema version 9999"));
        EXPECT_THAT(e.what(), HasSubstr("Upgrade syncline"));
    }
}

TEST_P(WebstoreSchemaTest, TamperedMigrationIsRefused) {
    Migrator migrator(*store_);
    migrator.migrate();
    store_->session() << "UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 1", now;
    EXPECT_THROW(migrator.pending(), SchemaMismatch);
}

TEST_P(WebstoreSchemaTest, MoneyIsStoredExactly) {
    Migrator(*store_).migrate();
    auto& s = store_->session();
    s << "INSERT INTO products (sku, name, unit, list_price, currency, updated_at) "
         "VALUES ('A-1', 'Bolt', 'PCE', '1234567.123456', 'EUR', '2026-11-27T00:00:00Z')",
        now;
    std::string price;
    s << "SELECT list_price FROM products WHERE sku = 'A-1'", into(price), now;
    EXPECT_EQ(price, "1234567.123456");
}

TEST_P(WebstoreSchemaTest, NoMoneyOrQuantityColumnIsFloatingPoint) {
    Migrator(*store_).migrate();
    std::vector<std::string> bad;
    if (GetParam() == Backend::SQLite) {
        for (const auto& table : kTables) {
            std::vector<std::string> names;
            std::vector<std::string> types;
            store_->session() << "SELECT name, type FROM pragma_table_info('" + table + "')", into(names), into(types),
                now;
            for (std::size_t i = 0; i < names.size(); ++i) {
                if (types[i] == "REAL" || types[i] == "DOUBLE" || types[i] == "FLOAT") {
                    bad.push_back(table + "." + names[i]);
                }
            }
        }
        // A float written by a careless storefront is refused when it is not a plain decimal of at most
        // 6 places (SQLite turns a REAL into text with 15 significant digits), and so is an exponent.
        const std::string insert =
            "INSERT INTO products (sku, name, unit, list_price, currency, updated_at) "
            "VALUES ('B', 'x', 'PCE', ";
        EXPECT_TRUE(refused(insert + "1.0 / 3, 'EUR', 'now')"));
        EXPECT_TRUE(refused(insert + "1e300, 'EUR', 'now')"));
        EXPECT_TRUE(refused(insert + "'1e5', 'EUR', 'now')"));
        EXPECT_TRUE(refused(insert + "'1.2345678', 'EUR', 'now')"));
        EXPECT_TRUE(refused(insert + "'1-2', 'EUR', 'now')"));
        EXPECT_TRUE(refused(insert + "'1.2.3', 'EUR', 'now')"));
        EXPECT_FALSE(refused(insert + "'-12.5', 'EUR', 'now')"));
    } else {
        store_->session() << "SELECT table_name || '.' || column_name FROM information_schema.columns "
                             "WHERE table_schema = 'public' AND data_type IN ('real', 'double precision')",
            into(bad), now;
    }
    EXPECT_TRUE(bad.empty()) << bad.front();
}

TEST_P(WebstoreSchemaTest, ConstraintsGuardOrderStatusAndPriceRuleShape) {
    Migrator(*store_).migrate();
    EXPECT_TRUE(
        refused("INSERT INTO orders (order_id, customer_code, currency, status, placed_at, updated_at) "
                "VALUES ('o1', 'C1', 'EUR', 'lost', '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z')"));
    // A rule with both an absolute price and a discount is refused.
    EXPECT_TRUE(
        refused("INSERT INTO price_rules (rule_id, sku, scope, scope_key, unit_price, discount_percent, "
                "currency, valid_from, updated_at) VALUES ('r1', 'A', 'customer', 'C1', '1', '5', 'EUR', "
                "'2026-01-01', '2026-11-27T00:00:00Z')"));
    // A customer rule without a customer is refused.
    EXPECT_TRUE(
        refused("INSERT INTO price_rules (rule_id, sku, scope, scope_key, unit_price, currency, "
                "valid_from, updated_at) VALUES ('r2', 'A', 'customer', '', '1', 'EUR', '2026-01-01', "
                "'2026-11-27T00:00:00Z')"));
}

TEST_P(WebstoreSchemaTest, ConcurrentMigratorsApplyEachVersionOnce) {
    std::vector<std::thread> threads;
    std::vector<std::string> errors(3);
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&, i] {
            try {
                auto store = Webstore::open(settings_);
                Migrator(*store).migrate();
            } catch (const std::exception& e) {
                errors[i] = e.what();
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    for (const auto& e : errors) {
        EXPECT_EQ(e, "");
    }
    int rows = 0;
    store_->session() << "SELECT COUNT(*) FROM schema_migrations", into(rows), now;
    EXPECT_EQ(rows, Migrator(*store_).latestVersion());
}

INSTANTIATE_TEST_SUITE_P(Backends, WebstoreSchemaTest, ::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                         [](const auto& info) { return toString(info.param); });

// The server ends a session left idle inside a transaction past the engine's limit (a frozen engine must not hold
// its locks); the frozen engine, when it wakes, gets a clear error and can close its session without a crash.
TEST(WebstorePostgres, ASessionTheServerEndedFailsCleanly) {
    testing::TestPostgres pg;
    const auto database = pg.createDatabase("idle");
    auto settings = pg.settings(database);
    settings.idle_in_transaction_timeout_s = 1;
    {
        auto store = Webstore::open(settings);
        Migrator(*store).migrate();
        {
            Transaction tx(*store);
            store->session() << "INSERT INTO sync_cursors (stream, cursor, updated_at) VALUES ('x', '1', now())", now;
            std::this_thread::sleep_for(std::chrono::milliseconds(2500));
            EXPECT_THROW(tx.commit(), Poco::Exception);
        }
        int count = -1;
        EXPECT_THROW((store->session() << "SELECT COUNT(*) FROM sync_cursors", into(count), now), Poco::Exception);
    }
    auto fresh = Webstore::open(settings);
    int count = -1;
    fresh->session() << "SELECT COUNT(*) FROM sync_cursors", into(count), now;
    EXPECT_EQ(count, 0) << "the ended transaction was rolled back";
    fresh.reset();
    pg.dropDatabase(database);
}

}  // namespace
}  // namespace syncline::store
