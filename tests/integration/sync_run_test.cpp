// `syncline run` end to end: the demo ERP in SQLite (sqliteodbc) and in PostgreSQL (psqlODBC), webstores in
// SQLite and PostgreSQL, and real faults (kill -9 mid-run, the ERP connection dropped mid-fetch). Every check is
// what an admin sees: rows in the webstore, exit codes, job_runs rows, messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iomanip>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/sync_config.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

using store::Backend;
using testing::ChildProcess;
using testing::DemoErp;
using testing::DemoErpOptions;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::TestPostgres;
using testing::TestWebstore;

// What `run prices` makes of the demo ERP: one rule per PRLP row, per active SPPH row and per break of one.
const char* const kPriceRuleCount =
    "SELECT (SELECT COUNT(*) FROM PRLP) + (SELECT COUNT(*) FROM SPPH WHERE ActiveFlag = 'Y') + "
    "(SELECT COUNT(*) FROM SPPB b JOIN SPPH h ON h.SpecPriceId = b.SpecPriceId WHERE h.ActiveFlag = 'Y')";

const std::vector<std::string> kJobs = {"catalog", "stock", "customers", "prices"};
const std::vector<std::string> kTables = {"products", "stock_levels", "customers", "price_rules"};

struct RunOutcome {
    int exit_code = -1;
    nlohmann::json summary;  ///< the `--json` summary (null when stdout was not JSON)
    std::string err;
};

// A webstore and the syncline config that fills it from an ERP.
class Shop {
  public:
    Shop(const DemoErp& erp, Backend backend, const TempDir& dir, const std::string& name, TestPostgres* pg,
         const std::map<std::string, int>& batch_size = {})
        : webstore(backend, dir.path(), name, pg),
          config_(testing::writeSyncConfig(dir.path() / (name + ".toml"), erp, webstore, batch_size)) {
        env_ = erp.environment();
        for (const auto& e : webstore.environment()) {
            env_.push_back(e);
        }
    }

    std::vector<std::string> command(const std::vector<std::string>& args) const {
        std::vector<std::string> out = {testing::synclineBinary(), "-c", config_};
        out.insert(out.end(), args.begin(), args.end());
        return out;
    }
    const std::vector<std::string>& env() const { return env_; }
    /// Appends TOML to the config file (e.g. an [ownership.*] section).
    void addConfig(const std::string& toml) const { std::ofstream(config_, std::ios::app) << "\n" << toml; }

    testing::ProcessResult syncline(const std::vector<std::string>& args) const {
        return testing::runProcess(command(args), env_);
    }

    // `syncline --json run ARGS...`
    RunOutcome run(const std::vector<std::string>& args) const {
        std::vector<std::string> all = {"--json", "run"};
        all.insert(all.end(), args.begin(), args.end());
        const auto r = syncline(all);
        auto summary = nlohmann::json::parse(r.out, nullptr, false);
        return {r.exit_code, summary.is_discarded() ? nlohmann::json() : std::move(summary), r.err};
    }

    std::string jobRunColumn(std::int64_t run_id, const std::string& column) {
        return webstore.sql().value("SELECT " + column + " FROM job_runs WHERE run_id = " + std::to_string(run_id));
    }

    TestWebstore webstore;

  private:
    std::string config_;
    std::vector<std::string> env_;
};

std::unique_ptr<TestPostgres> clusterIfNeeded(std::initializer_list<Backend> backends) {
    for (auto b : backends) {
        if (b == Backend::PostgreSQL) {
            return std::make_unique<TestPostgres>();
        }
    }
    return nullptr;
}

std::set<std::string> lines(const std::string& text) {
    std::set<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        out.insert(line);
    }
    return out;
}

// The first line in which two dumps differ, for a readable failure.
std::string firstDifference(const std::string& a, const std::string& b) {
    std::istringstream ia(a);
    std::istringstream ib(b);
    std::string la;
    std::string lb;
    for (int n = 1;; ++n) {
        const bool more_a = static_cast<bool>(std::getline(ia, la));
        const bool more_b = static_cast<bool>(std::getline(ib, lb));
        if (!more_a && !more_b) {
            return "identical";
        }
        if (!more_a || !more_b || la != lb) {
            return "line " + std::to_string(n) + ":\n  " + (more_a ? la : "<end>") + "\n  " + (more_b ? lb : "<end>");
        }
    }
}

