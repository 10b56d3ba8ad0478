// The `syncline` executable as an admin uses it: exit codes, messages, files and rows it creates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

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

TEST_F(CliTest, CommandsOfLaterVersionsSayTheyAreNotAvailable) {
    const auto r = syncline({"serve"});
    EXPECT_EQ(r.exit_code, 69);
    EXPECT_THAT(r.err, HasSubstr("syncline serve: not available"));
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
    EXPECT_THAT(r.out, HasSubstr("schema version 2"));
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

TEST_F(CliTest, JobsListsThePullJobsAndWhetherTheConfigHasThem) {
    const auto config = dir_.file("syncline.toml");
    ASSERT_EQ(syncline({"-c", config, "init"}).exit_code, 0);
    const auto r = syncline({"-c", config, "--json", "jobs"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j.size(), 4u);
    EXPECT_EQ(j[0]["job"], "catalog");
    EXPECT_EQ(j[0]["configured"], false) << "the starter config has no [erp.streams]";
    EXPECT_EQ(j[0]["last_run"], nullptr);
    EXPECT_EQ(j[3]["job"], "prices");
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

}  // namespace
}  // namespace syncline
