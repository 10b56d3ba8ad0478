// The conventions of the `syncline` command line as an admin meets them (issue 20): --version with the commit,
// did-you-mean for a mistyped command, help with an example and a doc, internal flags hidden, dates validated,
// NO_COLOR, where the config is looked for, and the environment's overrides.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessResult;
using testing::runProcess;
using testing::synclineBinary;
namespace fs = std::filesystem;

class CliConventions : public ::testing::Test {
  protected:
    ProcessResult syncline(std::vector<std::string> args, std::vector<std::string> env = {}) {
        args.insert(args.begin(), synclineBinary());
        return runProcess(args, env);
    }

    // `syncline ARGS` run in `dir` with SYNCLINE_CONFIG unset (env -C: the lookup of ./syncline.toml).
    ProcessResult synclineIn(const fs::path& dir, std::vector<std::string> args, std::vector<std::string> env = {}) {
        std::vector<std::string> command = {"env", "-u", "SYNCLINE_CONFIG", "-C", dir.string()};
        command.insert(command.end(), env.begin(), env.end());
        command.push_back(synclineBinary());
        command.insert(command.end(), args.begin(), args.end());
        return runProcess(command);
    }

    std::string write(const std::string& name, const std::string& text) {
        fs::create_directories(fs::path(dir_.file(name)).parent_path());
        std::ofstream(dir_.file(name)) << text;
        return dir_.file(name);
    }

    testing::TempDir dir_;
};

const std::string kMinimal = "[webstore]\nbackend = \"sqlite\"\npath = \"webstore.db\"\n";

