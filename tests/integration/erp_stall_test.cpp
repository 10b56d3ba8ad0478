// A stalled ERP link (issue 19, D2): the demo ERP in PostgreSQL reached through psqlODBC and a TCP proxy that stops
// forwarding mid-fetch without closing anything, as a hung middlebox, tunnel or pooler does. Keepalive cannot see
// it (the proxy's kernel answers) and no cancel request gets through it: the run's stall bound must end the run.
// Every check is what an admin sees: the exit code and message of `syncline run`, the job_runs row, the lease, and
// the daemon running the job's next firing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/sync_config.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

using store::Backend;
using testing::ChildProcess;
using testing::DemoErp;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::TestPostgres;
using testing::TestWebstore;

// The timeouts the stall bound is derived from: erp.login_timeout_s + 2 × erp.query_timeout_s + engine.lease_s.
constexpr int kLoginTimeout = 5;
constexpr int kQueryTimeout = 5;
constexpr int kLease = 2;
constexpr int kStallBound = kLoginTimeout + 2 * kQueryTimeout + kLease;
// How long past the bound a test waits before it calls the run hung: recording the failure, a loaded machine.
constexpr int kSlack = 30;

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Inserts `lines` right after the line `header` of `config`.
void addAfter(std::string& config, const std::string& header, const std::string& lines) {
    const auto at = config.find(header + "\n");
    ASSERT_NE(at, std::string::npos) << "no " << header << " in the config";
    config.insert(at + header.size() + 1, lines);
}

// The demo ERP in PostgreSQL, reached through a TCP proxy; an SQLite webstore; tight timeouts.
class ErpStall : public ::testing::Test {
  protected:
    void SetUp() override {
        testing::DemoErpOptions options;
        options.items = 4000;
        erp_ = std::make_unique<DemoErp>(Backend::PostgreSQL, dir_.path(), options, &pg_);
        proxy_ = std::make_unique<testing::TcpProxy>("127.0.0.1", pg_.port());
        // The DSN's Port goes to the proxy instead of the server.
        const auto ini = dir_.path() / "odbc" / "odbc.ini";
        const std::string rewired = std::regex_replace(readFile(ini), std::regex("(^|\n)[Pp]ort *=[^\n]*"),
                                                       "$1Port = " + std::to_string(proxy_->port()));
        ASSERT_NE(rewired, readFile(ini)) << "odbc.ini has no Port line";
        std::ofstream(ini, std::ios::trunc) << rewired;
        webstore_ = std::make_unique<TestWebstore>(Backend::SQLite, dir_.path(), "webstore");
        env_ = erp_->environment();
    }

    // The config: the demo's streams (price rules in batches of 50), tight timeouts, `sync` lines added to [sync],
    // `schedules` instead of the demo's.
    std::string writeConfig(const std::string& schedules = "", const std::string& sync = "") {
        const auto path =
            testing::writeSyncConfig(dir_.path() / "syncline.toml", *erp_, *webstore_, {{"price_rules", 50}});
        std::string config = readFile(path);
        if (const auto at = config.find("\n[schedule."); at != std::string::npos) {
            config.erase(at + 1);
        }
        addAfter(config, "node_name = \"test\"", "lease_s = " + std::to_string(kLease) + "\nshutdown_timeout_s = 10\n");
        addAfter(config, "[erp]",
                 "login_timeout_s = " + std::to_string(kLoginTimeout) +
                     "\nquery_timeout_s = " + std::to_string(kQueryTimeout) + "\n");
        addAfter(config, "[sync]", sync);
        std::ofstream(path, std::ios::trunc) << config << "\n" << schedules << "\n";
        return path;
    }

    std::vector<std::string> command(const std::string& config, const std::vector<std::string>& args) const {
        std::vector<std::string> out = {testing::synclineBinary(), "-c", config};
        out.insert(out.end(), args.begin(), args.end());
        return out;
    }

