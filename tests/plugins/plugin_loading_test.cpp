// Connector plug-ins that must be refused, through the real syncline: each refusal is a config issue at
// erp.plugin_dir (file:line:col) naming the plug-in file, exit 78, never a crash. The plug-ins are built from
// tests/plugins/test_plugin.cpp: test_plugin_good.so registers the kind "test_kind", the others are broken.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

const fs::path kTestPlugins = fs::path(SYNCLINE_BINARY_DIR) / "test_plugins";

class PluginLoadingTest : public ::testing::Test {
  protected:
    PluginLoadingTest() { fs::create_directory(pluginDir()); }

    fs::path pluginDir() const { return dir_.path() / "plugins"; }

    // Puts a copy of a built plug-in into the plug-in folder under `name`.
    fs::path install(const fs::path& built, const std::string& name) const {
        fs::copy_file(built, pluginDir() / name);
        return fs::canonical(pluginDir() / name);
    }

    // A config using the test plug-in's kind (line 6: plugin_dir).
    std::string writeConfig(const std::string& plugin_dir = "plugins") const {
        std::ofstream(dir_.file("syncline.toml"))
            << "[webstore]\nbackend = \"sqlite\"\npath = \"webstore.db\"\n\n[erp]\nplugin_dir = \"" << plugin_dir
            << "\"\nconnector = \"test_kind\"\n";
        return dir_.file("syncline.toml");
    }

    testing::ProcessResult syncline(std::vector<std::string> args) const {
        args.insert(args.begin(), {testing::synclineBinary(), "-c", dir_.file("syncline.toml")});
        return testing::runProcess(args);
    }

    // check-config refuses the config with one issue, at erp.plugin_dir, that names `file` and says `why`.
    void expectRefused(const fs::path& file, const std::string& why) const {
        const auto r = syncline({"check-config"});
        EXPECT_EQ(r.exit_code, 78) << r.err;
        EXPECT_THAT(r.err, HasSubstr(dir_.file("syncline.toml") + ":6:14: key 'erp.plugin_dir': plug-in " +
                                     file.string() + ": " + why))
            << r.err;
    }

    testing::TempDir dir_{"plugin-loading"};
};

