// `syncline serve` and job leases end to end: the daemon firing jobs on their schedules, one daemon per SQLite
// webstore, several daemons sharing one PostgreSQL webstore with each firing run once, SIGTERM, and a lease holder
// killed (kill -9) or stopped (SIGSTOP) mid-run while another node takes the job over.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
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
using testing::TestPostgres;
using testing::TestWebstore;

// A config for node `node` of the shop: the demo streams and sync settings, without the demo's schedules, plus
// `extra` TOML (its own [schedule.*] tables).
std::string writeNodeConfig(const std::filesystem::path& dir, const DemoErp& erp, const TestWebstore& webstore,
                            const std::string& node, int lease_s, const std::string& extra,
                            const std::map<std::string, int>& batch_size = {}) {
    const auto path = testing::writeSyncConfig(dir / (node + ".toml"), erp, webstore, batch_size);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    std::string config = text.str();
    const auto schedules = config.find("\n[schedule.");
    if (schedules != std::string::npos) {
        config.erase(schedules);
    }
    config = std::regex_replace(
        config, std::regex("node_name = \"test\""),
        "node_name = \"" + node + "\"\nlease_s = " + std::to_string(lease_s) + "\nshutdown_timeout_s = 10");
    std::ofstream(path, std::ios::trunc) << config << "\n" << extra << "\n";
    return path;
}

std::vector<std::string> env(const DemoErp& erp, const TestWebstore& webstore) {
    auto out = erp.environment();
    for (const auto& e : webstore.environment()) {
        out.push_back(e);
    }
    return out;
}

std::vector<std::string> command(const std::string& config, const std::vector<std::string>& args) {
    std::vector<std::string> out = {testing::synclineBinary(), "-c", config};
    out.insert(out.end(), args.begin(), args.end());
    return out;
}

// Rows as text, NULL as "\\N".
std::vector<std::vector<std::string>> textRows(testing::SqlClient& sql, const std::string& query) {
    std::vector<std::vector<std::string>> out;
    for (const auto& row : sql.rows(query)) {
        auto& r = out.emplace_back();
        for (const auto& v : row) {
            r.push_back(v.value_or("\\N"));
        }
    }
    return out;
}

void sleepSeconds(double s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(s * 1000)));
}

/// Polls `done` every half second until it holds or `deadline_s` pass; the caller's assertions say what was missing.
template <typename Done>
void waitUntil(double deadline_s, Done done) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(deadline_s * 1000));
    while (!done() && std::chrono::steady_clock::now() < end) {
        sleepSeconds(0.5);
    }
}

