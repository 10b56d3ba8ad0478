// The config `syncline serve` hands its job runs (issue 20): the text it validated with the environment's
// SYNCLINE_* overrides, through memory, so the daemon writes nothing beside its config (/etc/syncline under the
// package) and an edit of the file never reaches a run before a SIGHUP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

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
using ::testing::HasSubstr;
using testing::TempDir;
using testing::TestWebstore;
namespace fs = std::filesystem;

std::string readFile(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::set<std::string> entries(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir)) {
        out.insert(entry.path().filename().string());
    }
    return out;
}

template <typename Done>
void waitUntil(double deadline_s, Done done) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(deadline_s * 1000));
    while (!done() && std::chrono::steady_clock::now() < end) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

// The config names a DSN that does not exist; SYNCLINE_ERP__DSN names the demo ERP's. Scheduled runs succeed only if
// the override reaches them. The config sits alone in its folder, as /etc/syncline/syncline.toml does.
TEST(ServeConfig, ScheduledRunsSeeTheEnvironmentsOverridesAndNothingIsWrittenBesideTheConfig) {
    TempDir dir;
    DemoErp erp(Backend::SQLite, dir.path());
    TestWebstore webstore(Backend::SQLite, dir.path(), "shop");
    fs::create_directories(dir.path() / "etc");
    const auto config = testing::writeSyncConfig(dir.path() / "etc" / "syncline.toml", erp, webstore);
    std::string text = readFile(config);
    text = std::regex_replace(text, std::regex("dsn = \"SynclineDemoERP\""), "dsn = \"NoSuchErp\"");
    const auto schedules = text.find("\n[schedule.");
    if (schedules != std::string::npos) {
        text.erase(schedules);
    }
    std::ofstream(config, std::ios::trunc) << text << "\n[schedule.stock]\nevery_s = 2\n";
    auto env = erp.environment();
    env.push_back("SYNCLINE_ERP__DSN=SynclineDemoERP");
    const std::vector<std::string> migrate = {testing::synclineBinary(), "-c", config, "migrate"};
    ASSERT_EQ(testing::runProcess(migrate, env).exit_code, 0);
    const auto before = entries(dir.path() / "etc");

    ChildProcess daemon({testing::synclineBinary(), "-c", config, "serve"}, env);
    const std::string succeeded = "job = 'stock' AND triggered_by = 'schedule' AND status = 'succeeded'";
    waitUntil(60, [&] { return webstore.count("job_runs", succeeded) >= 1; });
    EXPECT_GE(webstore.count("job_runs", succeeded), 1) << daemon.errSoFar();
    EXPECT_GT(webstore.count("stock_levels"), 0);

    // An edit without SIGHUP (here a broken query) does not reach the runs: they read what the daemon validated.
    std::ofstream(config, std::ios::trunc) << std::regex_replace(text, std::regex("FROM ITWS"), "FROM NO_SUCH_TABLE")
                                           << "\n[schedule.stock]\nevery_s = 2\n";
    const auto runs = webstore.count("job_runs", succeeded);
    waitUntil(60, [&] { return webstore.count("job_runs", succeeded) >= runs + 2; });
    EXPECT_GE(webstore.count("job_runs", succeeded), runs + 2) << daemon.errSoFar();

    daemon.kill(SIGTERM);
    const auto end = daemon.wait();
    EXPECT_EQ(end.exit_code, 0) << end.err;
    EXPECT_EQ(webstore.count("job_runs", "job = 'stock' AND status = 'failed'"), 0) << end.err;
    EXPECT_EQ(entries(dir.path() / "etc"), before) << "the daemon wrote beside its config";
}

}  // namespace
}  // namespace syncline
