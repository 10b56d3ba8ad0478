// The Debian package of this build (made by the ctest fixture "deb": cpack from this build tree into
// deb-test/), as an admin gets it: its control data, its files, and the program unpacked (dpkg -x) into a scratch
// root, where it runs and accepts the config it installs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::ProcessResult;
using testing::runProcess;
namespace fs = std::filesystem;

std::string debFile() {
    const fs::path dir = std::string(SYNCLINE_BINARY_DIR) + "/deb-test";
    if (fs::exists(dir)) {
        for (const auto& entry : fs::directory_iterator(dir)) {
            if (entry.path().extension() == ".deb") {
                return entry.path().string();
            }
        }
    }
    return "";
}

class Deb : public ::testing::Test {
  protected:
    void SetUp() override {
        deb_ = debFile();
        ASSERT_FALSE(deb_.empty()) << "no .deb in " << SYNCLINE_BINARY_DIR << "/deb-test: run through ctest, whose "
                                   << "fixture deb_build makes it";
    }

    // Runs a program of the unpacked package with nothing from the caller's environment but PATH.
    ProcessResult runInstalled(const std::vector<std::string>& args) {
        std::vector<std::string> command = {"env", "-i", "PATH=/usr/bin:/bin"};
        command.insert(command.end(), args.begin(), args.end());
        return runProcess(command);
    }

    std::string deb_;
};

TEST_F(Deb, DeclaresItsDependenciesConffileAndMaintainerScripts) {
    const auto info = runProcess({"dpkg-deb", "--info", deb_});
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_THAT(info.out, HasSubstr("Package: syncline"));
    EXPECT_THAT(info.out, HasSubstr("Version: 0.1.0-1"));
    // dpkg-shlibdeps found the libraries' packages.
    for (const std::string dependency : {"libodbc2", "libpq5", "libsqlite3-0", "libpocofoundation80", "libssl3"}) {
        EXPECT_THAT(info.out, ::testing::ContainsRegex("Depends: .*" + dependency)) << dependency;
    }
    EXPECT_THAT(info.out, HasSubstr("Recommends: odbc-postgresql"));
    const auto conffiles = runProcess({"dpkg-deb", "--info", deb_, "conffiles"});
    EXPECT_EQ(conffiles.out, "/etc/syncline/syncline.toml\n");
    testing::TempDir control;
    ASSERT_EQ(runProcess({"dpkg-deb", "--control", deb_, control.path().string()}).exit_code, 0);
    for (const std::string script : {"postinst", "prerm", "postrm"}) {
        const auto syntax = runProcess({"sh", "-n", control.file(script)});
        EXPECT_EQ(syntax.exit_code, 0) << script << ": " << syntax.err;
    }
}

TEST_F(Deb, HoldsTheProgramConfigUnitUserManPageAndCompletion) {
    const auto list = runProcess({"dpkg-deb", "--contents", deb_});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    for (const std::string path :
         {"./usr/bin/syncline", "./etc/syncline/syncline.toml", "./usr/lib/systemd/system/syncline.service",
          "./usr/lib/sysusers.d/syncline.conf", "./usr/lib/tmpfiles.d/syncline.conf",
          "./usr/share/man/man1/syncline.1.gz", "./usr/share/bash-completion/completions/syncline",
          "./usr/share/doc/syncline/install.md", "./usr/share/doc/syncline/examples/syncline.example.toml",
          "./usr/share/doc/syncline/examples/demo-orders.json", "./usr/share/doc/syncline/connectors/odbc.md"}) {
        EXPECT_THAT(list.out, HasSubstr(" " + path + "\n")) << path;
    }
    EXPECT_THAT(list.out, Not(HasSubstr("_test"))) << "no test program in the package";
}

TEST_F(Deb, TheUnpackedProgramRunsAndAcceptsTheConfigItInstalls) {
    testing::TempDir root;
    const auto unpack = runProcess({"dpkg", "-x", deb_, root.path().string()});
    ASSERT_EQ(unpack.exit_code, 0) << unpack.err;
    const std::string syncline = root.file("usr/bin/syncline");

    auto r = runInstalled({syncline, "--version"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out,
                ::testing::MatchesRegex("syncline 0\\.1\\.0 \\(git [^,]+, webstore schema [0-9]+, [a-z]+ build\\)\n"));

    r = runInstalled({syncline, "check-config", root.file("etc/syncline/syncline.toml")});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr(root.file("etc/syncline/syncline.toml") +
                                 ": OK (webstore sqlite:/var/lib/syncline/webstore.db, ERP odbc DSN MyErp: products; orders pushed)"));
    // The unit's command line, on the installed config.
    r = runInstalled({syncline, "--config", root.file("etc/syncline/syncline.toml"), "check-config", "--print"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("path = \"/var/lib/syncline/webstore.db\""));

    // The completion it installs is the one the program prints.
    std::ifstream in(root.file("usr/share/bash-completion/completions/syncline"));
    std::stringstream completion;
    completion << in.rdbuf();
    EXPECT_EQ(completion.str(), runInstalled({syncline, "completion", "bash"}).out);
}

}  // namespace
}  // namespace syncline