TEST(ServeSqlite, FiresTheJobOnScheduleRefusesASecondDaemonAndStopsOnSigterm) {
    TempDir dir;
    DemoErp erp(Backend::SQLite, dir.path());
    TestWebstore webstore(Backend::SQLite, dir.path(), "shop");
    const auto config = writeNodeConfig(dir.path(), erp, webstore, "node-a", 10, "[schedule.stock]\nevery_s = 2\n");
    ASSERT_EQ(testing::runProcess(command(config, {"migrate"}), env(erp, webstore)).exit_code, 0);

    ChildProcess daemon(command(config, {"serve"}), env(erp, webstore));
    sleepSeconds(1.5);
    const auto second = testing::runProcess(command(config, {"serve"}), env(erp, webstore));
    EXPECT_EQ(second.exit_code, 69);
    EXPECT_THAT(second.err, HasSubstr("another syncline serve (node-a:"));
    EXPECT_THAT(second.err, HasSubstr("only one daemon may use an SQLite webstore"));
    {
        // The same file through a symlink is the same webstore (D16).
        std::ifstream in(config);
        std::stringstream text;
        text << in.rdbuf();
        std::smatch path;
        std::string body = text.str();
        ASSERT_TRUE(std::regex_search(body, path, std::regex("path = \"([^\"]+)\"")));
        const auto link = dir.path() / "shop-link.db";
        std::filesystem::create_symlink(path[1].str(), link);
        const auto linked = dir.file("linked.toml");
        std::ofstream(linked) << std::regex_replace(body, std::regex("path = \"[^\"]+\""),
                                                    "path = \"" + link.string() + "\"");
        const auto third = testing::runProcess(command(linked, {"serve"}), env(erp, webstore));
        EXPECT_EQ(third.exit_code, 69) << third.err;
        EXPECT_THAT(third.err, HasSubstr("another syncline serve (node-a:"));
    }

    // A manual run while the daemon runs the job waits for it or says who holds it; with --wait it runs after.
    const auto manual = testing::runProcess(command(config, {"run", "stock", "--wait"}), env(erp, webstore));
    EXPECT_EQ(manual.exit_code, 0) << manual.err;

    sleepSeconds(6);
    daemon.kill(SIGTERM);
    const auto end = daemon.wait();
    EXPECT_FALSE(end.signaled);
    EXPECT_EQ(end.exit_code, 0) << end.err;
    EXPECT_THAT(end.err, HasSubstr("run started"));
    EXPECT_THAT(end.err, HasSubstr("run ended"));

    const auto scheduled = textRows(
        webstore.sql(),
        "SELECT firing, status FROM job_runs WHERE job = 'stock' AND triggered_by = 'schedule' ORDER BY firing");
    EXPECT_GE(scheduled.size(), 2u) << "every 2 s for about 7 s";
    std::set<std::string> firings;
    for (const auto& row : scheduled) {
        EXPECT_TRUE(firings.insert(row[0]).second) << "firing " << row[0] << " ran twice";
        EXPECT_THAT(row[1], ::testing::AnyOf("succeeded", "cancelled"));
        EXPECT_EQ(row[0].substr(row[0].size() - 1), "Z");
    }
    EXPECT_EQ(webstore.count("job_leases", "holder IS NOT NULL"), 0) << "every lease released";
    EXPECT_EQ(webstore.count("job_runs", "status = 'running'"), 0);
}

