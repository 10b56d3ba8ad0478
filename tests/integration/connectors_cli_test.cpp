// `syncline connectors list | spec | discover | test --streams` and the registry's check of erp.connector, as an
// admin meets them: the exit code, the table, the TOML to paste.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class ConnectorsCli : public ::testing::Test {
  protected:
    static testing::DemoErpOptions options() {
        testing::DemoErpOptions o;
        o.items = 40;
        return o;
    }

    testing::ProcessResult syncline(std::vector<std::string> args) const {
        args.insert(args.begin(), {testing::synclineBinary(), "-c", config_});
        return testing::runProcess(args, erp_.environment());
    }

    void writeConfig(const std::string& rest) const {
        std::ofstream(config_) << "[webstore]\npath = \"" << dir_.file("webstore.db") << "\"\n"
                               << erp_.configSection() << rest;
    }

    testing::TempDir dir_{"syncline-connectors-cli"};
    testing::DemoErp erp_{store::Backend::SQLite, dir_.path(), options()};
    std::string config_ = dir_.file("syncline.toml");
};

TEST_F(ConnectorsCli, ListShowsTheBuiltInKindsWithTheirCapabilities) {
    writeConfig("");
    auto r = syncline({"connectors", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("odbc"));
    EXPECT_THAT(r.out, HasSubstr("incremental, push orders, order status, live price, discover"));
    r = syncline({"--json", "connectors", "list"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto kinds = nlohmann::json::parse(r.out);
    ASSERT_FALSE(kinds.empty());
    EXPECT_EQ(kinds[0].at("kind"), "odbc");
    EXPECT_EQ(kinds[0].at("capabilities").at("incremental"), true);
}

TEST_F(ConnectorsCli, SpecPrintsEveryKeyOfTheKindAndRefusesAnUnknownKind) {
    writeConfig("");
    auto r = syncline({"--json", "connectors", "spec", "odbc"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto spec = nlohmann::json::parse(r.out);
    std::map<std::string, nlohmann::json> keys;
    for (const auto& k : spec.at("settings")) {
        keys[k.at("key")] = k;
    }
    EXPECT_EQ(keys.at("erp.dsn").at("type"), "string");
    EXPECT_EQ(keys.at("erp.password").at("type"), "secret") << "written as password_env or password_file";
    EXPECT_EQ(keys.at("erp.streams.*.query").at("required"), true);
    EXPECT_EQ(keys.at("erp.streams.*.batch_size").at("default"), "5000");

    r = syncline({"connectors", "spec", "sap"});
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_THAT(r.err, HasSubstr("unknown connector kind 'sap'; known: odbc"));
}

TEST_F(ConnectorsCli, CheckConfigRefusesAnUnknownKindAndKeysOfAnotherKind) {
    writeConfig("");
    std::ofstream(config_) << "[webstore]\npath = \"w.db\"\n[erp]\nconnector = \"sap\"\ndsn = \"X\"\n";
    auto r = syncline({"check-config"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr(":4:13: key 'erp.connector': unknown connector kind 'sap'; known: odbc"));

    std::ofstream(config_) << "[webstore]\npath = \"w.db\"\n[erp]\nconnector = \"odbc\"\ndsn = \"X\"\nurl = \"h\"\n";
    r = syncline({"check-config"});
    EXPECT_EQ(r.exit_code, 78);
    EXPECT_THAT(r.err, HasSubstr(":6:1: key 'erp.url': unknown key"));
}

// What an admin does with a new ERP: discover, paste the suggestion, check it, run it.
TEST_F(ConnectorsCli, DiscoverSuggestsAMappingThatChecksAndRuns) {
    writeConfig("");
    auto r = syncline({"connectors", "discover", "--stream", "products"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("ITMS\n"));
    EXPECT_THAT(r.out, HasSubstr("  ItemCode  "));
    const auto start = r.out.find("[erp.streams.products]");
    ASSERT_NE(start, std::string::npos) << r.out;
    const std::string suggestion = r.out.substr(start);
    EXPECT_THAT(suggestion, HasSubstr("sku = \"ItemCode\""));
    EXPECT_THAT(suggestion, HasSubstr("erp_modified = \"ModifiedDate\""));
    EXPECT_THAT(suggestion, Not(HasSubstr("# "))) << "every required field matched a column:\n" << suggestion;

    writeConfig(suggestion);
    r = syncline({"check-config"});
    ASSERT_EQ(r.exit_code, 0) << r.err << suggestion;
    r = syncline({"connectors", "test", "--streams"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("products"));
    r = syncline({"--json", "run", "catalog", "--full"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out).at("applied"), 40);

    r = syncline({"--json", "connectors", "discover"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto all = nlohmann::json::parse(r.out);
    EXPECT_TRUE(all.at("suggestions").contains("stock")) << r.out;
}

TEST_F(ConnectorsCli, TestStreamsNamesAMissingColumnBeforeTheFirstRun) {
    writeConfig(
        "[erp.streams.products]\nquery = \"SELECT ItemCode, ItemName FROM ITMS\"\n"
        "[erp.streams.products.fields]\nsku = \"ItemCode\"\nname = \"ItemName\"\nunit = \"SalesUnit\"\n"
        "list_price = \"ListPrice\"\ncurrency = \"PriceCurr\"\n");
    const auto r = syncline({"connectors", "test", "--streams"});
    EXPECT_EQ(r.exit_code, 78) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("FAILED"));
    EXPECT_THAT(r.out, HasSubstr("SalesUnit"));
}

// `connectors conformance` against the admin's own mapping: a query that delivers an item twice fails the run (exit 1)
// and the table says which key; the demo mapping passes.
TEST_F(ConnectorsCli, ConformanceNamesAKeyDeliveredTwice) {
    writeConfig(
        "[erp.streams.products]\n"
        "query = \"SELECT ItemCode, ItemName, SalesUom, ListPrice, PriceCurr FROM ITMS UNION ALL "
        "SELECT ItemCode, ItemName, SalesUom, ListPrice, PriceCurr FROM ITMS WHERE ItemCode = (SELECT MIN(ItemCode) "
        "FROM ITMS)\"\n"
        "[erp.streams.products.fields]\nsku = \"ItemCode\"\nname = \"ItemName\"\nunit = \"SalesUom\"\n"
        "list_price = \"ListPrice\"\ncurrency = \"PriceCurr\"\n");
    auto r = syncline({"connectors", "conformance"});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("FAIL full read (products): 1 key(s) delivered twice, e.g. A"));
    EXPECT_THAT(r.out, HasSubstr("conformance: FAILED"));

    r = syncline({"--json", "connectors", "conformance", "--stream", "stock"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out).at("passed"), true);
}

}  // namespace
}  // namespace syncline