    // Waits until the webstore holds a price rule while `child` runs: the pull is between two fetches.
    void waitForFirstBatch(ChildProcess& child) {
        while (child.running() && webstore_->count("price_rules") == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }

    TempDir dir_;
    TestPostgres pg_;
    std::unique_ptr<DemoErp> erp_;
    std::unique_ptr<testing::TcpProxy> proxy_;
    std::unique_ptr<TestWebstore> webstore_;
    std::vector<std::string> env_;
};

TEST_F(ErpStall, ALinkThatStopsForwardingMidFetchEndsTheRunAsTransientWithItsRunFailed) {
    const auto config = writeConfig();
    ASSERT_EQ(testing::runProcess(command(config, {"migrate"}), env_).exit_code, 0);

    ChildProcess child(command(config, {"run", "prices", "--full"}), env_);
    waitForFirstBatch(child);
    ASSERT_TRUE(child.running()) << "the run ended before the link could stall; make the ERP bigger\n"
                                 << child.errSoFar();
    const std::int64_t applied_before_stall = webstore_->count("price_rules");
    proxy_->stall();
    const auto stalled_at = std::chrono::steady_clock::now();
    while (child.running() &&
           std::chrono::steady_clock::now() - stalled_at < std::chrono::seconds(kStallBound + kSlack)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const auto waited = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - stalled_at);
    ASSERT_FALSE(child.running()) << "the run still hangs " << waited.count() << " s after the link stalled (bound "
                                  << kStallBound << " s)\n"
                                  << child.errSoFar();
    const auto end = child.wait();
    std::cout << "the run ended " << waited.count() << " s after the stall (bound " << kStallBound << " s):\n"
              << end.err;
    ASSERT_FALSE(end.signaled);
    EXPECT_EQ(end.exit_code, 75) << end.err;
    // One line for the admin: the job, what stalled, the bound and what happens next.
    EXPECT_THAT(end.err, HasSubstr("syncline run prices: stalled: the ERP has not answered for "));
    EXPECT_THAT(end.err, HasSubstr("(reading stream 'price_rules'); no batch applied for "));
    EXPECT_THAT(end.err, HasSubstr(" s (stall bound: erp.login_timeout_s + 2 × erp.query_timeout_s + "
                                   "engine.lease_s = 5 + 2 × 5 + 2 = 17 s); "));
    EXPECT_THAT(end.err, HasSubstr("ended as failed (transient); the next run goes on from its last commit"));

    const auto runs = webstore_->sql().rows("SELECT status, error_kind, error, rows_applied FROM job_runs");
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0][0], "failed");
    EXPECT_EQ(runs[0][1], "transient");
    EXPECT_THAT(runs[0][2].value_or(""), HasSubstr("stalled: the ERP has not answered for "));
    EXPECT_GE(std::stoll(runs[0][3].value_or("0")), applied_before_stall) << "the committed batches are counted";
    EXPECT_EQ(webstore_->count("job_leases", "job = 'prices' AND holder IS NOT NULL"), 0) << "the lease is released";

    // Whole batches only, and the next run goes on once the link is back.
    const auto partial = webstore_->count("price_rules");
    EXPECT_EQ(partial % 50, 0) << partial;
    proxy_->resume();
    const auto rerun = testing::runProcess(command(config, {"run", "prices", "--full"}), env_);
    EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
    const auto total = erp_->sql().count(
        "SELECT (SELECT COUNT(*) FROM PRLP) + (SELECT COUNT(*) FROM SPPH WHERE ActiveFlag = 'Y') + "
        "(SELECT COUNT(*) FROM SPPB b JOIN SPPH h ON h.SpecPriceId = b.SpecPriceId WHERE h.ActiveFlag = 'Y')");
    EXPECT_EQ(webstore_->count("price_rules"), total);
    EXPECT_EQ(webstore_->count("job_runs", "status = 'succeeded'"), 1);
}