// The receiving end of systemd's notification socket: a Unix datagram socket the daemon finds in $NOTIFY_SOCKET.
class NotifySocket {
  public:
    explicit NotifySocket(const std::filesystem::path& path) : path_(path.string()) {
        fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        if (fd_ < 0 || path_.size() >= sizeof addr.sun_path) {
            throw std::runtime_error("cannot make a notification socket at " + path_);
        }
        std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            throw std::runtime_error("cannot bind " + path_ + ": " + std::strerror(errno));
        }
    }
    ~NotifySocket() { ::close(fd_); }
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    const std::string& path() const { return path_; }

    /// Reads datagrams until one holds the line `state` (as "READY=1") or `seconds` pass.
    bool waitFor(const std::string& state, double seconds) {
        const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
        while (std::chrono::steady_clock::now() < end) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) != 1) {
                continue;
            }
            char buf[4096];
            const auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                continue;
            }
            const std::string message(buf, static_cast<std::size_t>(n));
            received += message + "|";
            std::istringstream lines(message);
            for (std::string line; std::getline(lines, line);) {
                if (line == state) {
                    return true;
                }
            }
        }
        return false;
    }

    std::string received;  ///< every message so far, each followed by '|'

  private:
    std::string path_;
    int fd_ = -1;
};

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Under systemd (Type=notify): READY when scheduling, WATCHDOG pings, RELOADING and READY around a SIGHUP, STOPPING
// on SIGTERM. A SIGHUP with an invalid config keeps the old schedule and says why; a valid one takes effect.
TEST(ServeSqlite, TellsSystemdItsStateAndReloadsItsConfigOnSighup) {
    TempDir dir;
    DemoErp erp(Backend::SQLite, dir.path());
    TestWebstore webstore(Backend::SQLite, dir.path(), "shop");
    const auto config = writeNodeConfig(dir.path(), erp, webstore, "node-a", 10, "[schedule.stock]\nevery_s = 2\n");
    ASSERT_EQ(testing::runProcess(command(config, {"migrate"}), env(erp, webstore)).exit_code, 0);
    const std::string valid = readFile(config);

    NotifySocket notify(dir.path() / "notify.sock");
    auto environment = env(erp, webstore);
    environment.push_back("NOTIFY_SOCKET=" + notify.path());
    environment.push_back("WATCHDOG_USEC=2000000");
    ChildProcess daemon(command(config, {"serve"}), environment);
    ASSERT_TRUE(notify.waitFor("READY=1", 60)) << notify.received;
    EXPECT_TRUE(notify.waitFor("WATCHDOG=1", 30)) << notify.received;
    const std::string stock_runs = "job = 'stock' AND triggered_by = 'schedule'";
    waitUntil(60, [&] { return webstore.count("job_runs", stock_runs) >= 1; });

    // An invalid config: the daemon says where and why, and goes on with the old schedule.
    std::ofstream(config, std::ios::trunc)
        << std::regex_replace(valid, std::regex("every_s = 2"), "cron = \"0 61 * * *\"");
    daemon.kill(SIGHUP);
    EXPECT_TRUE(notify.waitFor("RELOADING=1", 30)) << notify.received;
    EXPECT_TRUE(notify.waitFor("READY=1", 30)) << notify.received;
    const auto before = webstore.count("job_runs", stock_runs);
    waitUntil(60, [&] { return webstore.count("job_runs", stock_runs) >= before + 2; });
    EXPECT_GE(webstore.count("job_runs", stock_runs), before + 2) << "the old schedule still runs";

    // A valid one: customers every 2 s instead of stock.
    std::ofstream(config, std::ios::trunc)
        << std::regex_replace(valid, std::regex("\\[schedule\\.stock\\]"), "[schedule.customers]");
    daemon.kill(SIGHUP);
    EXPECT_TRUE(notify.waitFor("RELOADING=1", 30)) << notify.received;
    EXPECT_TRUE(notify.waitFor("READY=1", 30)) << notify.received;
    const std::string customer_runs = "job = 'customers' AND triggered_by = 'schedule'";
    waitUntil(60, [&] { return webstore.count("job_runs", customer_runs) >= 2; });
    EXPECT_GE(webstore.count("job_runs", customer_runs), 2) << "the new schedule runs";
    const auto stock_after = webstore.count("job_runs", stock_runs);

    daemon.kill(SIGTERM);
    EXPECT_TRUE(notify.waitFor("STOPPING=1", 30)) << notify.received;
    const auto end = daemon.wait();
    EXPECT_EQ(end.exit_code, 0) << end.err;
    EXPECT_THAT(end.err, HasSubstr("SIGHUP: " + config + ":"));
    EXPECT_THAT(end.err, HasSubstr("schedule.stock.cron"));
    EXPECT_THAT(end.err, HasSubstr("still running with the previous one"));
    EXPECT_THAT(end.err, HasSubstr("SIGHUP: config " + config + " reloaded"));
    EXPECT_LE(webstore.count("job_runs", stock_runs), stock_after + 1) << "stock is no longer scheduled";
    EXPECT_EQ(webstore.count("audit_log", "entity = 'config' AND action = 'reload'"), 1) << "the valid reload only";
}

// The daemon was down for a minute: the firings it missed are run once (run_once) or recorded as skipped (skip).
TEST(ServeSqlite, FiringsMissedWhileNoDaemonRanFollowEachJobsMisfirePolicy) {
    TempDir dir;
    DemoErp erp(Backend::SQLite, dir.path());
    TestWebstore webstore(Backend::SQLite, dir.path(), "shop");
    const auto config = writeNodeConfig(dir.path(), erp, webstore, "node-a", 10,
                                        "[schedule.stock]\nevery_s = 20\nmisfire = \"run_once\"\n"
                                        "[schedule.catalog]\nevery_s = 20\nmisfire = \"skip\"\n");
    ASSERT_EQ(testing::runProcess(command(config, {"migrate"}), env(erp, webstore)).exit_code, 0);
    // The last firings any daemon took, a minute and a half ago.
    const auto before = textRows(webstore.sql(), "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-90 seconds')")[0][0];
    for (const std::string job : {"stock", "catalog"}) {
        webstore.sql().execute("INSERT INTO job_firings (job, firing, node, outcome, claimed_at) VALUES ('" + job +
                               "', '" + before + "', 'node-a', 'ran', '" + before + "')");
    }
    ChildProcess daemon(command(config, {"serve"}), env(erp, webstore));
    for (int i = 0; i < 100 && webstore.count("job_runs", "job = 'stock' AND status <> 'running'") == 0; ++i) {
        sleepSeconds(0.1);
    }
    sleepSeconds(0.5);
    daemon.kill(SIGTERM);
    const auto end = daemon.wait();
    EXPECT_EQ(end.exit_code, 0) << end.err;
    EXPECT_THAT(end.err, HasSubstr("misfire policy run_once"));
    EXPECT_THAT(end.err, HasSubstr("misfire policy skip"));

    const auto stock = textRows(webstore.sql(), "SELECT firing, status FROM job_runs WHERE job = 'stock'");
    ASSERT_EQ(stock.size(), 1u) << "several missed firings run once";
    EXPECT_GT(stock[0][0], before);
    EXPECT_EQ(stock[0][1], "succeeded");
    EXPECT_EQ(webstore.count("job_runs", "job = 'catalog'"), 0) << "skip: the missed firings do not run";
    EXPECT_EQ(webstore.count("job_firings", "job = 'catalog' AND outcome = 'skipped'"), 1);
    EXPECT_EQ(webstore.count("job_firings", "job = 'stock' AND outcome = 'ran'"), 2);
}

