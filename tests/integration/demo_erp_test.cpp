// The demo ERP as the demo and later tests use it: generated in SQLite and in PostgreSQL, reached
// over ODBC through the generated odbc.ini by `syncline connectors test`, and shaped like a real ERP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using ::testing::HasSubstr;
using ::testing::Not;

std::string generator() {
    return std::string(SYNCLINE_BINARY_DIR) + "/syncline-demo-erp";
}

// Row counts per table, as `syncline connectors test --tables --json` reports them over ODBC.
std::map<std::string, long> odbcRowCounts(const std::string& config, const std::vector<std::string>& env = {}) {
    const auto r =
        testing::runProcess({testing::synclineBinary(), "-c", config, "--json", "connectors", "test", "--tables"}, env);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::map<std::string, long> counts;
    const auto j = nlohmann::json::parse(r.out);
    for (const auto& t : j.at("tables")) {
        std::string name = t.at("table");
        std::transform(name.begin(), name.end(), name.begin(), ::toupper);
        counts[name] = t.at("rows").get<long>();
    }
    return counts;
}

TEST(DemoErp, SqliteErpIsReachableOverOdbcAndShapedLikeAnErp) {
    testing::TempDir dir;
    const auto db = dir.file("erp.db");
    auto r = testing::runProcess({generator(), "--backend", "sqlite", "--sqlite-path", db, "--items", "300",
                                  "--odbc-dir", dir.file("odbc"), "--as-of", "2026-11-27"});
    ASSERT_EQ(r.exit_code, 0) << r.err;

    std::ofstream(dir.file("syncline.toml")) << "[webstore]\npath = \"webstore.db\"\n[erp]\ndsn = \"SynclineDemoERP\"\n"
                                                "odbc_ini_dir = \"odbc\"\n";
    const auto counts = odbcRowCounts(dir.file("syncline.toml"));
    EXPECT_EQ(counts.at("ITMS"), 300);
    EXPECT_EQ(counts.at("PRLP") + counts.at("SPPH") + counts.at("SPPB"), 1500) << "default: 5 price rows per item";
    EXPECT_GT(counts.at("ITWS"), 0);
    EXPECT_GT(counts.at("BPMS"), 0);
    EXPECT_GT(counts.at("SORH"), 0);

    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session erp("SQLite", db);
    std::string code;
    std::string price;
    erp << "SELECT ItemCode, ListPrice FROM ITMS LIMIT 1", into(code), into(price), now;
    EXPECT_EQ(code.size(), 20u) << "CHAR(20) codes are padded with spaces: '" << code << "'";
    EXPECT_EQ(code.back(), ' ');
    EXPECT_THAT(price, ::testing::MatchesRegex("[0-9]+\\.[0-9]{6}")) << "decimals are exact text";
    int bad_flags = -1;
    erp << "SELECT COUNT(*) FROM ITMS WHERE ActiveFlag NOT IN ('Y', 'N')", into(bad_flags), now;
    EXPECT_EQ(bad_flags, 0);
    int inactive = 0;
    erp << "SELECT COUNT(*) FROM ITMS WHERE ActiveFlag = 'N'", into(inactive), now;
    EXPECT_GT(inactive, 0) << "some items are inactive";

    std::ifstream ini(dir.file("odbc/odbc.ini"));
    std::stringstream text;
    text << ini.rdbuf();
    EXPECT_THAT(text.str(), HasSubstr("StepAPI=1")) << "streaming reads, not the whole result in memory";

    r = testing::runProcess({generator(), "--backend", "sqlite", "--sqlite-path", db, "--items", "10"});
    EXPECT_EQ(r.exit_code, 78) << "an existing ERP is not overwritten without --replace";
}

TEST(DemoErp, PostgresErpIsReachableOverPsqlOdbcWithPasswordFromEnvironment) {
    testing::TestPostgres pg;
    const auto database = pg.createDatabase("demo_erp");
    testing::TempDir dir;
    auto r = testing::runProcess({generator(), "--backend", "postgresql", "--pg", pg.connInfo(database), "--items",
                                  "200", "--odbc-dir", dir.file("odbc"), "--as-of", "2026-11-27"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(pg.password())));

    std::ifstream ini_in(dir.file("odbc/odbc.ini"));
    std::stringstream ini;
    ini << ini_in.rdbuf();
    EXPECT_THAT(ini.str(), Not(HasSubstr(pg.password()))) << "no password in odbc.ini";
    EXPECT_THAT(ini.str(), HasSubstr("UseDeclareFetch=1"));

    std::ofstream(dir.file("syncline.toml")) << "[webstore]\npath = \"webstore.db\"\n[erp]\ndsn = \"SynclineDemoERP\"\n"
                                                "odbc_ini_dir = \"odbc\"\nuser = \""
                                             << pg.user() << "\"\npassword_env = \"ERP_PW\"\n";
    const auto counts = odbcRowCounts(dir.file("syncline.toml"), {"ERP_PW=" + pg.password(), "PGPASSWORD="});
    EXPECT_EQ(counts.at("ITMS"), 200);
    EXPECT_EQ(counts.at("PRLP") + counts.at("SPPH") + counts.at("SPPB"), 1000);

    r = testing::runProcess({testing::synclineBinary(), "-c", dir.file("syncline.toml"), "connectors", "test"},
                            {"ERP_PW=not-the-password", "PGPASSWORD="});
    EXPECT_EQ(r.exit_code, 78) << "a wrong password is a config error, not a retry: " << r.err;
    EXPECT_THAT(r.err, HasSubstr("password authentication failed"));
    EXPECT_THAT(r.err, Not(HasSubstr("not-the-password")));
    pg.dropDatabase(database);
}

}  // namespace
}  // namespace syncline