TEST_F(PluginLoadingTest, APluginBuiltForAnotherApiVersionIsRefused) {
    const auto file = install(kTestPlugins / "test_plugin_wrong_api.so", "wrong_api.so");
    install(kTestPlugins / "test_plugin_good.so", "good.so");
    writeConfig();
    expectRefused(file,
                  "was built for connector API 2, this syncline has 1; rebuild it against this syncline's headers");
    // The other plug-ins still load: `connectors list` shows them, names the refused one, and exits 78.
    const auto r = syncline({"connectors", "list"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.out, HasSubstr("test_kind"));
    EXPECT_THAT(r.err, HasSubstr("wrong_api.so: was built for connector API 2"));
}

TEST_F(PluginLoadingTest, ASharedLibraryWithoutTheEntryPointIsRefused) {
    const auto file = install(kTestPlugins / "test_plugin_no_entry.so", "no_entry.so");
    writeConfig();
    expectRefused(file, "has no entry point syncline_connector_plugin: it is not a Syncline connector plug-in");
}

TEST_F(PluginLoadingTest, APluginWhoseInitThrowsIsRefusedWithItsMessage) {
    const auto file = install(kTestPlugins / "test_plugin_throws.so", "throws.so");
    writeConfig();
    expectRefused(file, "failed while loading: cannot read its licence file /etc/test_kind.lic");
    // Every command that reads the config refuses it the same way.
    const auto r = syncline({"run", "catalog"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr("throws.so: failed while loading"));
}

TEST_F(PluginLoadingTest, APluginNeedingASymbolThisSynclineLacksIsRefused) {
    const auto file = install(kTestPlugins / "test_plugin_undefined.so", "undefined.so");
    writeConfig();
    expectRefused(file,
                  "needs the symbol 'syncline::connector::notInThisSyncline()', which this syncline does not have");
}

TEST_F(PluginLoadingTest, AFileThatIsNoSharedObjectIsRefusedAndOtherFilesAreLeftAlone) {
    std::ofstream(pluginDir() / "notes.so") << "these are notes, not a plug-in\n";
    std::ofstream(pluginDir() / "README.txt") << "not even named like a plug-in\n";
    std::ofstream(pluginDir() / ".hidden.so") << "hidden\n";
    writeConfig();
    expectRefused(fs::canonical(pluginDir() / "notes.so"), "is not a shared object");
    const auto r = syncline({"check-config"});
    EXPECT_THAT(r.err, Not(HasSubstr("README.txt")));
    EXPECT_THAT(r.err, Not(HasSubstr(".hidden.so")));
}

TEST_F(PluginLoadingTest, AKindRegisteredTwiceIsRefusedNamingTheFirstFile) {
    const auto first = install(kTestPlugins / "test_plugin_good.so", "a.so");
    const auto second = install(kTestPlugins / "test_plugin_good.so", "b.so");
    writeConfig();
    expectRefused(second, "a connector of kind 'test_kind' is registered already (by plug-in " + first.string() + ")");
}

TEST_F(PluginLoadingTest, APluginOthersMayWriteIsRefused) {
    const auto file = install(kTestPlugins / "test_plugin_good.so", "good.so");
    fs::permissions(file, fs::perms::others_write, fs::perm_options::add);
    writeConfig();
    expectRefused(file, "anyone may write it, and so make syncline run their code; chmod o-w it");
}

TEST_F(PluginLoadingTest, AMissingPluginFolderIsAConfigIssue) {
    writeConfig("no-such-folder");
    const auto r = syncline({"check-config"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr(":6:14: key 'erp.plugin_dir': plug-in " + dir_.file("no-such-folder") +
                                 ": the plug-in folder does not exist"));
    // Without its plug-in the kind is unknown, and the message says where plug-in kinds come from.
    EXPECT_THAT(r.err, HasSubstr("key 'erp.connector': unknown connector kind 'test_kind'; known: odbc"));
    EXPECT_THAT(r.err, HasSubstr("2 problems found"));
}

TEST_F(PluginLoadingTest, WithoutPluginDirAPluginKindIsUnknownWithAHint) {
    std::ofstream(dir_.file("syncline.toml"))
        << "[webstore]\nbackend = \"sqlite\"\npath = \"webstore.db\"\n\n[erp]\nconnector = \"test_kind\"\nfolder = "
           "\"drop\"\n";
    const auto r = syncline({"check-config"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err,
                HasSubstr(":6:13: key 'erp.connector': unknown connector kind 'test_kind'; known: odbc, thrift (a "
                          "plug-in kind needs erp.plugin_dir, the folder of its .so file)"));
    // The kind's own keys cannot be checked then, and are not called unknown.
    EXPECT_THAT(r.err, Not(HasSubstr("erp.folder")));
    EXPECT_THAT(r.err, HasSubstr("1 problem found"));
}

TEST_F(PluginLoadingTest, AGoodPluginLoadsAndItsKindValidatesLikeABuiltInOne) {
    const auto file = install(kTestPlugins / "test_plugin_good.so", "good.so");
    writeConfig();
    auto r = syncline({"check-config"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("ERP test_kind connector"));
    r = syncline({"connectors", "list", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("\"plugin\": \"" + file.string() + "\""));
    // Its factory makes no connector (a plug-in's bug): a command that needs one says so, and does not crash.
    r = syncline({"connectors", "test"});
    EXPECT_EQ(r.exit_code, 70);
    EXPECT_THAT(r.err, HasSubstr("the test_kind connector's factory made no connector"));
    // Its keys are checked against its spec like a built-in kind's: it has none.
    std::ofstream(dir_.file("syncline.toml"), std::ios::app) << "colour = \"blue\"\n";
    r = syncline({"check-config"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr(":8:1: key 'erp.colour': unknown key"));
}

}  // namespace
}  // namespace syncline
