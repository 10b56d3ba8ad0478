// Secrets stay where they belong (issue 19, D1): the webstore's password never reaches another server, and the job
// runs `syncline serve` starts hold no secret in their environment.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/process.h"
#include "tests/support/sync_config.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

/// A server on 127.0.0.1 that speaks just enough of PostgreSQL's protocol to ask every client for its password in
/// clear (AuthenticationCleartextPassword), and keeps what it receives. With `answer` false it accepts and stays
/// silent instead (a client waits in its login).
class PasswordTrap {
  public:
    explicit PasswordTrap(bool answer = true) : answer_(answer) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener_, 16) != 0 ||
            ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
            throw std::runtime_error("PasswordTrap: cannot listen");
        }
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~PasswordTrap() {
        stop_ = true;
        thread_.join();
        ::close(listener_);
        for (const int fd : silent_) {
            ::close(fd);
        }
    }
    int port() const { return port_; }
    /// Every byte the clients sent after the server asked for a password.
    std::string received() {
        std::lock_guard lock(mutex_);
        return received_;
    }
    int connections() const { return connections_; }

  private:
    void serve() {
        while (!stop_) {
            pollfd p{listener_, POLLIN, 0};
            if (::poll(&p, 1, 100) <= 0) {
                continue;
            }
            const int fd = ::accept(listener_, nullptr, nullptr);
            if (fd < 0) {
                continue;
            }
            ++connections_;
            if (!answer_) {
                silent_.push_back(fd);
                continue;
            }
            talk(fd);
            ::close(fd);
        }
    }

    // Startup (after refusing SSL/GSS encryption), then the password request, then whatever comes back.
    void talk(int fd) {
        for (;;) {
            const std::string packet = readSome(fd, 2000);
            if (packet.size() < 8) {
                return;
            }
            const std::uint32_t code = ntohl(*reinterpret_cast<const std::uint32_t*>(packet.data() + 4));
            if (code == 80877103 || code == 80877104) {  // SSLRequest, GSSENCRequest: "no"
                (void)!::write(fd, "N", 1);
                continue;
            }
            break;
        }
        const unsigned char ask[] = {'R', 0, 0, 0, 8, 0, 0, 0, 3};
        (void)!::write(fd, ask, sizeof ask);
        const std::string reply = readSome(fd, 10000);  // a client without a password closes at once
        std::lock_guard lock(mutex_);
        received_ += reply;
    }

    static std::string readSome(int fd, int timeout_ms) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) <= 0) {
            return "";
        }
        char buf[4096];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    }

    bool answer_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::vector<int> silent_;
    std::mutex mutex_;
    std::string received_;
    std::thread thread_;
};

// The [erp] section of an ERP reached through psqlODBC at `port` as user erp, with no password of its own or with
// one from environment variable ERP_SECRET.
std::string erpSection(int port, bool password) {
    return "[erp]\nconnector = \"odbc\"\nconnection_string = "
           "\"Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=127.0.0.1;Port=" +
           std::to_string(port) + ";Database=erp;SSLMode=disable\"\nuser = \"erp\"\n" +
           (password ? "password_env = \"ERP_SECRET\"\n" : "") + "login_timeout_s = 30\n";
}

// A config: the test cluster's webstore with its password in a file, the ERP of `erp_section`, and `extra`.
std::string writeConfig(const testing::TempDir& dir, const testing::TestPostgres& pg, const std::string& database,
                        const std::string& erp_section, const std::string& extra = "") {
    const std::string password_file = dir.file("webstore.password");
    std::ofstream(password_file) << pg.password() << "\n";
    std::filesystem::permissions(password_file, std::filesystem::perms::owner_read);
    std::string streams = testing::demoStreamSections();
    streams.erase(std::min(streams.find("\n[schedule."), streams.size()));  // the test's own schedules only
    const std::string path = dir.file("syncline.toml");
    std::ofstream out(path);
    out << "[engine]\nnode_name = \"test\"\nlease_s = 10\n\n"
        << "[webstore]\nbackend = \"postgresql\"\nhost = \"" << pg.host() << "\"\nport = " << pg.port()
        << "\ndatabase = \"" << database << "\"\nuser = \"" << pg.user() << "\"\npassword_file = \"" << password_file
        << "\"\nsslmode = \"disable\"\n\n"
        << erp_section << "\n"
        << extra << "\n"
        << streams;
    return path;
}