// The keys (the first "column=value" of each line) of the lines only in `after`.
std::set<std::string> keysOfLinesOnlyIn(const std::string& after, const std::string& before) {
    const auto old_lines = lines(before);
    std::set<std::string> keys;
    for (const auto& line : lines(after)) {
        if (!old_lines.count(line)) {
            const auto eq = line.find('=');
            keys.insert(line.substr(eq + 1, line.find('|') - eq - 1));
        }
    }
    return keys;
}

// "YYYY-MM-DD HH:MM:SS" moved by `seconds`.
std::string shifted(const std::string& timestamp, int seconds) {
    std::tm tm{};
    std::istringstream in(timestamp);
    in >> std::get_time(&tm, "%Y-%m-%d %H:%M:%S");
    const std::time_t t = timegm(&tm) + seconds;
    std::tm out{};
    gmtime_r(&t, &out);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &out);
    return buf;
}

DemoErpOptions erpOfSize(int items, std::optional<int> customers = std::nullopt, int seed = 1) {
    DemoErpOptions options;
    options.items = items;
    options.customers = customers;
    options.seed = seed;
    return options;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    return text;
}

std::string backendName(Backend b) {
    return b == Backend::SQLite ? "SQLite" : "PostgreSQL";
}

// ---------------------------------------------------------------------------------------------------------------
// 1. Full pulls of all four jobs.

class SyncRunFullPull : public ::testing::TestWithParam<std::tuple<Backend, Backend>> {};

