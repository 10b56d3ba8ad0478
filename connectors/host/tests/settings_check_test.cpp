// syncline-connector-host checks the JSON settings a client sends against the kind's spec the way check-config
// checks a TOML [erp] section (connectors/host/settings_check.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "connectors/host/settings_check.h"

namespace syncline::connector_host {
namespace {

std::vector<connector::SettingSpec> odbcLike() {
    using namespace connector;
    auto query = stringSetting("streams.*.query", "SQL");
    query.required = true;
    return {stringSetting("dsn", "DSN"),
            kindSetting(SettingKind::Secret, "password", "the password"),
            kindSetting(SettingKind::Path, "odbc_ini_dir", "folder"),
            tableSetting("streams", "streams"),
            tableSetting("streams.*", "a stream"),
            query,
            kindSetting(SettingKind::Mapping, "streams.*.fields", "mapping"),
            integerSetting("streams.*.batch_size", 1, 100000, "rows", 5000),
            stringSetting("mode", "how", {"fast", "safe"})};
}

TEST(HostSettingsCheck, FindsWhatCheckConfigWouldWithPathsRelativeToTheSettings) {
    auto values = nlohmann::json::parse(R"({
        "dsn": 5, "dns": "x", "password_env": "ERP_PW", "mode": "quick", "odbc_ini_dir": "odbc",
        "streams": {"products": {"fields": {"anything": "goes"}, "batch_size": 0, "qurey": "SELECT 1"}}})");
    const auto issues = checkSettingsJson(odbcLike(), values);
    std::vector<std::string> found;
    for (const auto& i : issues) {
        found.push_back(i.path + ": " + i.message);
    }
    EXPECT_THAT(found, ::testing::UnorderedElementsAre(
                           "dsn: must be a string", "dns: unknown key; did you mean 'dsn'?",
                           "password_env: a secret is never written into the settings: set the thrift connector's "
                           "own erp.password_env or erp.password_file, which is handed over as 'password'",
                           "mode: 'quick' is not allowed; allowed: fast, safe",
                           "streams.products.batch_size: must be between 1 and 100000",
                           "streams.products.qurey: unknown key; did you mean 'query'?",
                           "streams.products.query: is required"));
    EXPECT_TRUE(std::filesystem::path(values["odbc_ini_dir"].get<std::string>()).is_absolute());
}

}  // namespace
}  // namespace syncline::connector_host