TEST(ServePostgres, ThreeDaemonsRunEachFiringExactlyOnce) {
    TestPostgres pg;
    TempDir dir;
    DemoErp erp(Backend::SQLite, dir.path());
    TestWebstore webstore(Backend::PostgreSQL, dir.path(), "shop", &pg);
    std::vector<std::string> configs;
    for (const std::string node : {"node-a", "node-b", "node-c"}) {
        configs.push_back(writeNodeConfig(dir.path(), erp, webstore, node, 10, "[schedule.stock]\nevery_s = 2\n"));
    }
    ASSERT_EQ(testing::runProcess(command(configs[0], {"migrate"}), env(erp, webstore)).exit_code, 0);
    std::vector<std::unique_ptr<ChildProcess>> daemons;
    for (const auto& c : configs) {
        daemons.push_back(std::make_unique<ChildProcess>(command(c, {"serve"}), env(erp, webstore)));
    }
    // At least 25 firings (a minute at full speed; a slower machine, or a sanitizer build, takes longer).
    waitUntil(180, [&] {
        return webstore.count("job_runs", "job = 'stock' AND triggered_by = 'schedule' AND status <> 'running'") >= 25;
    });
    for (auto& d : daemons) {
        d->kill(SIGTERM);
    }
    for (auto& d : daemons) {
        const auto end = d->wait();
        EXPECT_EQ(end.exit_code, 0) << end.err;
    }
    const auto per_firing = textRows(
        webstore.sql(),
        "SELECT firing, COUNT(*) FROM job_runs WHERE job = 'stock' AND triggered_by = 'schedule' GROUP BY firing");
    EXPECT_GE(per_firing.size(), 25u) << "a firing every 2 s, for up to three minutes";
    for (const auto& row : per_firing) {
        EXPECT_EQ(row[1], "1") << "firing " << row[0] << " ran more than once";
    }
    EXPECT_EQ(webstore.count("job_firings", "job = 'stock' AND outcome = 'ran'"),
              static_cast<std::int64_t>(per_firing.size()));
    const auto nodes = textRows(webstore.sql(), "SELECT DISTINCT node FROM job_runs WHERE job = 'stock'");
    EXPECT_GE(nodes.size(), 1u);
    EXPECT_EQ(webstore.count("job_runs", "status = 'running'"), 0);
}

// A PostgreSQL cluster of the test's own (the shared one must not be restarted under other tests).
class PrivateCluster {
  public:
    explicit PrivateCluster(const std::filesystem::path& dir) : dir_(dir) {
        const auto r = testing::runProcess({script(), "start", dir_.string()});
        if (r.exit_code != 0) {
            throw std::runtime_error("pg_cluster.sh start: " + r.out + r.err);
        }
    }
    ~PrivateCluster() { testing::runProcess({script(), "stop", dir_.string()}); }
    PrivateCluster(const PrivateCluster&) = delete;
    PrivateCluster& operator=(const PrivateCluster&) = delete;
    testing::ProcessResult restart() { return testing::runProcess({script(), "restart", dir_.string()}); }
    const std::filesystem::path& dir() const { return dir_; }