TEST(Secrets, TheWebstorePasswordNeverReachesTheErpServer) {
    testing::TempDir dir;
    testing::TestPostgres pg;
    const auto database = pg.createDatabase("secrets");
    PasswordTrap erp;
    const auto config = writeConfig(dir, pg, database, erpSection(erp.port(), false));
    const auto run = testing::runProcess({testing::synclineBinary(), "-c", config, "run", "stock"});
    EXPECT_NE(run.exit_code, 0) << "the trap is no ERP";
    EXPECT_GE(erp.connections(), 1) << "the run reached the ERP: " << run.err;
    EXPECT_THAT(erp.received(), Not(HasSubstr(pg.password()))) << "the webstore's password went to the ERP's server";
    EXPECT_THAT(run.err, Not(HasSubstr(pg.password())));
    pg.dropDatabase(database);
}

// The text of every psqlODBC log file in /tmp (mylog_*, psqlodbc_*) changed since `since`.
std::string driverLogsSince(std::filesystem::file_time_type since) {
    std::string out;
    for (const auto& entry : std::filesystem::directory_iterator("/tmp")) {
        const std::string name = entry.path().filename();
        if ((name.rfind("mylog_", 0) == 0 || name.rfind("psqlodbc_", 0) == 0) && entry.is_regular_file() &&
            entry.last_write_time() >= since) {
            std::ifstream in(entry.path());
            std::stringstream text;
            text << in.rdbuf();
            out += text.str();
        }
    }
    return out;
}

// D10: psqlODBC's Debug writes the connection string, password included, to a world-readable file in /tmp. On
// in the driver's global odbcinst.ini section, nothing in a connection can stop it: Syncline refuses, before any
// connection, and says where. On in a DSN, Syncline's Debug=0;CommLog=0 in the connection string turns it off.
TEST(Secrets, PsqlOdbcLoggingIsRefusedOrTurnedOffAndNeverWritesThePassword) {
    testing::TempDir dir;
    testing::TestPostgres pg;
    const auto database = pg.createDatabase("secrets");
    PasswordTrap erp;
    const std::string erp_secret = "erp-secret-Zq81x";
    const auto odbc_dir = dir.path() / "odbc";
    std::filesystem::create_directories(odbc_dir);
    std::ofstream(odbc_dir / "odbcinst.ini") << "[PostgreSQL Unicode]\nDriver=psqlodbcw.so\nDebug=1\n";
    const std::string by_path = "[erp]\nconnector = \"odbc\"\nconnection_string = "
                                "\"Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=127.0.0.1;Port=" +
                                std::to_string(erp.port()) + ";Database=erp\"\nodbc_ini_dir = \"" + odbc_dir.string() +
                                "\"\nuser = \"erp\"\npassword_env = \"ERP_SECRET\"\n";
    auto run = testing::runProcess(
        {testing::synclineBinary(), "-c", writeConfig(dir, pg, database, by_path), "connectors", "test"},
        {"ERP_SECRET=" + erp_secret});
    EXPECT_EQ(run.exit_code, 78) << run.err;
    EXPECT_THAT(run.err, HasSubstr("Debug is on in odbcinst.ini [PostgreSQL Unicode]"));

    std::string in_string = erpSection(erp.port(), true);
    in_string.replace(in_string.find("SSLMode=disable"), 15, "SSLMode=disable;Debug=1");
    run = testing::runProcess(
        {testing::synclineBinary(), "-c", writeConfig(dir, pg, database, in_string), "connectors", "test"},
        {"ERP_SECRET=" + erp_secret});
    EXPECT_EQ(run.exit_code, 78) << run.err;
    EXPECT_THAT(run.err, HasSubstr("Debug is on in the connection string"));
    EXPECT_EQ(erp.connections(), 0) << "refused before connecting";

    // A DSN that turns both on: the connection goes ahead, with the logs off.
    std::ofstream(odbc_dir / "odbcinst.ini", std::ios::trunc) << "[PostgreSQL Unicode]\nDriver=psqlodbcw.so\n";
    std::ofstream(odbc_dir / "odbc.ini") << "[Erp]\nDriver=PostgreSQL Unicode\nServername=127.0.0.1\nPort="
                                         << erp.port() << "\nDatabase=erp\nDebug=1\nCommLog=1\n";
    const std::string by_dsn = "[erp]\nconnector = \"odbc\"\ndsn = \"Erp\"\nodbc_ini_dir = \"" + odbc_dir.string() +
                               "\"\nuser = \"erp\"\npassword_env = \"ERP_SECRET\"\n";
    const auto since = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(1);
    run = testing::runProcess(
        {testing::synclineBinary(), "-c", writeConfig(dir, pg, database, by_dsn), "connectors", "test"},
        {"ERP_SECRET=" + erp_secret});
    EXPECT_NE(run.exit_code, 78) << run.err;
    EXPECT_GE(erp.connections(), 1) << "it connected: " << run.err;
    EXPECT_THAT(driverLogsSince(since), Not(HasSubstr(erp_secret)));
    pg.dropDatabase(database);
}

