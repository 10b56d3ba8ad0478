// config/syncline.service as systemd sees it: `systemd-analyze verify` finds nothing to say and `systemd-analyze
// security` rates its exposure 3.0 or below; it keeps what the daemon needs (notify, watchdog, no restart on a config
// error, optional credentials). systemd cannot start units on a build machine, so the behaviour of a start (e.g.
// without the credential files) rests on systemd.exec(5) of systemd 252; see docs/install.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::runProcess;
namespace fs = std::filesystem;

const std::string kUnit = std::string(SYNCLINE_SOURCE_DIR) + "/config/syncline.service";

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string systemdAnalyze() {
    for (const char* path : {"/usr/bin/systemd-analyze", "/bin/systemd-analyze"}) {
        if (fs::exists(path)) {
            return path;
        }
    }
    return "";
}

// Every "Key=value" of the unit, in order.
std::vector<std::pair<std::string, std::string>> directives(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        const auto equals = line.find('=');
        if (!line.empty() && line[0] != '#' && line[0] != '[' && equals != std::string::npos) {
            out.emplace_back(line.substr(0, equals), line.substr(equals + 1));
        }
    }
    return out;
}

class UnitFile : public ::testing::Test {
  protected:
    void SetUp() override {
        analyze_ = systemdAnalyze();
        if (analyze_.empty()) {
            GTEST_SKIP() << "systemd-analyze is not installed (Debian: apt-get install systemd)";
        }
    }
    std::string analyze_;
};

// verify checks that ExecStart= exists and that the man page of Documentation= opens: the unit is checked with the
// built binary in place of /usr/bin/syncline and the built man page on MANPATH.
TEST_F(UnitFile, SystemdAnalyzeVerifyFindsNothing) {
    testing::TempDir dir;
    const auto unit = dir.file("syncline.service");
    std::ofstream(unit) << std::regex_replace(slurp(kUnit), std::regex("/usr/bin/syncline"), testing::synclineBinary());
    const auto r = runProcess({analyze_, "verify", unit}, {"MANPATH=" + std::string(SYNCLINE_BINARY_DIR) + "/man"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(r.out + r.err, "") << "systemd-analyze verify has something to say";
}

TEST_F(UnitFile, SecurityExposureIsAtMostThree) {
    const auto r = runProcess({analyze_, "security", "--offline=true", kUnit});
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex("Overall exposure level for syncline\\.service: ([0-9.]+)")))
        << r.out << r.err;
    EXPECT_LE(std::stod(m[1]), 3.0) << r.out;
    EXPECT_THAT(r.err, Not(HasSubstr("Invalid"))) << "every setting parses";
}

TEST_F(UnitFile, KeepsWhatTheDaemonNeeds) {
    std::multimap<std::string, std::string> unit;
    for (const auto& [key, value] : directives(slurp(kUnit))) {
        unit.emplace(key, value);
    }
    const auto one = [&](const std::string& key) {
        EXPECT_EQ(unit.count(key), 1u) << key;
        return unit.count(key) == 1 ? unit.find(key)->second : "";
    };
    EXPECT_EQ(one("Type"), "notify");
    EXPECT_EQ(one("WatchdogSec"), "60");
    EXPECT_EQ(one("NotifyAccess"), "main");
    EXPECT_EQ(one("RestartPreventExitStatus"), "78");
    EXPECT_EQ(one("StateDirectory"), "syncline");
    EXPECT_EQ(one("User"), "syncline");
    EXPECT_EQ(one("ExecStart"), "/usr/bin/syncline --config /etc/syncline/syncline.toml serve");
    // The network stays reachable (PostgreSQL, ODBC drivers, the pricing APIs), and so does fork+exec of itself.
    EXPECT_EQ(one("RestrictAddressFamilies"), "AF_UNIX AF_INET AF_INET6");
    EXPECT_EQ(unit.count("PrivateNetwork"), 0u);
    EXPECT_EQ(unit.count("IPAddressDeny"), 0u);
    EXPECT_EQ(unit.count("NoExecPaths"), 0u);
    // Optional credentials: each LoadCredential= has a SetCredential= default of the same name (systemd 252 fails
    // the start on a missing file otherwise).
    const auto loads = unit.equal_range("LoadCredential");
    ASSERT_NE(loads.first, loads.second);
    for (auto it = loads.first; it != loads.second; ++it) {
        const std::string id = it->second.substr(0, it->second.find(':'));
        bool defaulted = false;
        for (auto set = unit.equal_range("SetCredential"); set.first != set.second; ++set.first) {
            defaulted = defaulted || set.first->second.rfind(id + ":", 0) == 0;
        }
        EXPECT_TRUE(defaulted) << "credential " << id << " would fail the start when its file is missing";
    }
}

// The user and state directory files the package installs, applied to a scratch root as the postinst does.
TEST_F(UnitFile, SysusersAndTmpfilesMakeTheUserAndItsStateDirectory) {
    testing::TempDir root;
    fs::create_directories(root.path() / "etc");
    fs::create_directories(root.path() / "usr/lib/sysusers.d");
    fs::create_directories(root.path() / "usr/lib/tmpfiles.d");
    fs::copy_file(std::string(SYNCLINE_SOURCE_DIR) + "/config/syncline.sysusers",
                  root.path() / "usr/lib/sysusers.d/syncline.conf");
    fs::copy_file(std::string(SYNCLINE_SOURCE_DIR) + "/config/syncline.tmpfiles",
                  root.path() / "usr/lib/tmpfiles.d/syncline.conf");
    auto r = runProcess({"systemd-sysusers", "--root=" + root.path().string(), "syncline.conf"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string passwd = slurp(root.file("etc/passwd"));
    std::smatch user;
    ASSERT_TRUE(std::regex_match(
        passwd, user,
        std::regex("syncline:x:([0-9]+):([0-9]+):Syncline sync engine:/var/lib/syncline:/usr/sbin/nologin\n")))
        << passwd;
    r = runProcess({"systemd-tmpfiles", "--root=" + root.path().string(), "--create", "syncline.conf"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto state = fs::status(root.path() / "var/lib/syncline");
    EXPECT_TRUE(fs::is_directory(state));
    EXPECT_EQ(state.permissions() & fs::perms::all,
              fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec);
    struct stat owner {};
    ASSERT_EQ(::stat(root.file("var/lib/syncline").c_str(), &owner), 0);
    EXPECT_EQ(std::to_string(owner.st_uid), user[1].str());
    EXPECT_EQ(std::to_string(owner.st_gid), user[2].str());
}

}  // namespace
}  // namespace syncline
