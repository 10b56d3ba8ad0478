// SYNCLINE_<SECTION>__<KEY> variables over the config file: typed as the schema says, validated with the same
// messages pointing at the variable, secrets refused, and what `check-config --print` shows.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "connectors/odbc/odbc_settings.h"
#include "engine/config/config.h"

namespace syncline::config {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

/// Sets environment variables for one test and removes them after.
class Environment {
  public:
    Environment(std::initializer_list<std::pair<std::string, std::string>> variables) {
        for (const auto& [name, value] : variables) {
            ::setenv(name.c_str(), value.c_str(), 1);
            names_.push_back(name);
        }
    }
    ~Environment() {
        for (const auto& name : names_) {
            ::unsetenv(name.c_str());
        }
    }
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;

  private:
    std::vector<std::string> names_;
};

class EnvOverridesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("syncline-overrides-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& text) {
        const auto path = (dir_ / "syncline.toml").string();
        std::ofstream(path) << text;
        return path;
    }

    std::vector<ConfigIssue> issuesOf(const std::string& text) {
        try {
            load(write(text));
        } catch (const ConfigError& e) {
            return e.issues();
        }
        return {};
    }

    fs::path dir_;
};

const std::string kConfig =
    "[webstore]\npath = \"shop.db\"\n\n[erp]\ndsn = \"FromFile\"\n\n"
    "[erp.streams.products]\nquery = \"SELECT a, b, c, d, e FROM items\"\n[erp.streams.products.fields]\n"
    "sku = \"a\"\nname = \"b\"\nunit = \"c\"\nlist_price = \"d\"\ncurrency = \"e\"\n\n"
    "[erp.streams.stock]\nquery = \"SELECT a, w, q FROM stock\"\n[erp.streams.stock.fields]\n"
    "sku = \"a\"\nwarehouse = \"w\"\nquantity = \"q\"\n\n[sync]\noverlap_seconds = 300\n";

TEST_F(EnvOverridesTest, AVariableSetsAKeyOverTheFileTypedAsTheSchemaSays) {
    Environment env({{"SYNCLINE_ERP__DSN", "FromEnv"},
                     {"SYNCLINE_SYNC__OVERLAP_SECONDS", "60"},
                     {"SYNCLINE_ERP__STREAMS__PRODUCTS__BATCH_SIZE", "250"},
                     {"SYNCLINE_ENGINE__NODE_NAME", "node-7"}});
    const auto config = load(write(kConfig));
    EXPECT_EQ(config.erp.settings.string("dsn"), "FromEnv");
    EXPECT_EQ(config.sync.overlap_seconds, 60);
    const auto streams = odbc::odbcConfigOf(config.erp.settings).streams;
    ASSERT_EQ(streams.size(), 2u);
    ASSERT_EQ(streams[0].stream, "products");
    EXPECT_EQ(streams[0].batch_size, 250);
    EXPECT_EQ(config.node_name, "node-7");
    EXPECT_EQ(config.overrides.at("erp.dsn"), "SYNCLINE_ERP__DSN");
    EXPECT_EQ(config.overrides.at("sync.overlap_seconds"), "SYNCLINE_SYNC__OVERLAP_SECONDS");
}

TEST_F(EnvOverridesTest, NamesAreTakenInAnyCase) {
    Environment env({{"SYNCLINE_Sync__Overlap_Seconds", "45"}, {"SYNCLINE_log__LEVEL", "debug"}});
    const auto config = load(write(kConfig));
    EXPECT_EQ(config.sync.overlap_seconds, 45);
    EXPECT_EQ(config.log.level, "debug");
}

TEST_F(EnvOverridesTest, KeysTheSchemaDoesNotTypeAreStrings) {
    // A field mapping is the connector's, not the schema's: the value is a column name, a string.
    Environment env({{"SYNCLINE_ERP__STREAMS__PRODUCTS__FIELDS__SKU", "ItemNo"}});
    const auto config = load(write(kConfig));
    const auto streams = odbc::odbcConfigOf(config.erp.settings).streams;
    ASSERT_EQ(streams.size(), 2u);
    ASSERT_EQ(streams[0].stream, "products");
    const auto& fields = streams[0].fields;
    const auto sku = std::find_if(fields.begin(), fields.end(), [](const auto& f) { return f.field == "sku"; });
    ASSERT_NE(sku, fields.end());
    EXPECT_EQ(sku->column, "ItemNo");
}

