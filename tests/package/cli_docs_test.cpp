// The man page and the bash completion the build makes (and the package installs) say what the binary accepts:
// every command and every option of its --help is in the man page, and bash completes each of them where it applies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/process.h"

namespace syncline {
namespace {

using testing::runProcess;
using testing::synclineBinary;
namespace fs = std::filesystem;

const std::string kManPage = std::string(SYNCLINE_BINARY_DIR) + "/man/man1/syncline.1";
const std::string kCompletion = std::string(SYNCLINE_BINARY_DIR) + "/completion/syncline";

struct Command {
    std::vector<std::string> path;  ///< {"audit", "verify"}; empty for the program
    std::vector<std::string> subcommands;
    std::vector<std::string> options;  ///< "--json", "-c", ...
};

std::string joined(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        out += (out.empty() ? "" : " ") + w;
    }
    return out;
}

// Reads the command tree from the binary's --help, command by command.
void readCommands(const std::vector<std::string>& path, std::vector<Command>& out) {
    std::vector<std::string> args = {synclineBinary()};
    args.insert(args.end(), path.begin(), path.end());
    args.push_back("--help");
    const auto help = runProcess(args);
    if (help.exit_code != 0) {
        throw std::runtime_error(joined(args) + ": exit " + std::to_string(help.exit_code));
    }
    Command command{path, {}, {}};
    std::istringstream lines(help.out);
    std::string section;
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_match(line, m, std::regex("([A-Za-z]+):"))) {
            section = m[1];
        } else if (section == "Options" &&
                   std::regex_search(line, m, std::regex("^  (-[A-Za-z0-9])?,?(--[a-z][a-z0-9-]*)?"))) {
            for (int i = 1; i <= 2; ++i) {
                if (m[i].matched) {
                    command.options.push_back(m[i]);
                }
            }
        } else if (section == "Subcommands" && std::regex_match(line, m, std::regex("  ([a-z][a-z-]*) .*"))) {
            command.subcommands.push_back(m[1]);
        }
    }
    out.push_back(command);
    for (const auto& sub : command.subcommands) {
        auto next = path;
        next.push_back(sub);
        readCommands(next, out);
    }
}

std::vector<Command> commands() {
    std::vector<Command> out;
    readCommands({}, out);
    return out;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The man page's text with troff's escapes taken out ("\-\-json" → "--json", fonts dropped).
std::string manText() {
    std::string text = slurp(kManPage);
    text = std::regex_replace(text, std::regex(R"(\\f[BIRP])"), "");
    text = std::regex_replace(text, std::regex(R"(\\-)"), "-");
    return text;
}

// What bash's completion offers for `syncline WORDS...` with the cursor on the last word.
std::set<std::string> complete(std::vector<std::string> words) {
    words.insert(words.begin(), "syncline");
    std::string script = "source '" + kCompletion + "'; COMP_WORDS=(";
    for (const auto& w : words) {
        script += "'" + w + "' ";
    }
    script += "); COMP_CWORD=" + std::to_string(words.size() - 1) + "; _syncline; printf '%s\\n' \"${COMPREPLY[@]}\"";
    const auto r = runProcess({"bash", "--norc", "--noprofile", "-c", script});
    std::set<std::string> out;
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        out.insert(line);
    }
    return out;
}

class CliDocs : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!fs::exists(kManPage)) {
            FAIL() << kManPage << " was not built: help2man is missing (scripts/bootstrap.sh installs it; then "
                   << "reconfigure)";
        }
        ASSERT_TRUE(fs::exists(kCompletion)) << kCompletion << " was not built";
    }
};

TEST_F(CliDocs, TheManPageHasEveryCommandAndOption) {
    const auto text = manText();
    const auto all = commands();
    ASSERT_GE(all.size(), 20u);
    for (const auto& command : all) {
        if (!command.path.empty()) {
            EXPECT_NE(text.find("syncline " + joined(command.path)), std::string::npos)
                << "the man page lacks the command `syncline " << joined(command.path) << "`";
        }
        for (const auto& option : command.options) {
            EXPECT_NE(text.find(option), std::string::npos)
                << "the man page lacks " << option << " of `syncline " << joined(command.path) << "`";
        }
    }
    for (const std::string hidden : {"--secrets-fd", "--config-fd", "--firing", "--resume"}) {
        EXPECT_EQ(text.find(hidden), std::string::npos) << hidden << " is internal";
    }
    EXPECT_NE(text.find("SYNCLINE_<SECTION>__<KEY>"), std::string::npos);
    EXPECT_NE(text.find("RestartPreventExitStatus=78"), std::string::npos);
}

TEST_F(CliDocs, BashCompletesEveryCommandAndOptionWhereItApplies) {
    for (const auto& command : commands()) {
        auto words = command.path;
        words.push_back("");
        const auto offered = complete(words);
        for (const auto& sub : command.subcommands) {
            EXPECT_TRUE(offered.count(sub)) << "`syncline " << joined(command.path) << " <TAB>` lacks " << sub;
        }
        words.back() = "-";
        const auto options = complete(words);
        for (const auto& option : command.options) {
            EXPECT_TRUE(options.count(option)) << "`syncline " << joined(command.path) << " -<TAB>` lacks " << option;
        }
        EXPECT_FALSE(options.count("--secrets-fd") || options.count("--firing")) << "internal flags are not offered";
    }
    // Values the tree cannot tell: jobs, log levels, files.
    EXPECT_EQ(complete({"run", "c"}), (std::set<std::string>{"catalog", "customers"}));
    EXPECT_EQ(complete({"--log-level", "w"}), (std::set<std::string>{"warn"}));
    EXPECT_EQ(complete({"-c", "x.toml", "audit", "v"}), (std::set<std::string>{"verify"}));
    EXPECT_TRUE(complete({"check-config", std::string(SYNCLINE_SOURCE_DIR) + "/config/syncline.ex"})
                    .count(std::string(SYNCLINE_SOURCE_DIR) + "/config/syncline.example.toml"));
}

TEST_F(CliDocs, TheCompletionIsWhatTheBinaryPrints) {
    const auto r = runProcess({synclineBinary(), "completion", "bash"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, slurp(kCompletion)) << "the built completion is stale";
}

}  // namespace
}  // namespace syncline