// libpq takes PGPASSWORD before any password file: beside a configured webstore password it would win, and go to
// the webstore's server (and the webstore's password nowhere). check-config refuses that pair and says why.
TEST(Secrets, PgpasswordBesideAWebstorePasswordIsRefused) {
    testing::TempDir dir;
    testing::TestPostgres pg;
    const auto config = writeConfig(dir, pg, "unused", erpSection(5432, false));
    const auto checked =
        testing::runProcess({testing::synclineBinary(), "check-config", config}, {"PGPASSWORD=meant-for-the-erp"});
    EXPECT_EQ(checked.exit_code, 78) << checked.err;
    EXPECT_THAT(checked.err, HasSubstr("PGPASSWORD is set in the environment"));
    EXPECT_THAT(checked.err, Not(HasSubstr("meant-for-the-erp")));
}

std::vector<pid_t> childrenOf(pid_t parent) {
    std::vector<pid_t> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        std::getline(stat, line);
        const auto close = line.rfind(')');
        if (close == std::string::npos) {
            continue;
        }
        std::istringstream rest(line.substr(close + 2));
        char state = 0;
        pid_t ppid = 0;
        rest >> state >> ppid;
        if (ppid == parent) {
            out.push_back(static_cast<pid_t>(std::stoi(name)));
        }
    }
    return out;
}

std::string environOf(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The daemon holds the ERP password in its environment (password_env) and the webstore's in a file. The job run it
// starts gets both, and neither is in its environment. The ERP stays silent, so the run waits in its login while
// the test reads /proc/<child>/environ.
TEST(Secrets, AJobRunOfTheDaemonHoldsNoSecretInItsEnvironment) {
    testing::TempDir dir;
    testing::TestPostgres pg;
    const auto database = pg.createDatabase("secrets");
    PasswordTrap erp(false);
    const std::string erp_secret = "erp-secret-a7Qk2";
    const auto config = writeConfig(dir, pg, database, erpSection(erp.port(), true), "[schedule.stock]\nevery_s = 1\n");
    const auto migrated =
        testing::runProcess({testing::synclineBinary(), "-c", config, "migrate"}, {"ERP_SECRET=" + erp_secret});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    testing::ChildProcess daemon({testing::synclineBinary(), "-c", config, "serve"}, {"ERP_SECRET=" + erp_secret});
    std::vector<pid_t> children;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end && (children.empty() || erp.connections() == 0)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        children = childrenOf(daemon.pid());
    }
    ASSERT_FALSE(children.empty()) << daemon.errSoFar();
    ASSERT_GE(erp.connections(), 1) << "the run got its secrets and reached the ERP: " << daemon.errSoFar();
    EXPECT_THAT(environOf(daemon.pid()), HasSubstr(erp_secret)) << "the test gave the daemon the secret";
    int read = 0;
    for (const pid_t child : children) {
        const auto environ = environOf(child);
        if (environ.find("PATH=") == std::string::npos) {
            continue;  // ended before it could be read (a run of another firing)
        }
        ++read;
        EXPECT_THAT(environ, Not(HasSubstr(erp_secret))) << "pid " << child;
        EXPECT_THAT(environ, Not(HasSubstr(pg.password()))) << "pid " << child;
        EXPECT_THAT(environ, Not(HasSubstr("PGPASSWORD"))) << "pid " << child;
    }
    EXPECT_GE(read, 1) << "no job run's environment could be read";
    daemon.kill(SIGTERM);
    daemon.wait();
    pg.dropDatabase(database);
}

}  // namespace
}  // namespace syncline