TEST_F(ErpStall, ARunPastItsDeadlineStopsAtItsNextCommitAsTransient) {
    // The link stalls after the first batch and comes back once the deadline (3 s, well within the stall bound)
    // has passed: the run stops at the commit of its next batch.
    const auto config = writeConfig("", "run_timeout_s = 3\n");
    ASSERT_EQ(testing::runProcess(command(config, {"migrate"}), env_).exit_code, 0);
    ChildProcess child(command(config, {"run", "prices", "--full"}), env_);
    waitForFirstBatch(child);
    ASSERT_TRUE(child.running()) << "the run ended before the link could stall; make the ERP bigger";
    proxy_->stall();
    const auto stalled_at = std::chrono::steady_clock::now();
    while (child.running() && child.errSoFar().find("it stops at its next commit") == std::string::npos &&
           std::chrono::steady_clock::now() - stalled_at < std::chrono::seconds(kStallBound)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_THAT(child.errSoFar(), HasSubstr("job prices: the run took longer than sync.run_timeout_s (3 s); stopped "
                                            "at a commit; it stops at its next commit (at most 10 s)"));
    proxy_->resume();
    const auto end = child.wait();
    ASSERT_FALSE(end.signaled);
    EXPECT_EQ(end.exit_code, 75) << end.err;
    EXPECT_THAT(end.err, HasSubstr("syncline run prices: transient error [deadline]: the run took longer than "
                                   "sync.run_timeout_s (3 s); stopped at a commit"));
    const auto runs = webstore_->sql().rows("SELECT status, error_kind, error FROM job_runs");
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(runs[0][0], "failed");
    EXPECT_EQ(runs[0][1], "transient");
    EXPECT_THAT(runs[0][2].value_or(""), HasSubstr("sync.run_timeout_s (3 s)"));
    EXPECT_EQ(webstore_->count("price_rules") % 50, 0) << "the batch in flight was rolled back";
}

TEST_F(ErpStall, TheDaemonRunsTheNextFiringAfterARunStalled) {
    const auto config = writeConfig("[schedule.prices]\nevery_s = 10\nretries = 0\nfull = true\n");
    ASSERT_EQ(testing::runProcess(command(config, {"migrate"}), env_).exit_code, 0);
    ChildProcess daemon(command(config, {"serve"}), env_);

    // The first firing's run, stalled mid-fetch.
    const auto started = std::chrono::steady_clock::now();
    while (daemon.running() && webstore_->count("price_rules") == 0 &&
           std::chrono::steady_clock::now() - started < std::chrono::seconds(60)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_GT(webstore_->count("price_rules"), 0) << "no firing ran\n" << daemon.errSoFar();
    proxy_->stall();
    ASSERT_EQ(webstore_->count("job_runs"), 1);
    ASSERT_EQ(webstore_->count("job_runs", "status = 'running'"), 1)
        << "the first run ended before the link could stall; make the ERP bigger";
    const std::string stalled_firing = webstore_->sql().value("SELECT firing FROM job_runs");

    const auto stalled_at = std::chrono::steady_clock::now();
    while (webstore_->count("job_runs", "status = 'failed'") == 0 &&
           std::chrono::steady_clock::now() - stalled_at < std::chrono::seconds(kStallBound + kSlack)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(webstore_->count("job_runs",
                               "status = 'failed' AND error_kind = 'transient' AND error LIKE "
                               "'%stalled: the ERP has not answered%'"),
              1)
        << "the stalled run was not ended\n"
        << daemon.errSoFar();
    proxy_->resume();

    // A later firing runs, and completes.
    const auto resumed_at = std::chrono::steady_clock::now();
    const std::string later = "status = 'succeeded' AND firing > '" + stalled_firing + "'";
    while (webstore_->count("job_runs", later) == 0 &&
           std::chrono::steady_clock::now() - resumed_at < std::chrono::seconds(90)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_EQ(webstore_->count("job_runs", later), 1) << daemon.errSoFar();
    daemon.kill(SIGTERM);
    const auto end = daemon.wait();
    EXPECT_EQ(end.exit_code, 0) << end.err;
    EXPECT_THAT(end.err, ::testing::ContainsRegex("job prices: run ended \\(pid [0-9]+, exit 75\\)"));
    EXPECT_THAT(end.err, HasSubstr("syncline run prices: stalled: the ERP has not answered for "));
}

}  // namespace
}  // namespace syncline