TEST_F(EnvOverridesTest, BooleansAndListsAreParsed) {
    const std::string scheduled = kConfig + "\n[schedule.catalog]\nevery_s = 60\n[schedule.stock]\nevery_s = 60\n";
    Environment env({{"SYNCLINE_SCHEDULE__CATALOG__FULL", "True"}, {"SYNCLINE_SCHEDULE__STOCK__AFTER", " catalog "}});
    auto config = load(write(scheduled));
    const auto* catalog = findSchedule(config, "catalog");
    const auto* stock = findSchedule(config, "stock");
    ASSERT_NE(catalog, nullptr);
    ASSERT_NE(stock, nullptr);
    EXPECT_TRUE(catalog->full);
    EXPECT_EQ(stock->after, std::vector<std::string>{"catalog"});

    Environment off({{"SYNCLINE_SCHEDULE__CATALOG__ENABLED", "false"}});
    config = load(write(scheduled));
    ASSERT_NE(findSchedule(config, "catalog"), nullptr);
    EXPECT_FALSE(findSchedule(config, "catalog")->enabled);
}

TEST_F(EnvOverridesTest, AnInvalidValueIsReportedAgainstTheVariableWithTheFilesMessage) {
    Environment env({{"SYNCLINE_SYNC__OVERLAP_SECONDS", "999999"},
                     {"SYNCLINE_LOG__LEVEL", "loud"},
                     {"SYNCLINE_ERP__LOGIN_TIMEOUT", "5"},
                     {"SYNCLINE_ERP__QUERY_TIMEOUT_S", "ten"},
                     {"SYNCLINE_SCHEDULE__CATALOG__ENABLED", "maybe"}});
    const auto issues = issuesOf(kConfig + "\n[schedule.catalog]\nevery_s = 60\n");
    std::vector<std::string> lines;
    for (const auto& issue : issues) {
        lines.push_back(issue.format());
        EXPECT_EQ(issue.line, 0) << issue.format();
    }
    EXPECT_THAT(lines, ::testing::IsSupersetOf(
                           {"environment variable SYNCLINE_SYNC__OVERLAP_SECONDS: key 'sync.overlap_seconds': 999999 "
                            "is out of range; allowed: 0 to 86400",
                            "environment variable SYNCLINE_LOG__LEVEL: key 'log.level': 'loud' is not allowed; "
                            "allowed: trace, debug, info, warn, error",
                            "environment variable SYNCLINE_ERP__QUERY_TIMEOUT_S: key 'erp.query_timeout_s': must be an "
                            "integer",
                            "environment variable SYNCLINE_SCHEDULE__CATALOG__ENABLED: key 'schedule.catalog.enabled': "
                            "must be true or false"}));
    const auto unknown =
        std::find_if(issues.begin(), issues.end(), [](const ConfigIssue& i) { return i.key == "erp.login_timeout"; });
    ASSERT_NE(unknown, issues.end());
    EXPECT_EQ(unknown->variable, "SYNCLINE_ERP__LOGIN_TIMEOUT");
    EXPECT_THAT(unknown->message, HasSubstr("unknown key (did you mean 'login_timeout_s'?)"));
}

TEST_F(EnvOverridesTest, ASecretIsRefusedAndNeverShown) {
    Environment env({{"SYNCLINE_ERP__PASSWORD", "hunter2-secret"}, {"SYNCLINE_API__TOKEN", "tok-secret"}});
    const auto issues = issuesOf(kConfig);
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_EQ(issues[0].format(),
              "environment variable SYNCLINE_API__TOKEN: key 'api.token': secrets are not accepted as overrides, as "
              "the config file does not take them; set api.token_env (an environment variable's name) or "
              "api.token_file (a file's path) instead");
    EXPECT_EQ(issues[1].variable, "SYNCLINE_ERP__PASSWORD");
    EXPECT_THAT(issues[1].message, HasSubstr("set erp.password_env"));
    for (const auto& issue : issues) {
        EXPECT_THAT(issue.format(), Not(HasSubstr("-secret"))) << "no value is shown";
    }
}