TEST_F(CliConventions, VersionNamesTheVersionAndTheGitCommit) {
    const auto r = syncline({"--version"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(
        r.out, m,
        std::regex("syncline 0\\.1\\.0 \\(git ([0-9a-f]{7,}(-dirty)?|unknown), webstore schema [0-9]+, "
                   "[a-z]+ build\\)\n")))
        << r.out;
    const auto j = nlohmann::json::parse(syncline({"version", "--json"}).out);
    EXPECT_EQ(j["commit"], m[1].str());
}

TEST_F(CliConventions, AMistypedCommandOrOptionGetsTheClosestOne) {
    auto r = syncline({"serv"});
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_THAT(r.err, HasSubstr("syncline: 'serv' is not a command of syncline (did you mean 'serve'?)"));
    r = syncline({"-c", "x.toml", "audit", "verfy"});
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_THAT(r.err,
                HasSubstr("syncline audit: 'verfy' is not a command of syncline audit (did you mean 'verify'?)"));
    r = syncline({"runs", "--jsn"});
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_THAT(r.err, HasSubstr("syncline runs: unknown option '--jsn' (did you mean '--json'?)"));
    r = syncline({"frobnicate"});
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_THAT(r.err, HasSubstr("'frobnicate' is not a command of syncline\n"));
    r = syncline({});
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_THAT(r.err, HasSubstr("syncline: which command? One of: init, migrate, check-config"));
}

// Every command's path ("audit verify"), from the help of the commands above it.
std::vector<std::string> commandPaths(const std::string& prefix = "") {
    std::vector<std::string> args = {synclineBinary()};
    std::istringstream words(prefix);
    for (std::string w; words >> w;) {
        args.push_back(w);
    }
    args.push_back("--help");
    const auto help = runProcess(args).out;
    std::vector<std::string> out;
    const auto start = help.find("\nSubcommands:\n");
    if (start == std::string::npos) {
        return out;
    }
    std::istringstream lines(help.substr(start + 14));
    for (std::string line; std::getline(lines, line) && !line.empty();) {
        std::smatch m;
        if (std::regex_match(line, m, std::regex("  ([a-z-]+) .*"))) {
            const std::string path = prefix.empty() ? m[1].str() : prefix + " " + m[1].str();
            out.push_back(path);
            for (const auto& sub : commandPaths(path)) {
                out.push_back(sub);
            }
        }
    }
    return out;
}

TEST_F(CliConventions, EveryCommandsHelpHasAnExampleAndAnExistingDoc) {
    const auto paths = commandPaths();
    ASSERT_GE(paths.size(), 20u);
    for (const auto& path : paths) {
        std::vector<std::string> args = {synclineBinary()};
        std::istringstream words(path);
        for (std::string w; words >> w;) {
            args.push_back(w);
        }
        args.push_back("--help");
        const auto r = runProcess(args);
        EXPECT_EQ(r.exit_code, 0) << path;
        std::smatch m;
        EXPECT_TRUE(std::regex_search(r.out, m, std::regex("\nExample:\n  (\\S+)"))) << path << ":\n" << r.out;
        ASSERT_TRUE(std::regex_search(r.out, m, std::regex("\nSee: (docs/[a-z/]+\\.md) "))) << path << ":\n" << r.out;
        EXPECT_TRUE(fs::exists(std::string(SYNCLINE_SOURCE_DIR) + "/" + m[1].str())) << path << ": " << m[1];
    }
}

TEST_F(CliConventions, InternalFlagsAreAcceptedButShownNowhere) {
    const auto root = syncline({"--help"}).out;
    const auto run = syncline({"run", "--help"}).out;
    const auto all = syncline({"--help-all"}).out;
    for (const std::string flag : {"--secrets-fd", "--config-fd", "--firing", "--retry", "--resume"}) {
        EXPECT_THAT(root + run + all, Not(HasSubstr(flag)));
    }
    EXPECT_THAT(run, HasSubstr("--dry-run"));
}

TEST_F(CliConventions, DatesAreValidatedBeforeAnythingRuns) {
    // No config needed: a malformed date is a usage error (64), not a config error (78) nor an empty answer (0).
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"audit", "--since", "garbage"}, "syncline audit: --since: 'garbage' is not a UTC time"},
        {{"audit", "--since", "2026-02-30"}, "'2026-02-30' is not a UTC time"},
        {{"audit", "--since", "2026-11-27T10:00:00+02:00"}, "is not a UTC time"},
        {{"audit", "--since", "2026-11-27T25:00:00Z"}, "is not a UTC time"},
        {{"price", "C1", "A1", "--date", "2026-13-01"}, "syncline price: --date: '2026-13-01' is not a day"},
        {{"price", "C1", "A1", "--date", "tomorrow"}, "is not a day: write YYYY-MM-DD"},
    };
    for (const auto& c : cases) {
        const auto r = syncline(c.args);
        EXPECT_EQ(r.exit_code, 64) << c.args[2];
        EXPECT_THAT(r.err, HasSubstr(c.message));
    }
    const auto config = write("syncline.toml", kMinimal);
    ASSERT_EQ(syncline({"-c", config, "migrate"}).exit_code, 0);
    for (const std::string since :
         {"2026-11-27", "2026-11-27T10:00:00Z", "2026-11-27 10:00", "2026-11-27T10:00:00.5"}) {
        const auto r = syncline({"-c", config, "audit", "--since", since});
        EXPECT_EQ(r.exit_code, 0) << since << ": " << r.err;
    }
}

// On a terminal (script(1) gives the program one) log lines are coloured, unless NO_COLOR is set; off a terminal
// they never are. A first command on a new webstore logs a line per migration it applies.
TEST_F(CliConventions, NoColorTurnsTheColourOfLogLinesOff) {
    const auto onTerminal = [&](const std::string& name, const std::vector<std::string>& env) {
        const auto config = write(name + "/syncline.toml", kMinimal);
        return runProcess({"script", "-qec", synclineBinary() + " -c " + config + " runs", "/dev/null"}, env);
    };
    const auto coloured = onTerminal("a", {});
    ASSERT_EQ(coloured.exit_code, 0) << coloured.out;
    EXPECT_THAT(coloured.out, HasSubstr("applied migration"));
    EXPECT_THAT(coloured.out, HasSubstr("\x1b["));
    const auto plain = onTerminal("b", {"NO_COLOR=1"});
    ASSERT_EQ(plain.exit_code, 0) << plain.out;
    EXPECT_THAT(plain.out, HasSubstr("applied migration"));
    EXPECT_THAT(plain.out, Not(HasSubstr("\x1b")));
    const auto piped = syncline({"-c", write("c/syncline.toml", kMinimal), "runs"});
    EXPECT_THAT(piped.err, HasSubstr("applied migration"));
    EXPECT_THAT(piped.err, Not(HasSubstr("\x1b")));
}

