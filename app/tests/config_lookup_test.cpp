// Where syncline finds its config: -c, $SYNCLINE_CONFIG, ./syncline.toml, /etc/syncline/syncline.toml (the last two
// stood in for by files in a temp dir).
#include "app/config_lookup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/config/config.h"

namespace syncline::app {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ConfigLookupTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("syncline-lookup-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_ / "cwd");
        fs::create_directories(dir_ / "etc");
        candidates_ = {(dir_ / "cwd/syncline.toml").string(), (dir_ / "etc/syncline.toml").string()};
    }
    void TearDown() override { fs::remove_all(dir_); }

    void touch(const std::string& path) { std::ofstream(path) << "\n"; }

    fs::path dir_;
    std::vector<std::string> candidates_;
};

TEST_F(ConfigLookupTest, TheDefaultPlacesAreTheWorkingFolderThenEtc) {
    EXPECT_EQ(defaultConfigCandidates(), (std::vector<std::string>{"./syncline.toml", "/etc/syncline/syncline.toml"}));
}

TEST_F(ConfigLookupTest, MinusCThenTheVariableThenTheFirstFileThatExists) {
    touch(candidates_[0]);
    touch(candidates_[1]);
    EXPECT_EQ(findConfig("given.toml", "named.toml", candidates_), "given.toml");
    EXPECT_EQ(findConfig("", "named.toml", candidates_), "named.toml");
    EXPECT_EQ(findConfig("", "", candidates_), candidates_[0]);
    fs::remove(candidates_[0]);
    EXPECT_EQ(findConfig("", "", candidates_), candidates_[1]) << "the package's config when there is no local one";
}

TEST_F(ConfigLookupTest, NoneFoundNamesWhatWasTried) {
    try {
        findConfig("", "", candidates_);
        FAIL() << "no config exists";
    } catch (const config::ConfigError& e) {
        ASSERT_EQ(e.issues().size(), 1u);
        EXPECT_THAT(e.issues()[0].format(),
                    HasSubstr("syncline: no config file found: without -c FILE or $SYNCLINE_CONFIG it looks for " +
                              candidates_[0] + ", then " + candidates_[1] + ", and none exists"));
    }
}

}  // namespace
}  // namespace syncline::app