TEST_F(EnvOverridesTest, AVariableTheFileNamesForASecretIsThatSecretNotAnOverride) {
    Environment env({{"SYNCLINE_ERP__PASSWORD", "hunter2-secret"}});
    std::string text = kConfig;
    text.replace(text.find("dsn = \"FromFile\"\n"), 17,
                 "dsn = \"FromFile\"\npassword_env = \"SYNCLINE_ERP__PASSWORD\"\n");
    const auto config = load(write(text));
    EXPECT_EQ(config.erp.settings.secret("password"), "hunter2-secret");
    EXPECT_TRUE(config.overrides.empty());
    EXPECT_THAT(config.effective, Not(HasSubstr("hunter2")));
}

TEST_F(EnvOverridesTest, ATableOrAMalformedNameIsRefused) {
    Environment env({{"SYNCLINE_ERP__STREAMS", "x"}, {"SYNCLINE_ERP__", "x"}});
    const auto issues = issuesOf(kConfig);
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_EQ(issues[0].variable, "SYNCLINE_ERP__");
    EXPECT_THAT(issues[0].message, HasSubstr("write SYNCLINE_<SECTION>__<KEY>"));
    EXPECT_EQ(issues[1].variable, "SYNCLINE_ERP__STREAMS");
    EXPECT_THAT(issues[1].message,
                HasSubstr("is a table: override its keys one by one (SYNCLINE_ERP__STREAMS__<KEY>)"));
}

TEST_F(EnvOverridesTest, OtherSynclineVariablesAreNoOverrides) {
    Environment env({{"SYNCLINE_CONFIG", "/elsewhere.toml"}, {"SYNCLINE_ERP_PASSWORD", "x"}});
    EXPECT_TRUE(load(write(kConfig)).overrides.empty());
}

TEST_F(EnvOverridesTest, TheEffectiveConfigHasTheOverridesAndDefaultsButNoSecret) {
    Environment env({{"SYNCLINE_ERP__DSN", "FromEnv"},
                     {"SYNCLINE_ERP__PASSWORD_ENV", "ERP_SECRET_VAR"},
                     {"ERP_SECRET_VAR", "hunter2-secret"}});
    const auto config = load(write(kConfig));
    EXPECT_EQ(config.erp.settings.secret("password"), "hunter2-secret");
    const std::string& text = config.effective;
    EXPECT_THAT(text, HasSubstr("# with erp.dsn from the environment variable SYNCLINE_ERP__DSN"));
    EXPECT_THAT(text, HasSubstr("dsn = \"FromEnv\""));
    EXPECT_THAT(text, HasSubstr("password_env = \"ERP_SECRET_VAR\""));
    EXPECT_THAT(text, HasSubstr("overlap_seconds = 300"));  // from the file
    EXPECT_THAT(text, HasSubstr("run_timeout_s = 7200"));   // a default
    EXPECT_THAT(text, HasSubstr("login_timeout_s = 10"));   // a default
    EXPECT_THAT(text, HasSubstr("path = \"shop.db\""));
    EXPECT_THAT(text, Not(HasSubstr("hunter2")));
    // What it prints is a config: read back, it gives the same settings.
    const auto again = loadText(config.path, text);
    EXPECT_EQ(again.erp.settings.string("dsn"), "FromEnv");
    EXPECT_EQ(again.sync.run_timeout_s, 7200);
}

TEST_F(EnvOverridesTest, LoadTextReadsTheTextAsIfItWereTheFile) {
    // The daemon's runs get the text it validated; relative paths still go from the real file's folder.
    const std::string path = write("[webstore]\npath = \"edited-since.db\"\n");
    const auto config = loadText(path, "[webstore]\npath = \"validated.db\"\n");
    EXPECT_EQ(config.path, path);
    EXPECT_EQ(config.webstore.sqlite_path, (dir_ / "validated.db").string());
}

}  // namespace
}  // namespace syncline::config