TEST_F(CliConventions, TheConfigIsMinusCThenSynclineConfigThenTheWorkingFolders) {
    const auto here = write("cwd/syncline.toml", kMinimal);
    const auto named = write("named.toml", kMinimal);
    const auto given = write("given.toml", kMinimal);
    const fs::path cwd = fs::path(here).parent_path();
    auto r = synclineIn(cwd, {"check-config"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(here + ": OK"));
    r = synclineIn(cwd, {"check-config"}, {"SYNCLINE_CONFIG=" + named});
    EXPECT_THAT(r.out, HasSubstr(named + ": OK"));
    r = synclineIn(cwd, {"-c", given, "check-config"}, {"SYNCLINE_CONFIG=" + named});
    EXPECT_THAT(r.out, HasSubstr(given + ": OK"));
    // A variable that names a missing file is an error, not a reason to look elsewhere.
    r = synclineIn(cwd, {"check-config"}, {"SYNCLINE_CONFIG=" + dir_.file("missing.toml")});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr("missing.toml: cannot read the config file"));
}

TEST_F(CliConventions, WithoutAConfigAnywhereItSaysWhereItLooked) {
    if (fs::exists("/etc/syncline/syncline.toml")) {
        GTEST_SKIP() << "this machine has /etc/syncline/syncline.toml (the package is installed)";
    }
    const fs::path empty = fs::path(dir_.file("empty"));
    fs::create_directories(empty);
    const auto r = synclineIn(empty, {"jobs"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr("syncline: no config file found: without -c FILE or $SYNCLINE_CONFIG it looks for "
                                 "./syncline.toml, then /etc/syncline/syncline.toml, and none exists"));
}

TEST_F(CliConventions, AnOverrideIsCheckedAsTheFileIsAndPrintShowsTheEffectiveConfig) {
    const auto config = write("syncline.toml", kMinimal + "[erp]\ndsn = \"FromFile\"\npassword_env = \"ERP_PW\"\n");
    auto r = syncline({"check-config", config}, {"ERP_PW=hunter2", "SYNCLINE_SYNC__OVERLAP_SECONDS=999999"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr("environment variable SYNCLINE_SYNC__OVERLAP_SECONDS: key 'sync.overlap_seconds': "
                                 "999999 is out of range; allowed: 0 to 86400"));
    r = syncline({"--json", "check-config", config}, {"ERP_PW=hunter2", "SYNCLINE_ERP__PASSWORD=hunter2"});
    EXPECT_EQ(r.exit_code, 78);
    const auto j = nlohmann::json::parse(r.out);
    ASSERT_EQ(j["issues"].size(), 1u);
    EXPECT_EQ(j["issues"][0]["variable"], "SYNCLINE_ERP__PASSWORD");
    EXPECT_EQ(j["issues"][0]["line"], 0);
    EXPECT_THAT(r.out + r.err, Not(HasSubstr("hunter2")));

    r = syncline({"check-config", config, "--print"}, {"ERP_PW=hunter2", "SYNCLINE_ERP__DSN=FromEnv"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("# with erp.dsn from the environment variable SYNCLINE_ERP__DSN"));
    EXPECT_THAT(r.out, HasSubstr("dsn = \"FromEnv\""));
    EXPECT_THAT(r.out, HasSubstr("password_env = \"ERP_PW\""));
    EXPECT_THAT(r.out, HasSubstr("overlap_seconds = 300"));
    EXPECT_THAT(r.out, Not(HasSubstr("hunter2")));
    // What it prints is a valid config with the same effect.
    const auto printed = write("printed.toml", r.out);
    r = syncline({"check-config", printed}, {"ERP_PW=hunter2"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("ERP odbc DSN FromEnv"));
}

}  // namespace
}  // namespace syncline