  private:
    static std::string script() { return std::string(SYNCLINE_SOURCE_DIR) + "/tests/support/pg_cluster.sh"; }
    std::filesystem::path dir_;
};

TEST(ServePostgres, DaemonsReconnectAfterPostgresRestartsAndGoOn) {
    TempDir dir;
    PrivateCluster cluster(dir.path() / "pg");
    TestPostgres pg(cluster.dir());
    DemoErp erp(Backend::SQLite, dir.path());
    TestWebstore webstore(Backend::PostgreSQL, dir.path(), "shop", &pg);
    std::vector<std::string> configs;
    for (const std::string node : {"node-a", "node-b"}) {
        configs.push_back(writeNodeConfig(dir.path(), erp, webstore, node, 5,
                                          "[schedule.stock]\nevery_s = 1\nretries = 3\nretry_backoff_s = 1\n"));
    }
    ASSERT_EQ(testing::runProcess(command(configs[0], {"migrate"}), env(erp, webstore)).exit_code, 0);
    std::vector<std::unique_ptr<ChildProcess>> daemons;
    for (const auto& c : configs) {
        daemons.push_back(std::make_unique<ChildProcess>(command(c, {"serve"}), env(erp, webstore)));
    }
    sleepSeconds(4);
    const auto restarted = cluster.restart();
    ASSERT_EQ(restarted.exit_code, 0) << restarted.out << restarted.err;
    const auto restart_done = textRows(webstore.sql(), "SELECT CAST(now() AS TEXT)")[0][0];
    const std::string after_restart = "job = 'stock' AND status = 'succeeded' AND started_at > '" + restart_done + "'";
    waitUntil(90, [&] { return webstore.count("job_runs", after_restart) >= 4; });
    for (auto& d : daemons) {
        d->kill(SIGTERM);
    }
    std::string logs;
    for (auto& d : daemons) {
        const auto end = d->wait();
        EXPECT_FALSE(end.signaled);
        EXPECT_EQ(end.exit_code, 0) << end.err;
        logs += end.err;
    }
    EXPECT_GE(webstore.count("job_runs", after_restart), 4) << "the daemons went on after the restart\n" << logs;
    const auto per_firing = textRows(webstore.sql(),
                                     "SELECT firing, COUNT(*) FROM job_runs WHERE job = 'stock' AND triggered_by = "
                                     "'schedule' AND status = 'succeeded' GROUP BY firing");
    for (const auto& row : per_firing) {
        EXPECT_EQ(row[1], "1") << "firing " << row[0] << " succeeded more than once";
    }
    EXPECT_EQ(webstore.count("job_runs", "status = 'running'"), 0);
}

// A run whose batches take a while: many small batches of price rules.
class LeaseTakeover : public ::testing::Test {
  protected:
    void SetUp() override {
        erp_ = std::make_unique<DemoErp>(Backend::SQLite, dir_.path());
        webstore_ = std::make_unique<TestWebstore>(Backend::PostgreSQL, dir_.path(), "shop", &pg_);
        a_ = writeNodeConfig(dir_.path(), *erp_, *webstore_, "node-a", 2, "", {{"price_rules", 50}});
        b_ = writeNodeConfig(dir_.path(), *erp_, *webstore_, "node-b", 2, "", {{"price_rules", 50}});
        ASSERT_EQ(testing::runProcess(command(a_, {"migrate"}), env(*erp_, *webstore_)).exit_code, 0);
    }
    // Starts `run prices --full` on node a and returns once it committed some batches.
    std::unique_ptr<ChildProcess> startSlowRun() {
        auto run = std::make_unique<ChildProcess>(command(a_, {"run", "prices", "--full"}), env(*erp_, *webstore_));
        for (int i = 0; i < 600 && webstore_->count("price_rules") < 500; ++i) {
            sleepSeconds(0.02);
        }
        return run;
    }
    std::int64_t expectedRules() {
        return std::stoll(textRows(erp_->sql(),
                                   "SELECT (SELECT COUNT(*) FROM PRLP) + (SELECT COUNT(*) FROM SPPH WHERE ActiveFlag "
                                   "= 'Y') + (SELECT COUNT(*) FROM SPPB b JOIN SPPH h ON h.SpecPriceId = "
                                   "b.SpecPriceId WHERE h.ActiveFlag = 'Y')")[0][0]);
    }

