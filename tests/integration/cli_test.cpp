// The `syncline` executable as an admin uses it: exit codes, messages, files and rows it creates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/store/webstore.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::runProcess;
using testing::synclineBinary;
namespace fs = std::filesystem;

class CliTest : public ::testing::Test {
  protected:
    testing::ProcessResult syncline(std::vector<std::string> args, std::vector<std::string> env = {}) {
        args.insert(args.begin(), synclineBinary());
        return runProcess(args, env);
    }

    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir_.file(name)) << text;
        return dir_.file(name);
    }

    std::unique_ptr<store::Webstore> openStore() {
        store::ConnectionSettings settings;
        settings.sqlite_path = dir_.file("webstore.db");
        return store::Webstore::open(settings);
    }

    testing::TempDir dir_;
};

TEST_F(CliTest, VersionPrintsVersionAndSchema) {
    const auto r = syncline({"version", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["version"], "0.1.0");
    EXPECT_GE(j["schema_version"].get<int>(), 1);
}

TEST_F(CliTest, UsageErrorsExit64) {
    EXPECT_EQ(syncline({}).exit_code, 64);
    EXPECT_EQ(syncline({"no-such-command"}).exit_code, 64);
    EXPECT_EQ(syncline({"runs", "--limit", "zero"}).exit_code, 64);
}

TEST_F(CliTest, ServeWithoutAConfigFileSaysSoAndExits78) {
    const auto r = syncline({"-c", "no-such.toml", "serve"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr("no-such.toml: cannot read the config file"));
}

TEST_F(CliTest, ShippedConfigsAreValid) {
    const std::string src = SYNCLINE_SOURCE_DIR;
    auto r = syncline({"check-config", src + "/config/syncline.example.toml"}, {"SYNCLINE_ERP_PASSWORD=x"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(": OK"));
    r = syncline({"check-config", src + "/config/demo.toml"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(CliTest, BrokenConfigNamesFileLineAndKeyAndExits78) {
    const auto path = write("broken.toml",
                            "[webstore]\nbackend = \"sqlite\"\npath = \"w.db\"\n\n[erp]\ndsn = \"X\"\n"
                            "login_timeout = 5\n");
    const auto r = syncline({"check-config", path});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr(path + ":7:1: key 'erp.login_timeout': unknown key (did you mean "
                                        "'login_timeout_s'?)"));
    EXPECT_THAT(r.err, HasSubstr("1 problem found"));

    const auto j = nlohmann::json::parse(syncline({"--json", "check-config", path}).out);
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["issues"][0]["line"], 7);
    EXPECT_EQ(j["issues"][0]["key"], "erp.login_timeout");
}

TEST_F(CliTest, ConfigErrorsStopEveryCommandWith78) {
    const auto path = write("bad.toml", "[webstore]\nbackend = \"oracle\"\npath = \"w.db\"\n");
    const auto r = syncline({"-c", path, "migrate"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr("key 'webstore.backend': 'oracle' is not allowed; allowed: sqlite, postgresql"));
}

TEST_F(CliTest, InitWritesConfigAndCreatesWebstoreThenRefusesToOverwrite) {
    const auto config = dir_.file("etc/syncline.toml");
    auto r = syncline({"-c", config, "init", "--webstore", "data/webstore.db"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(fs::exists(config));
    EXPECT_TRUE(fs::exists(dir_.file("etc/data/webstore.db")));
    EXPECT_THAT(r.out, ::testing::MatchesRegex(".*\\(schema version [0-9]+\\).*"));
    EXPECT_EQ(syncline({"check-config", config}).exit_code, 0);

    r = syncline({"-c", config, "init"});
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_THAT(r.err, HasSubstr("already exists"));

    r = syncline({"-c", config, "migrate"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("up to date"));
    r = syncline({"-c", config, "--json", "runs"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out), nlohmann::json::array());
}

TEST_F(CliTest, RunsListsJobRunsAsTextAndJson) {
    const auto config = dir_.file("syncline.toml");
    ASSERT_EQ(syncline({"-c", config, "init"}).exit_code, 0);
    {
        auto store = openStore();
        using Poco::Data::Keywords::now;
        store->session()
            << "INSERT INTO job_runs (job, triggered_by, node, mode, status, started_at, finished_at, rows_read, "
               "rows_applied) VALUES ('catalog', 'manual', 'n1', 'full', 'succeeded', '2026-11-27T10:00:00Z', "
               "'2026-11-27T10:00:05Z', 100, 7)",
            now;
    }
    auto r = syncline({"-c", config, "runs"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("catalog"));
    EXPECT_THAT(r.out, HasSubstr("succeeded"));
    r = syncline({"-c", config, "--json", "runs", "--job", "catalog"});
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_FALSE(j[0].contains("rows_read")) << "keys are the listing's column names";
    EXPECT_EQ(j[0]["read"], 100);
    EXPECT_EQ(j[0]["applied"], 7);
    EXPECT_EQ(j[0]["status"], "succeeded");
}

// A value from the ERP (here an ERP error message kept in job_runs) with ESC sequences and a newline is shown as text:
// it can neither drive the admin's terminal nor fake a row of its own (issue 19, D13). --json keeps it exact.
TEST_F(CliTest, ControlCharactersInValuesAreEscapedInTables) {
    const auto config = dir_.file("syncline.toml");
    ASSERT_EQ(syncline({"-c", config, "init"}).exit_code, 0);
    std::string error =
        "ERP says \x1b[2J\x1b]0;owned\x07\n2 catalog full succeeded \xc2\x9b"
        "31m";
    {
        auto store = openStore();
        using Poco::Data::Keywords::now;
        using Poco::Data::Keywords::use;
        store->session() << "INSERT INTO job_runs (job, triggered_by, node, mode, status, started_at, error) VALUES "
                            "('catalog', 'manual', 'n1', 'full', 'failed', '2026-11-27T10:00:00Z', $1)",
            use(error), now;
    }
    const auto r = syncline({"-c", config, "runs"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find('\x07'), std::string::npos);
    EXPECT_EQ(r.out.find("\xc2\x9b"), std::string::npos) << "C1 CSI";
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2) << "the header and one row:\n" << r.out;
    EXPECT_THAT(r.out, HasSubstr(R"(ERP says \x1b[2J\x1b]0;owned\x07\n2 catalog)"));
    const auto j = nlohmann::json::parse(syncline({"-c", config, "--json", "runs"}).out);
    EXPECT_EQ(j[0]["error"], error);
}

TEST_F(CliTest, JobsListsTheJobsAndWhetherTheConfigHasThem) {
    const auto config = dir_.file("syncline.toml");
    ASSERT_EQ(syncline({"-c", config, "init"}).exit_code, 0);
    const auto r = syncline({"-c", config, "--json", "jobs"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 6u);
    EXPECT_EQ(j[0]["job"], "catalog");
    EXPECT_EQ(j[0]["configured"], false) << "the starter config has no [erp.streams]";
    EXPECT_EQ(j[0]["last_run"], nullptr);
    EXPECT_EQ(j[3]["job"], "prices");
    EXPECT_EQ(j[4]["job"], "order_push");
    EXPECT_EQ(j[4]["configured"], false) << "nor [erp.orders]";
    EXPECT_EQ(j[5]["job"], "order_status");
    EXPECT_EQ(j[0]["schedule"], "manual only") << "no [schedule.catalog]";
    EXPECT_EQ(j[0]["time_zone"], nullptr);
    EXPECT_TRUE(j[0]["next_runs"].empty());
}

// An ERP with the products stream only: catalog can be scheduled.
constexpr const char* kProductsErp =
    "[erp]\ndsn = \"Erp\"\n[erp.streams.products]\nquery = \"SELECT * FROM ITMS\"\n"
    "[erp.streams.products.fields]\nsku = \"A\"\nname = \"B\"\nunit = \"C\"\nlist_price = \"D\"\n"
    "currency = \"E\"\nactive = \"F\"\nerp_modified = \"G\"\n";

TEST_F(CliTest, JobsShowEachScheduleInWordsWithItsNextRuns) {
    const auto config = write("syncline.toml", "[webstore]\npath = \"webstore.db\"\n" + std::string(kProductsErp) +
                                                   "[schedule.catalog]\ncron = \"30 3 * * *\"\n"
                                                   "time_zone = \"Europe/Berlin\"\nmisfire = \"skip\"\n"
                                                   "[schedule.prices]\ncron = \"@hourly\"\nenabled = false\n"
                                                   "after = [\"catalog\"]\n");
    auto r = syncline({"-c", config, "--json", "jobs"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 6u);
    EXPECT_EQ(j[0]["schedule"], "at 03:30 every day");
    EXPECT_EQ(j[0]["time_zone"], "Europe/Berlin");
    EXPECT_EQ(j[0]["misfire"], "skip");
    EXPECT_EQ(j[0]["configured"], true);
    ASSERT_EQ(j[0]["next_runs"].size(), 5u);
    std::string previous;
    for (const auto& run : j[0]["next_runs"]) {
        const auto text = run.get<std::string>();
        EXPECT_THAT(text, ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2} 03:30:00 [+]0[12]:00")) << text;
        EXPECT_GT(text.substr(0, 10), previous) << "one a day, in order";
        previous = text.substr(0, 10);
    }
    EXPECT_EQ(j[3]["job"], "prices");
    EXPECT_EQ(j[3]["schedule"], "every hour (disabled)");
    EXPECT_EQ(j[3]["after"], nlohmann::json::array({"catalog"}));
    EXPECT_TRUE(j[3]["next_runs"].empty());
    EXPECT_EQ(j[4]["schedule"], "manual only");
    r = syncline({"-c", config, "jobs"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("at 03:30 every day"));
    EXPECT_THAT(r.out, HasSubstr("manual only"));
    EXPECT_THAT(r.out, HasSubstr("next runs (local time of each schedule):\n  catalog       20"));
}

TEST_F(CliTest, CheckConfigNamesABadCronExpressionsPositionAndColumn) {
    const auto config = write("bad.toml", "[webstore]\npath = \"webstore.db\"\n" + std::string(kProductsErp) +
                                              "[schedule.catalog]\ncron = \"30 24 * * *\"\n");
    const auto r = syncline({"check-config", config});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr("bad.toml:16:8: key 'schedule.catalog.cron': invalid cron expression \"30 24 * * *\": "
                                 "hour 24 out of range 0-23 at column 4"));
}

TEST_F(CliTest, JsonLogFormatWritesOneObjectPerLine) {
    const auto config = dir_.file("syncline.toml");
    const auto r = syncline({"-c", config, "--log-format", "json", "init"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::istringstream lines(r.err);
    int count = 0;
    for (std::string line; std::getline(lines, line);) {
        const auto j = nlohmann::json::parse(line);
        EXPECT_TRUE(j.contains("ts") && j.contains("level") && j.contains("msg")) << line;
        ++count;
    }
    EXPECT_GE(count, 1) << "init logs the migrations it applied";
}

TEST_F(CliTest, DatabaseFromNewerSynclineIsRefusedWith78) {
    const auto config = dir_.file("syncline.toml");
    ASSERT_EQ(syncline({"-c", config, "init"}).exit_code, 0);
    {
        auto store = openStore();
        using Poco::Data::Keywords::now;
        store->session() << "INSERT INTO schema_migrations VALUES (42, 'future', 'x', '2030-01-01T00:00:00Z')", now;
    }
    const auto r = syncline({"-c", config, "runs"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr("schema version 42"));
}

TEST_F(CliTest, PostgresWebstoreMigratesWithPasswordFromEnvironmentAndNeverPrintsIt) {
    testing::TestPostgres pg;
    const auto db = pg.createDatabase("cli");
    const auto config = write("pg.toml", "[webstore]\nbackend = \"postgresql\"\nhost = \"" + pg.host() + "\"\nport = " +
                                             std::to_string(pg.port()) + "\ndatabase = \"" + db + "\"\nuser = \"" +
                                             pg.user() + "\"\npassword_env = \"WS_PASSWORD\"\nsslmode = \"disable\"\n");
    auto r = syncline({"-c", config, "migrate"}, {"WS_PASSWORD=" + pg.password(), "PGPASSWORD="});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("applied 0001_initial"));
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(pg.password())));

    r = syncline({"-c", config, "migrate"}, {"WS_PASSWORD=wrong-password", "PGPASSWORD="});
    EXPECT_EQ(r.exit_code, 69);
    EXPECT_THAT(r.err, HasSubstr("cannot open webstore postgresql://"));
    EXPECT_THAT(r.err, Not(HasSubstr("wrong-password")));
    pg.dropDatabase(db);
}

// --- orders import / orders: a stand-in storefront and the order listing ---

/// Rows of `sql` with every value as text, NULL as "NULL".
std::vector<std::vector<std::string>> queryRows(store::Webstore& store, const std::string& sql) {
    Poco::Data::Statement statement(store.session());
    statement << sql;
    statement.execute();
    Poco::Data::RecordSet rs(statement);
    std::vector<std::vector<std::string>> rows;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        std::vector<std::string> row;
        for (std::size_t c = 0; c < rs.columnCount(); ++c) {
            row.push_back(rs.value(c).isEmpty() ? "NULL" : rs.value(c).convert<std::string>());
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

/// One customer and three products, one of them no longer active, as the pull jobs would have left them.
void seedCatalog(store::Webstore& store) {
    using Poco::Data::Keywords::now;
    const bool pg = store.backend() == store::Backend::PostgreSQL;
    store.session() << "INSERT INTO customers (code, name, currency, updated_at) VALUES "
                       "('C000001', 'Acme GmbH', 'EUR', '2026-11-01T00:00:00Z')",
        now;
    store.session() << std::string(
                           "INSERT INTO products (sku, name, unit, list_price, currency, active, updated_at) "
                           "VALUES ('A0000001', 'Bolt', 'pcs', '12.50', 'EUR', ") +
                           (pg ? "TRUE" : "1") +
                           ", '2026-11-01T00:00:00Z'), ('A0000002', 'Nut', 'pcs', '0.125', 'EUR', " +
                           (pg ? "TRUE" : "1") +
                           ", '2026-11-01T00:00:00Z'), ('A0000009', 'Retired', 'pcs', '1', 'EUR', " +
                           (pg ? "FALSE" : "0") + ", '2026-11-01T00:00:00Z')",
        now;
}

/// Two valid orders: W-1001 with two lines (total 2 x 12.50 + 3 x 0.125 = 25.375), the newer W-1002 with one.
const char* kGoodOrders = R"([
  {"order_id": "W-1001", "customer_code": "C000001", "currency": "EUR", "placed_at": "2026-11-27T10:00:00Z",
   "note": "deliver to gate 3",
   "lines": [{"sku": "A0000001", "quantity": "2", "unit_price": "12.50", "note": ""},
             {"sku": "A0000002", "quantity": "3", "unit_price": "0.125", "note": "loose"}]},
  {"order_id": "W-1002", "customer_code": "C000001", "currency": "EUR", "placed_at": "2026-11-28T09:30:00Z",
   "lines": [{"sku": "A0000001", "quantity": "1.5", "unit_price": "10"}]}
])";

class CliTestOrders : public CliTest {
  protected:
    void SetUp() override {
        config_ = dir_.file("syncline.toml");
        ASSERT_EQ(syncline({"-c", config_, "init"}).exit_code, 0);
        seedCatalog(*openStore());
    }

    std::string config_;
};

TEST_F(CliTestOrders, ImportWritesPlacedOrdersWithTheirLinesAsWritten) {
    const auto file = write("orders.json", kGoodOrders);
    const auto r = syncline({"-c", config_, "orders", "import", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("imported 2, skipped 0 (already imported), rejected 0 of 2 orders"));

    auto store = openStore();
    const auto orders = queryRows(*store,
                                  "SELECT order_id, customer_code, currency, status, placed_at, note, attempts, "
                                  "erp_doc_number, claimed_by FROM orders ORDER BY order_id");
    ASSERT_EQ(orders.size(), 2u);
    EXPECT_EQ(orders[0], (std::vector<std::string>{"W-1001", "C000001", "EUR", "placed", "2026-11-27T10:00:00Z",
                                                   "deliver to gate 3", "0", "NULL", "NULL"}));
    EXPECT_EQ(orders[1][0], "W-1002");
    EXPECT_EQ(orders[1][5], "") << "a missing note is stored empty";
    const auto lines = queryRows(*store,
                                 "SELECT order_id, line_no, sku, quantity, unit_price, note FROM order_lines "
                                 "ORDER BY order_id, line_no");
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0], (std::vector<std::string>{"W-1001", "1", "A0000001", "2", "12.50", ""}));
    EXPECT_EQ(lines[1], (std::vector<std::string>{"W-1001", "2", "A0000002", "3", "0.125", "loose"}));
    EXPECT_EQ(lines[2], (std::vector<std::string>{"W-1002", "1", "A0000001", "1.5", "10", ""}));
    EXPECT_EQ(queryRows(*store, "SELECT typeof(quantity), typeof(unit_price) FROM order_lines LIMIT 1")[0],
              (std::vector<std::string>{"text", "text"}))
        << "money is stored as exact text, never REAL";
}

TEST_F(CliTestOrders, ReimportingTheSameFileSkipsEveryOrder) {
    const auto file = write("orders.json", kGoodOrders);
    ASSERT_EQ(syncline({"-c", config_, "orders", "import", file}).exit_code, 0);

    auto r = syncline({"-c", config_, "orders", "import", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("imported 0, skipped 2 (already imported)"));
    EXPECT_THAT(r.err, HasSubstr("order W-1001: already imported, skipped"));
    EXPECT_THAT(r.err, HasSubstr("order W-1002: already imported, skipped"));

    r = syncline({"-c", config_, "--json", "orders", "import", file});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out),
              nlohmann::json({{"imported", 0}, {"skipped", 2}, {"rejected", nlohmann::json::array()}}));

    auto store = openStore();
    EXPECT_EQ(queryRows(*store, "SELECT COUNT(*) FROM orders")[0][0], "2");
    EXPECT_EQ(queryRows(*store, "SELECT COUNT(*) FROM order_lines")[0][0], "3");
}

TEST_F(CliTestOrders, BadOrdersAreNamedWithLineAndFieldAndDoNotStopTheGoodOnes) {
    const auto file = write("mixed.json", R"([
  {"order_id": "W-2001", "customer_code": "C000001", "currency": "EUR", "placed_at": "2026-11-27T10:00:00Z",
   "lines": [{"sku": "A0000001", "quantity": "1", "unit_price": "12.50"}]},
  {"order_id": "W-2002", "customer_code": "C000001", "currency": "EUR", "placed_at": "2026-11-27T10:00:00Z",
   "lines": [{"sku": "A0000001", "quantity": "1", "unit_price": "12.50"},
             {"sku": "A0000002", "quantity": "-1", "unit_price": "0.125"}]},
  {"order_id": "W-2003", "customer_code": "C000001", "currency": "EUR", "placed_at": "2026-11-27T10:00:00Z",
   "lines": [{"sku": "A0000001", "quantity": "1", "unit_price": 12.5}]},
  {"order_id": "W-2004", "customer_code": "C000001", "currency": "EUR", "placed_at": "2026-11-27T10:00:00Z",
   "lines": [{"sku": "A0000001", "quantity": "1", "unit_price": "12.50"},
             {"sku": "NO-SUCH-SKU", "quantity": "1", "unit_price": "1"},
             {"sku": "A0000009", "quantity": "1", "unit_price": "1"}]},
  {"order_id": "W-2005", "customer_code": "C404", "currency": "EUR", "placed_at": "2026-11-27T10:00:00Z",
   "lines": [{"sku": "A0000001", "quantity": "1", "unit_price": "12.50"}]},
  {"order_id": "W-2006", "customer_code": "C000001", "currency": "EUR", "placed_at": "2026-11-27T10:00:00Z"},
  {"order_id": "W-2007", "customer_code": "C000001", "currency": "EUR", "placed_at": "2026-11-29T08:00:00Z",
   "lines": [{"sku": "A0000002", "quantity": "4", "unit_price": "0.125"}]}
])");
    auto r = syncline({"-c", config_, "orders", "import", file});
    EXPECT_EQ(r.exit_code, 65) << r.err;
    EXPECT_THAT(r.out, HasSubstr("imported 2, skipped 0 (already imported), rejected 5 of 7 orders"));
    EXPECT_THAT(r.err, HasSubstr("order W-2002: line 2 field 'quantity' = \"-1\": must be greater than 0\n"));
    EXPECT_THAT(r.err, HasSubstr("order W-2003: line 1 field 'unit_price' = \"12.5\": must be a JSON string"));
    EXPECT_THAT(r.err, HasSubstr("never floating point"));
    EXPECT_THAT(r.err, HasSubstr("order W-2004: line 2 field 'sku' = \"NO-SUCH-SKU\": is not a product in the "
                                 "webstore; line 3 field 'sku' = \"A0000009\": is an inactive product"));
    EXPECT_THAT(r.err, HasSubstr("order W-2005: field 'customer_code' = \"C404\": is not a customer in the webstore"));
    EXPECT_THAT(r.err, HasSubstr("order W-2006: field 'lines' = \"\": an order needs at least one line"));
    EXPECT_THAT(r.err, Not(HasSubstr("W-2001")));
    EXPECT_THAT(r.err, Not(HasSubstr("W-2007")));

    auto store = openStore();
    EXPECT_EQ(queryRows(*store, "SELECT order_id FROM orders ORDER BY order_id"),
              (std::vector<std::vector<std::string>>{{"W-2001"}, {"W-2007"}}));
    EXPECT_EQ(queryRows(*store, "SELECT COUNT(*) FROM order_lines WHERE order_id NOT IN ('W-2001', 'W-2007')")[0][0],
              "0")
        << "a rejected order leaves no lines behind";

    r = syncline({"-c", config_, "--json", "orders", "import", file});
    EXPECT_EQ(r.exit_code, 65);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["imported"], 0);
    EXPECT_EQ(j["skipped"], 2);
    ASSERT_EQ(j["rejected"].size(), 6u) << j.dump(2);
    EXPECT_EQ(j["rejected"][0], nlohmann::json({{"order_id", "W-2002"},
                                                {"line", 2},
                                                {"field", "quantity"},
                                                {"value", "-1"},
                                                {"reason", "must be greater than 0"}}));
    EXPECT_EQ(j["rejected"][1]["order_id"], "W-2003");
    EXPECT_EQ(j["rejected"][1]["field"], "unit_price");
    EXPECT_EQ(j["rejected"][1]["value"], "12.5");
    EXPECT_EQ(j["rejected"][2]["line"], 2);
    EXPECT_EQ(j["rejected"][3]["line"], 3);
    EXPECT_EQ(j["rejected"][4]["field"], "customer_code");
    EXPECT_EQ(j["rejected"][4]["line"], nullptr);
    EXPECT_EQ(j["rejected"][5]["field"], "lines");
}

TEST_F(CliTestOrders, UnreadableMalformedAndOversizedFilesAreRefused) {
    auto r = syncline({"-c", config_, "orders", "import", dir_.file("missing.json")});
    EXPECT_EQ(r.exit_code, 66);
    EXPECT_THAT(r.err, HasSubstr("cannot read " + dir_.file("missing.json")));

    r = syncline({"-c", config_, "orders", "import", write("object.json", R"({"order_id": "W-1"})")});
    EXPECT_EQ(r.exit_code, 65);
    EXPECT_THAT(r.err, HasSubstr("must hold a JSON array of orders, not a JSON object"));

    r = syncline({"-c", config_, "orders", "import", write("broken.json", "[{\"order_id\": ")});
    EXPECT_EQ(r.exit_code, 65);
    EXPECT_THAT(r.err, HasSubstr("is not valid JSON"));

    const auto big = write("big.json", "[]");
    fs::resize_file(big, 64ull * 1024 * 1024 + 1);  // sparse: costs no disk space
    r = syncline({"-c", config_, "orders", "import", big});
    EXPECT_EQ(r.exit_code, 65);
    EXPECT_THAT(r.err, HasSubstr("at most 64 MiB"));

    EXPECT_EQ(syncline({"-c", config_, "orders", "import"}).exit_code, 64) << "the file is required";
    EXPECT_EQ(syncline({"-c", config_, "orders", "--status", "lost"}).exit_code, 64);
    EXPECT_EQ(queryRows(*openStore(), "SELECT COUNT(*) FROM orders")[0][0], "0");
}

TEST_F(CliTestOrders, OrdersListsNewestFirstWithTheExactTotal) {
    ASSERT_EQ(syncline({"-c", config_, "orders", "import", write("orders.json", kGoodOrders)}).exit_code, 0);
    auto r = syncline({"-c", config_, "--json", "orders"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[0]["order_id"], "W-1002") << "newest first";
    EXPECT_EQ(j[0]["total"], "15.00");
    EXPECT_EQ(j[1], nlohmann::json({{"order_id", "W-1001"},
                                    {"customer_code", "C000001"},
                                    {"status", "placed"},
                                    {"placed_at", "2026-11-27T10:00:00Z"},
                                    {"lines", 2},
                                    {"total", "25.375"},
                                    {"currency", "EUR"},
                                    {"erp_doc_number", nullptr},
                                    {"attempts", 0},
                                    {"last_error", nullptr}}));

    j = nlohmann::json::parse(syncline({"-c", config_, "--json", "orders", "--limit", "1"}).out);
    ASSERT_EQ(j.size(), 1u);
    EXPECT_EQ(j[0]["order_id"], "W-1002");
    EXPECT_EQ(nlohmann::json::parse(syncline({"-c", config_, "--json", "orders", "--status", "exported"}).out),
              nlohmann::json::array());

    r = syncline({"-c", config_, "orders", "--status", "placed"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("TOTAL"));
    EXPECT_THAT(r.out, HasSubstr("25.375"));
    EXPECT_THAT(syncline({"-c", config_, "orders", "--status", "shipped"}).out,
                HasSubstr("no orders with status shipped"));
}

TEST_F(CliTest, OrdersImportAndListOnPostgres) {
    testing::TestPostgres pg;
    const auto db = pg.createDatabase("cli_orders");
    const auto config = write("pg.toml", "[webstore]\nbackend = \"postgresql\"\nhost = \"" + pg.host() + "\"\nport = " +
                                             std::to_string(pg.port()) + "\ndatabase = \"" + db + "\"\nuser = \"" +
                                             pg.user() + "\"\npassword_env = \"WS_PASSWORD\"\nsslmode = \"disable\"\n");
    const std::vector<std::string> env = {"WS_PASSWORD=" + pg.password()};
    ASSERT_EQ(syncline({"-c", config, "migrate"}, env).exit_code, 0);
    {
        auto store = store::Webstore::open(pg.settings(db));
        seedCatalog(*store);
    }
    const auto file = write("orders.json", kGoodOrders);
    auto r = syncline({"-c", config, "orders", "import", file}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    r = syncline({"-c", config, "--json", "orders", "import", file}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["skipped"], 2);
    {
        auto store = store::Webstore::open(pg.settings(db));
        EXPECT_EQ(queryRows(*store,
                            "SELECT CAST(quantity AS TEXT), CAST(unit_price AS TEXT) FROM order_lines "
                            "WHERE order_id = 'W-1001' AND line_no = 2")[0],
                  (std::vector<std::string>{"3.000000", "0.125000"}));
        EXPECT_EQ(queryRows(*store, "SELECT status FROM orders WHERE order_id = 'W-1001'")[0][0], "placed");
    }
    r = syncline({"-c", config, "--json", "orders"}, env);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[1]["placed_at"], "2026-11-27T10:00:00Z");
    EXPECT_EQ(j[1]["total"], "25.375");
    EXPECT_EQ(j[0]["total"], "15.00");
    pg.dropDatabase(db);
}

}  // namespace
}  // namespace syncline