TEST_P(SyncRunFullPull, AllFourJobsBringEveryErpRecordAndASecondRunAppliesNothing) {
    const auto [erp_backend, store_backend] = GetParam();
    TempDir dir;
    auto pg = clusterIfNeeded({erp_backend, store_backend});
    DemoErp erp(erp_backend, dir.path(), erpOfSize(300, 300), pg.get());
    Shop shop(erp, store_backend, dir, "webstore", pg.get());

    auto& e = erp.sql();
    const auto items = e.count("SELECT COUNT(*) FROM ITMS");
    const auto active_items = e.count("SELECT COUNT(*) FROM ITMS WHERE ActiveFlag = 'Y'");
    const auto stock = e.count("SELECT COUNT(*) FROM ITWS");
    const auto customers = e.count("SELECT COUNT(*) FROM BPMS WHERE CardType = 'C'");
    const auto rules = e.count(kPriceRuleCount);
    std::set<std::string> bad_emails;
    for (const auto& row : e.rows("SELECT RTRIM(CardCode) FROM BPMS WHERE CardType = 'C' AND EMail IS NOT NULL AND "
                                  "EMail NOT LIKE '%_@_%._%'")) {
        bad_emails.insert(*row[0]);
    }
    ASSERT_FALSE(bad_emails.empty()) << "the demo ERP has customers with unusable e-mail addresses at this size";
    ASSERT_LT(active_items, items) << "and inactive items";

    auto r = shop.run({"catalog"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.summary["status"], "succeeded");
    EXPECT_EQ(r.summary["mode"], "full") << "the first pull is full";
    EXPECT_EQ(r.summary["applied"], items);
    r = shop.run({"stock"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.summary["applied"], stock);
    r = shop.run({"customers"});
    EXPECT_EQ(r.exit_code, 65) << "rejects: bad data. " << r.err;
    EXPECT_EQ(r.summary["status"], "completed_with_rejects");
    EXPECT_EQ(r.summary["rejected"], bad_emails.size());
    EXPECT_EQ(r.summary["applied"], customers - static_cast<std::int64_t>(bad_emails.size()));
    const std::int64_t customers_run = r.summary.value("run_id", std::int64_t{0});
    r = shop.run({"prices"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.summary["applied"], rules);

    auto& w = shop.webstore;
    EXPECT_EQ(w.count("products"), items);
    EXPECT_EQ(w.count("products", "active = " + w.sqlTrue()), active_items) << "ERP-inactive items are kept inactive";
    EXPECT_EQ(w.count("stock_levels"), stock);
    EXPECT_EQ(w.count("customers"), customers - static_cast<std::int64_t>(bad_emails.size()));
    EXPECT_EQ(w.count("price_rules"), rules);

    const auto listed = shop.syncline({"--json", "rejects", "--run", std::to_string(customers_run)});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    std::set<std::string> rejected;
    for (const auto& reject : nlohmann::json::parse(listed.out)) {
        const std::string key = reject.at("key");
        rejected.insert(key);
        EXPECT_EQ(reject.at("entity"), "customer");
        EXPECT_EQ(reject.at("field"), "email") << key;
        EXPECT_THAT(reject.at("reason").get<std::string>(), HasSubstr("is not an email address")) << key;
        // The ERP's own values, with its column names as the driver reports them (PostgreSQL folds them).
        const std::string raw = lower(reject.at("raw"));
        EXPECT_THAT(raw, HasSubstr("cardcode=" + lower(key))) << raw;
        EXPECT_EQ(w.count("customers", "code = '" + key + "'"), 0) << key;
    }
    EXPECT_EQ(rejected, bad_emails);

    for (const auto& mode : {std::string("incremental"), std::string("full")}) {
        for (const auto& job : kJobs) {
            SCOPED_TRACE("second " + mode + " run of " + job);
            r = shop.run(mode == "full" ? std::vector<std::string>{job, "--full"} : std::vector<std::string>{job});
            EXPECT_TRUE(r.exit_code == 0 || (job == "customers" && r.exit_code == 65)) << r.exit_code << r.err;
            EXPECT_EQ(r.summary["mode"], mode);
            EXPECT_EQ(r.summary["applied"], 0);
            EXPECT_EQ(r.summary["deactivated"], 0);
        }
    }
    EXPECT_EQ(w.count("products"), items);
    EXPECT_EQ(w.count("price_rules", "active = " + w.sqlTrue()), rules);
}

INSTANTIATE_TEST_SUITE_P(ErpAndWebstore, SyncRunFullPull,
                         ::testing::Combine(::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                                            ::testing::Values(Backend::SQLite, Backend::PostgreSQL)),
                         [](const auto& info) {
                             return backendName(std::get<0>(info.param)) + "ErpInto" +
                                    backendName(std::get<1>(info.param)) + "Webstore";
                         });

TEST(SyncRunFullPullSameSeed, SqliteAndPostgresErpsGiveTheSameWebstoreOnEitherBackend) {
    TempDir dir;
    TestPostgres pg;
    const auto options = erpOfSize(300, 300, 7);
    TempDir sqlite_dir;
    TempDir pg_dir;
    DemoErp sqlite_erp(Backend::SQLite, sqlite_dir.path(), options);
    DemoErp pg_erp(Backend::PostgreSQL, pg_dir.path(), options, &pg);
    std::vector<std::unique_ptr<Shop>> shops;
    std::vector<std::string> names;
    for (const DemoErp* erp : {&sqlite_erp, &pg_erp}) {
        for (auto store_backend : {Backend::SQLite, Backend::PostgreSQL}) {
            names.push_back(backendName(erp->backend()) + " ERP into " + backendName(store_backend) + " webstore");
            shops.push_back(
                std::make_unique<Shop>(*erp, store_backend, dir, "webstore" + std::to_string(shops.size()), &pg));
            for (const auto& job : kJobs) {
                const auto r = shops.back()->run({job});
                EXPECT_TRUE(r.exit_code == 0 || (job == "customers" && r.exit_code == 65)) << job << ": " << r.err;
            }
        }
    }
    for (const auto& table : kTables) {
        const auto reference = shops[0]->webstore.dump(table);
        EXPECT_GT(lines(reference).size(), 0u) << table;
        for (std::size_t i = 1; i < shops.size(); ++i) {
            const auto other = shops[i]->webstore.dump(table);
            EXPECT_TRUE(other == reference) << table << ": " << names[i] << " differs from " << names[0] << " at "
                                            << firstDifference(reference, other);
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Conflicts and the audit log through the CLI: the ERP and the shop both change an item's name under the
// `manual` policy; the admin lists, resolves, queries the audit log; tampering is named by `audit verify`.

class SyncRunConflicts : public ::testing::TestWithParam<Backend> {};

TEST_P(SyncRunConflicts, ManualConflictRoundTripAndAuditVerifyThroughTheCli) {
    TempDir dir;
    auto pg = clusterIfNeeded({GetParam()});
    DemoErp erp(Backend::SQLite, dir.path(), erpOfSize(50));
    Shop shop(erp, GetParam(), dir, "webstore", pg.get());
    shop.addConfig("[ownership.product]\nname = \"manual\"\n");
    ASSERT_EQ(shop.run({"catalog"}).exit_code, 0);
    const std::string watermark = erp.sql().value("SELECT MAX(ModifiedDate) FROM ITMS");
    shop.webstore.sql().execute(
        "UPDATE products SET name = 'Shop name', updated_at = '2026-11-27T00:00:00Z' "
        "WHERE sku = 'A0000007'");
    erp.sql().execute("UPDATE ITMS SET ItemName = 'ERP name', ListPrice = '42.000000', ModifiedDate = '" +
                      shifted(watermark, 60) + "' WHERE ItemCode = 'A0000007'");
    const auto held = shop.syncline({"run", "catalog"});
    EXPECT_EQ(held.exit_code, 0) << held.err;
    EXPECT_THAT(held.out, HasSubstr("conflicts held 1"));
    EXPECT_THAT(held.out, HasSubstr("syncline conflicts"));
    EXPECT_EQ(shop.webstore.sql().value("SELECT name FROM products WHERE sku = 'A0000007'"), "Shop name");
    EXPECT_EQ(shop.webstore.count("products", "sku = 'A0000007' AND list_price = 42"), 1) << "the rest syncs";

    const auto listed = shop.syncline({"--json", "conflicts"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const auto conflicts = nlohmann::json::parse(listed.out);
    ASSERT_EQ(conflicts.size(), 1u);
    EXPECT_EQ(conflicts[0]["key"], "A0000007");
    EXPECT_EQ(conflicts[0]["field"], "name");
    EXPECT_EQ(conflicts[0]["erp"], "ERP name");
    EXPECT_EQ(conflicts[0]["store"], "Shop name");
    const std::string id = std::to_string(conflicts[0]["id"].get<long>());

    EXPECT_EQ(shop.syncline({"conflicts", "resolve", id, "--take", "sideways"}).exit_code, 64);
    const auto resolved = shop.syncline({"conflicts", "resolve", id, "--take", "value", "Agreed name"});
    EXPECT_EQ(resolved.exit_code, 0) << resolved.err;
    EXPECT_THAT(resolved.out, HasSubstr("conflict " + id + " resolved"));
    const auto again = shop.syncline({"conflicts", "resolve", id, "--take", "erp"});
    EXPECT_EQ(again.exit_code, 65);
    EXPECT_THAT(again.err, HasSubstr("already resolved"));
    EXPECT_EQ(shop.syncline({"conflicts"}).out, "no open conflicts\n");
    const auto rerun = shop.run({"catalog"});
    EXPECT_EQ(rerun.summary["conflicted"], 0);
    EXPECT_EQ(shop.webstore.sql().value("SELECT name FROM products WHERE sku = 'A0000007'"), "Agreed name");

    const auto history = shop.syncline({"--json", "audit", "--entity", "product", "--key", "A0000007"});
    ASSERT_EQ(history.exit_code, 0) << history.err;
    const auto rows = nlohmann::json::parse(history.out);
    ASSERT_EQ(rows.size(), 3u) << history.out;  // newest first: the resolution, the held update, the insert
    EXPECT_EQ(rows[0]["action"], "resolve_conflict");
    EXPECT_THAT(rows[0]["actor"].get<std::string>(), ::testing::StartsWith("user:"));
    EXPECT_EQ(rows[0]["changes"]["name"]["to"], "Agreed name");
    EXPECT_EQ(rows[1]["action"], "update");
    EXPECT_EQ(rows[1]["changes"]["name"]["conflict"]["outcome"], "held");
    EXPECT_EQ(rows[1]["changes"]["list_price"]["to"], "42");
    EXPECT_EQ(rows[2]["action"], "insert");
    EXPECT_EQ(shop.syncline({"--json", "audit", "--entity", "job", "--key", "catalog"}).exit_code, 0);
    EXPECT_EQ(shop.webstore.sql().count("SELECT COUNT(*) FROM audit_log WHERE entity = 'job' AND action = 'run'"), 3)
        << "each manual run is audited";

    const auto ok = shop.syncline({"audit", "verify"});
    EXPECT_EQ(ok.exit_code, 0) << ok.out;
    EXPECT_THAT(ok.out, HasSubstr("audit log OK"));
    const std::string seq = std::to_string(rows[1]["seq"].get<long>());
    shop.webstore.sql().execute(
        "UPDATE audit_log SET changes = REPLACE(changes, 'Shop name', 'Shop nam') WHERE seq = " + seq);
    const auto broken = shop.syncline({"audit", "verify"});
    EXPECT_EQ(broken.exit_code, 65);
    EXPECT_THAT(broken.out, HasSubstr("audit log BROKEN at row " + seq + ": row " + seq + " was changed"));
}

INSTANTIATE_TEST_SUITE_P(Webstore, SyncRunConflicts, ::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                         [](const auto& info) { return backendName(info.param) + "Webstore"; });

// ---------------------------------------------------------------------------------------------------------------
// 2. Incremental pulls: the watermark, the boundary tie and late commits inside the overlap window.

class SyncRunIncremental : public ::testing::TestWithParam<Backend> {};

TEST_P(SyncRunIncremental, AppliesExactlyTheChangedItemsIncludingBoundaryTiesAndLateCommits) {
    TempDir dir;
    auto pg = clusterIfNeeded({GetParam()});
    DemoErp erp(GetParam(), dir.path(), erpOfSize(300), pg.get());
    Shop shop(erp, Backend::SQLite, dir, "webstore", nullptr);
    auto r = shop.run({"catalog"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string watermark =
        shop.webstore.sql().value("SELECT cursor FROM sync_cursors WHERE stream = 'products'");
    ASSERT_EQ(watermark, erp.sql().value("SELECT MAX(ModifiedDate) FROM ITMS"));
    EXPECT_EQ(r.summary["watermark_after"], watermark);
    const auto before = shop.webstore.dump("products");

    // Three items change at the current high-water mark; a new item arrives with exactly that timestamp.
    erp.sql().execute("UPDATE ITMS SET ListPrice = '777.770000', ModifiedDate = '" + watermark +
                      "' WHERE ItemCode IN ('A0000010', 'A0000020', 'A0000030')");
    erp.sql().execute(
        "INSERT INTO ITMS (ItemCode, ItemName, ItmGrpCode, SalesUom, ListPrice, PriceCurr, ActiveFlag, WeightKg, "
        "BarCode, CreateDate, ModifiedDate) SELECT 'Z0000001            ', 'Boundary tie item', ItmGrpCode, "
        "SalesUom, '9.990000', PriceCurr, 'Y', NULL, NULL, CreateDate, '" +
        watermark + "' FROM ITMS WHERE ItemCode = 'A0000001'");
    r = shop.run({"catalog"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.summary["mode"], "incremental");
    EXPECT_EQ(r.summary["watermark_before"], watermark);
    EXPECT_EQ(r.summary["applied"], 4);
    const auto after = shop.webstore.dump("products");
    EXPECT_EQ(keysOfLinesOnlyIn(after, before),
              (std::set<std::string>{"A0000010", "A0000020", "A0000030", "Z0000001"}));
    EXPECT_EQ(keysOfLinesOnlyIn(before, after), (std::set<std::string>{"A0000010", "A0000020", "A0000030"}));
    EXPECT_EQ(
        shop.webstore.sql().value("SELECT CAST(list_price AS TEXT) FROM products WHERE sku = 'Z0000001'").substr(0, 4),
        "9.99");
    EXPECT_EQ(shop.webstore.count("products", "sku = 'A0000020' AND list_price = 777.77"), 1);

    // Committed late: an item changed with a timestamp 60 s before the watermark, inside the 300 s overlap.
    erp.sql().execute("UPDATE ITMS SET ListPrice = '555.550000', ModifiedDate = '" + shifted(watermark, -60) +
                      "' WHERE ItemCode = 'A0000040'");
    r = shop.run({"catalog"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.summary["mode"], "incremental");
    EXPECT_EQ(r.summary["applied"], 1);
    EXPECT_EQ(shop.webstore.count("products", "sku = 'A0000040' AND list_price = 555.55"), 1);
    EXPECT_EQ(keysOfLinesOnlyIn(shop.webstore.dump("products"), after), (std::set<std::string>{"A0000040"}));
    EXPECT_EQ(shop.webstore.sql().value("SELECT cursor FROM sync_cursors WHERE stream = 'products'"), watermark);
}

INSTANTIATE_TEST_SUITE_P(Erp, SyncRunIncremental, ::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                         [](const auto& info) { return backendName(info.param) + "Erp"; });

// ---------------------------------------------------------------------------------------------------------------
// 3. Deletes in the ERP, the deactivation guard and --dry-run.

class SyncRunDeletes : public ::testing::TestWithParam<Backend> {};

TEST_P(SyncRunDeletes, FullPullDeactivatesDeletedItemsRefusesToEmptyTheShopAndDryRunChangesNothing) {
    TempDir dir;
    auto pg = clusterIfNeeded({GetParam()});
    DemoErp erp(Backend::SQLite, dir.path(), erpOfSize(300));
    Shop shop(erp, GetParam(), dir, "webstore", pg.get());
    auto& w = shop.webstore;
    ASSERT_EQ(shop.run({"catalog", "--full"}).exit_code, 0);
    ASSERT_EQ(w.count("products"), 300);

    erp.sql().execute("DELETE FROM ITMS WHERE ItemCode = 'A0000007'");
    erp.sql().execute("UPDATE ITMS SET ListPrice = '1.230000' WHERE ItemCode = 'A0000008'");
    const auto before = w.dump("products");
    auto r = shop.run({"catalog", "--full", "--dry-run"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.summary["dry_run"], true);
    EXPECT_EQ(r.summary["applied"], 1);
    EXPECT_EQ(r.summary["deactivated"], 1);
    EXPECT_TRUE(w.dump("products") == before)
        << "a dry run commits nothing: " << firstDifference(before, w.dump("products"));
    EXPECT_EQ(w.count("job_runs", "mode = 'dry_run' AND status = 'succeeded'"), 1);

    r = shop.run({"catalog", "--full"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.summary["applied"], 1);
    EXPECT_EQ(r.summary["deactivated"], 1);
    EXPECT_EQ(w.count("products"), 300) << "deactivated, never deleted";
    EXPECT_EQ(w.count("products", "sku = 'A0000007' AND active = " + w.sqlTrue()), 0);
    EXPECT_EQ(w.count("products", "sku = 'A0000007'"), 1);
    EXPECT_EQ(w.count("products", "sku = 'A0000008' AND list_price = 1.23"), 1);

    // The ERP view suddenly returns half the items.
    erp.sql().execute("DELETE FROM ITMS WHERE ItemCode IN (SELECT ItemCode FROM ITMS ORDER BY ItemCode LIMIT 150)");
    ASSERT_EQ(erp.sql().count("SELECT COUNT(*) FROM ITMS"), 149);
    const auto guarded = w.dump("products");
    const auto refused = shop.syncline({"run", "catalog", "--full"});
    EXPECT_EQ(refused.exit_code, 65);
    EXPECT_THAT(refused.err, HasSubstr("would deactivate 150 of 299 products"));
    EXPECT_THAT(refused.err, HasSubstr("nothing was deactivated"));
    EXPECT_TRUE(w.dump("products") == guarded) << firstDifference(guarded, w.dump("products"));
    const auto last = w.sql().rows("SELECT status, error_kind, error FROM job_runs ORDER BY run_id DESC LIMIT 1");
    ASSERT_EQ(last.size(), 1u);
    EXPECT_EQ(last[0][0], "failed");
    EXPECT_EQ(last[0][1], "data");
    EXPECT_THAT(last[0][2].value_or(""), HasSubstr("150 of 299"));
}

INSTANTIATE_TEST_SUITE_P(Webstore, SyncRunDeletes, ::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                         [](const auto& info) { return backendName(info.param) + "Webstore"; });

// ---------------------------------------------------------------------------------------------------------------
// 4. kill -9 mid-run, then a rerun.

constexpr int kBatch = 500;
constexpr const char* kPriceRuleInserts =
    "SELECT COUNT(*) FROM audit_log WHERE entity = 'price_rule' AND action = 'insert'";

// Waits until the webstore holds at least `threshold` price rules (or the run of `child` ended). Returns
// the count seen.
std::int64_t waitForPriceRules(Shop& shop, ChildProcess& child, std::int64_t threshold) {
    std::int64_t seen = 0;
    while (child.running() && (seen = shop.webstore.count("price_rules")) < threshold) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return seen;
}

class SyncRunKill : public ::testing::TestWithParam<Backend> {};

TEST_P(SyncRunKill, KilledMidRunAndRerunGivesTheSameWebstoreAsACleanRun) {
    TempDir dir;
    auto pg = clusterIfNeeded({GetParam()});
    DemoErp erp(Backend::SQLite, dir.path(), erpOfSize(4000));
    const auto total = erp.sql().count(kPriceRuleCount);
    Shop clean(erp, Backend::SQLite, dir, "clean", nullptr, {{"price_rules", kBatch}});
    ASSERT_EQ(clean.run({"prices", "--full"}).exit_code, 0);
    ASSERT_EQ(clean.webstore.count("price_rules"), total);
    const auto expected = clean.webstore.dump("price_rules");

#ifndef SYNCLINE_FAULT_POINTS
    GTEST_SKIP() << "built without the crash points (SYNCLINE_FAULT_POINTS=OFF)";
#endif
    // Killed at a named point (engine/sync/fault_point.h): right after the first batch's commit, after a third
    // of the batches, and just before the commit of the batch after two thirds (its rows must not count).
    const auto batches = (total + kBatch - 1) / kBatch;
    const std::vector<std::pair<std::string, std::int64_t>> points = {
        {"pull_after_commit", 1}, {"pull_after_commit", batches / 3}, {"pull_before_commit", 2 * batches / 3 + 1}};
    int point = 0;
    for (const auto& [step, nth] : points) {
        const auto committed = step == "pull_after_commit" ? nth : nth - 1;
        SCOPED_TRACE("killed at " + step + " of batch " + std::to_string(nth) + " of " + std::to_string(batches));
        Shop shop(erp, GetParam(), dir, "killed" + std::to_string(point++), pg.get(), {{"price_rules", kBatch}});
        ASSERT_EQ(shop.syncline({"migrate"}).exit_code, 0);
        auto env = shop.env();
        env.push_back("SYNCLINE_FAULT_POINT=" + step + ":" + std::to_string(nth));
        ChildProcess child(shop.command({"run", "prices", "--full"}), env);
        const auto end = child.wait();
        ASSERT_TRUE(end.signaled) << "exit " << end.exit_code << ": " << end.err;
        EXPECT_EQ(end.signal, SIGKILL);

        const auto partial = shop.webstore.count("price_rules");
        EXPECT_EQ(partial, committed * kBatch) << "whole batches only, each committed one kept";
        const auto killed_run = shop.webstore.sql().count("SELECT MAX(run_id) FROM job_runs");
        EXPECT_EQ(shop.jobRunColumn(killed_run, "status"), "running") << "nobody could record the end";
        EXPECT_EQ(shop.jobRunColumn(killed_run, "rows_applied"), std::to_string(partial))
            << "the run shows what its committed batches applied (D19)";
        EXPECT_EQ(shop.webstore.sql().count("SELECT COUNT(*) FROM deferred_indexes"), 1)
            << "the first load dropped the price look-up index to build it at its end";
        // Each committed change has its audit row, and no audit row outlived its change.
        EXPECT_EQ(shop.webstore.sql().count(kPriceRuleInserts), partial);
        const auto verified = shop.syncline({"audit", "verify"});
        EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;

        const auto rerun = shop.run({"prices", "--full"});
        EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
        EXPECT_EQ(rerun.summary["applied"], total - partial) << "nothing is applied twice";
        EXPECT_EQ(rerun.summary["unchanged"], partial);
        const auto got = shop.webstore.dump("price_rules");
        EXPECT_TRUE(got == expected) << firstDifference(expected, got);
        EXPECT_EQ(shop.webstore.sql().count(kPriceRuleInserts), total) << "one audit row per change, none twice";
        EXPECT_EQ(shop.webstore.sql().count("SELECT COUNT(*) FROM deferred_indexes"), 0);
        EXPECT_EQ(
            shop.webstore.sql().count(GetParam() == Backend::SQLite
                                          ? "SELECT COUNT(*) FROM sqlite_master WHERE name = 'price_rules_lookup'"
                                          : "SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'price_rules_lookup'"),
            1)
            << "the rerun rebuilt the index";
        EXPECT_EQ(shop.syncline({"audit", "verify"}).exit_code, 0);
        EXPECT_EQ(shop.jobRunColumn(killed_run, "status"), "failed");
        EXPECT_THAT(shop.jobRunColumn(killed_run, "error"), HasSubstr("abandoned"));
        EXPECT_NE(shop.jobRunColumn(killed_run, "finished_at"), "");
    }
}

INSTANTIATE_TEST_SUITE_P(Webstore, SyncRunKill, ::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                         [](const auto& info) { return backendName(info.param) + "Webstore"; });

// ---------------------------------------------------------------------------------------------------------------
// 5. The ERP connection dropped mid-fetch.

TEST(SyncRunErpConnectionDropped, FailsTransientKeepsWholeBatchesAndTheNextRunCompletes) {
    TestPostgres pg;
    TempDir dir;
    DemoErp erp(Backend::PostgreSQL, dir.path(), erpOfSize(4000), &pg);
    const auto total = erp.sql().count(kPriceRuleCount);
    Shop shop(erp, Backend::SQLite, dir, "webstore", nullptr, {{"price_rules", kBatch}});
    ASSERT_EQ(shop.syncline({"migrate"}).exit_code, 0);

    ChildProcess child(shop.command({"run", "prices", "--full"}), shop.env());
    waitForPriceRules(shop, child, 1);
    ASSERT_TRUE(child.running()) << "the run ended before the connection could be dropped; make the ERP bigger";
    const auto terminated = erp.sql().rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                           erp.database() + "' AND pid <> pg_backend_pid()");
    EXPECT_FALSE(terminated.empty()) << "syncline's ERP connection was found";
    const auto end = child.wait();
    ASSERT_FALSE(end.signaled);
    EXPECT_EQ(end.exit_code, 75) << "temporary failure: " << end.err;
    EXPECT_THAT(end.err, HasSubstr("transient"));

    const auto partial = shop.webstore.count("price_rules");
    EXPECT_TRUE(partial % kBatch == 0 || partial == total) << partial << " of " << total;
    const auto run = shop.webstore.sql().rows("SELECT status, error_kind FROM job_runs ORDER BY run_id");
    ASSERT_EQ(run.size(), 1u);
    EXPECT_EQ(run[0][0], "failed");
    EXPECT_EQ(run[0][1], "transient");

    const auto rerun = shop.run({"prices", "--full"});
    EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(rerun.summary["unchanged"], partial);
    Shop clean(erp, Backend::SQLite, dir, "clean", nullptr, {{"price_rules", kBatch}});
    ASSERT_EQ(clean.run({"prices", "--full"}).exit_code, 0);
    const auto expected = clean.webstore.dump("price_rules");
    const auto got = shop.webstore.dump("price_rules");
    EXPECT_EQ(clean.webstore.count("price_rules"), total);
    EXPECT_TRUE(got == expected) << firstDifference(expected, got);
}

}  // namespace
}  // namespace syncline
