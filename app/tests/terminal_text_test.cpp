// Control characters from the ERP or the webstore reach neither the admin's terminal nor the text log as such
// (issue 19, D13).
#include "app/terminal_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/logging.h"

namespace syncline::app {
namespace {

using ::testing::HasSubstr;

TEST(EscapeControls, PrintableTextIncludingNonAsciiIsUnchanged) {
    EXPECT_EQ(escapeControls("Bohrmaschine 18 V, Ø 13 mm – 99,90 € \\ path"),
              "Bohrmaschine 18 V, Ø 13 mm – 99,90 € \\ path");
}

TEST(EscapeControls, ControlCharactersBecomeVisibleEscapes) {
    EXPECT_EQ(escapeControls("a\nb\rc\td"), R"(a\nb\rc\td)");
    EXPECT_EQ(escapeControls("\x1b[31mred\x1b[0m"), R"(\x1b[31mred\x1b[0m)");
    EXPECT_EQ(escapeControls(std::string("nul\0bel\x07"
                                         "del\x7f",
                                         12)),
              R"(nul\x00bel\x07del\x7f)");
    EXPECT_EQ(escapeControls("\xc2\x9b"
                             "2J"),
              R"(\u009b2J)")
        << "C1 CSI, valid UTF-8";
    EXPECT_EQ(escapeControls("\x9b"
                             "2J"),
              R"(\x9b2J)")
        << "a lone byte that is not UTF-8";
    EXPECT_EQ(escapeControls("abc\xe2\x80\xae"
                             "gpj.exe"),
              R"(abc\u202egpj.exe)")
        << "right-to-left override";
    EXPECT_EQ(escapeControls("\xe2\x82"), R"(\xe2\x82)") << "a cut UTF-8 sequence";
}

// The text log format of the real logger: one line per message, whatever the message holds.
TEST(TextLog, AMessageWithAnEscapeSequenceAndANewlineStaysOneHarmlessLine) {
    char path[] = "/tmp/syncline-log-test-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    ::dup2(fd, STDERR_FILENO);
    setupLogging("text", "info");
    spdlog::warn("ERP item {}: rejected", "A1\x1b[2J\n2026-11-27 10:00:00.000 info  catalog: succeeded");
    spdlog::default_logger()->flush();
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    ::close(fd);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    ::unlink(path);
    const std::string log = text.str();
    EXPECT_EQ(log.find('\x1b'), std::string::npos) << log;
    EXPECT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
    EXPECT_THAT(log,
                HasSubstr(R"(warning ERP item A1\x1b[2J\n2026-11-27 10:00:00.000 info  catalog: succeeded: rejected)"));
}

}  // namespace
}  // namespace syncline::app