    TestPostgres pg_;
    TempDir dir_;
    std::unique_ptr<DemoErp> erp_;
    std::unique_ptr<TestWebstore> webstore_;
    std::string a_;
    std::string b_;
};

TEST_F(LeaseTakeover, AHolderKilledMidRunIsResumedByAnotherNode) {
    auto run = startSlowRun();
    ASSERT_TRUE(run->running()) << "the run ended before it could be killed";
    run->kill(SIGKILL);
    run->wait();
    const auto early = testing::runProcess(command(b_, {"run", "prices"}), env(*erp_, *webstore_));
    EXPECT_EQ(early.exit_code, 75) << "another node must wait out the lease";
    EXPECT_THAT(early.err, HasSubstr("the job is running in node-a:"));

    sleepSeconds(3);  // the lease (2 s) expires
    const auto resumed = testing::runProcess(command(b_, {"run", "prices", "--resume"}), env(*erp_, *webstore_));
    EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
    EXPECT_THAT(resumed.err, HasSubstr("took over the lease of node-a:"));
    const auto runs =
        textRows(webstore_->sql(), "SELECT node, status, triggered_by, error FROM job_runs ORDER BY run_id");
    ASSERT_EQ(runs.size(), 2u);
    EXPECT_EQ(runs[0][0], "node-a");
    EXPECT_EQ(runs[0][1], "failed");
    EXPECT_THAT(runs[0][3], HasSubstr("lost the lease"));
    EXPECT_EQ(runs[1][0], "node-b");
    EXPECT_EQ(runs[1][1], "succeeded");
    EXPECT_EQ(runs[1][2], "retry");
    EXPECT_EQ(webstore_->count("price_rules", "active = TRUE"), expectedRules());
    EXPECT_EQ(webstore_->count("audit_log",
                               "entity = 'lease' AND entity_key = 'prices' AND action = 'takeover' AND "
                               "actor LIKE 'node:node-b:%' AND changes LIKE '%node-a:%'"),
              1)
        << "the takeover is in the audit log (D11)";
    EXPECT_EQ(testing::runProcess(command(b_, {"audit", "verify"}), env(*erp_, *webstore_)).exit_code, 0);
}

TEST_F(LeaseTakeover, AHolderStoppedPastItsLeaseCannotCommitAfterTheTakeover) {
    auto run = startSlowRun();
    ASSERT_TRUE(run->running());
    run->kill(SIGSTOP);
    sleepSeconds(3);
    const auto resumed = testing::runProcess(command(b_, {"run", "prices", "--resume"}), env(*erp_, *webstore_));
    EXPECT_EQ(resumed.exit_code, 0) << resumed.err;
    const auto rules_after_takeover = webstore_->count("price_rules");
    run->kill(SIGCONT);
    const auto end = run->wait();
    EXPECT_EQ(end.exit_code, 75) << end.err;
    // Stopped between two batches, its next commit finds the new fencing token; stopped inside a batch's
    // transaction, the server has ended that session (idle_in_transaction_session_timeout = lease_s) to free its
    // locks for the new holder.
    EXPECT_THAT(end.err, ::testing::AnyOf(HasSubstr("no longer held by node-a:"),
                                          HasSubstr("lost the connection to the webstore")));
    EXPECT_EQ(webstore_->count("price_rules"), rules_after_takeover) << "the stale holder committed after the takeover";
    const auto stale = textRows(webstore_->sql(), "SELECT status, error FROM job_runs WHERE node = 'node-a'");
    ASSERT_EQ(stale.size(), 1u);
    EXPECT_EQ(stale[0][0], "failed");
    EXPECT_EQ(webstore_->count("price_rules", "active = TRUE"), expectedRules());
    EXPECT_EQ(testing::runProcess(command(b_, {"audit", "verify"}), env(*erp_, *webstore_)).exit_code, 0);
}

}  // namespace
}  // namespace syncline
