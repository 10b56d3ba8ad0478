// The file-drop plug-in as an admin uses it: the real syncline loads build/<preset>/plugins/syncline_file_drop.so
// from [erp] plugin_dir, checks its keys, and pulls CSV and JSON-lines files into an SQLite webstore.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/support/process.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

const std::string kPluginDir = std::string(SYNCLINE_BINARY_DIR) + "/plugins";

const std::string kProductFields = R"(
[erp.streams.products.fields]
sku = "sku"
name = "name"
unit = "unit"
list_price = "price"
currency = "currency"
)";

class FileDropTest : public ::testing::Test {
  protected:
    FileDropTest() : webstore_(store::Backend::SQLite, dir_.path(), "webstore") { fs::create_directory(drop()); }

    fs::path drop() const { return dir_.path() / "drop"; }

    // Writes a file the way the connector expects writers to: under a .tmp name, then renamed into place.
    void dropFile(const std::string& name, const std::string& text) const {
        const fs::path tmp = drop() / (name + ".tmp");
        std::ofstream(tmp) << text;
        fs::rename(tmp, drop() / name);
    }

    std::string writeConfig(const std::string& erp_body, const std::string& extra = "") {
        const std::string text = webstore_.configSection() + "\n[erp]\nconnector = \"file_drop\"\nplugin_dir = \"" +
                                 kPluginDir + "\"\nfolder = \"drop\"\n" + erp_body + extra;
        std::ofstream(dir_.file("syncline.toml")) << text;
        return dir_.file("syncline.toml");
    }

    std::string productsConfig(const std::string& stream_keys = "files = \"items-*.csv\"\n",
                               const std::string& erp_keys = "") {
        return writeConfig(erp_keys + "\n[erp.streams.products]\n" + stream_keys + kProductFields);
    }

    testing::ProcessResult syncline(std::vector<std::string> args) {
        args.insert(args.begin(), {testing::synclineBinary(), "-c", dir_.file("syncline.toml")});
        return testing::runProcess(args);
    }

    // `syncline run catalog [--full] --json`: its summary.
    nlohmann::json runCatalog(bool full, int expected_exit = 0) {
        auto r = full ? syncline({"run", "catalog", "--full", "--json"}) : syncline({"run", "catalog", "--json"});
        EXPECT_EQ(r.exit_code, expected_exit) << r.err << r.out;
        return nlohmann::json::parse(r.out, nullptr, false);
    }

    std::string product(const std::string& sku, const std::string& column = "list_price") {
        return webstore_.sql().value("SELECT " + column + " FROM products WHERE sku = '" + sku + "'");
    }

    testing::TempDir dir_{"file-drop"};
    testing::TestWebstore webstore_;
};

TEST_F(FileDropTest, ConnectorsListAndSpecShowThePluginKind) {
    productsConfig();
    auto r = syncline({"connectors", "list", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto kinds = nlohmann::json::parse(r.out);
    const auto file_drop =
        std::find_if(kinds.begin(), kinds.end(), [](const auto& k) { return k["kind"] == "file_drop"; });
    ASSERT_NE(file_drop, kinds.end()) << r.out;
    EXPECT_EQ((*file_drop)["plugin"], fs::canonical(kPluginDir + "/syncline_file_drop.so").string());
    EXPECT_EQ((*file_drop)["capabilities"]["incremental"], true);
    EXPECT_EQ((*file_drop)["capabilities"]["discover"], true);
    EXPECT_EQ((*file_drop)["capabilities"]["push_orders"], false);

    r = syncline({"connectors", "list"});
    EXPECT_THAT(r.out, HasSubstr("file_drop"));
    EXPECT_THAT(r.out, HasSubstr("built in"));  // odbc

    r = syncline({"connectors", "spec", "file_drop"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("erp.folder"));
    EXPECT_THAT(r.out, HasSubstr("erp.streams.*.files"));
    EXPECT_THAT(r.out, HasSubstr("one of: csv jsonl"));
}

TEST_F(FileDropTest, CheckConfigValidatesThePluginsKeysWithPositionAndSuggestions) {
    const std::string config = writeConfig(R"(foldr = "drop"
format = "xml"

[erp.streams.products]
file = "items-*.csv"
)" + kProductFields);
    auto r = testing::runProcess({testing::synclineBinary(), "check-config", config});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    // [webstore] takes 3 lines and a blank; [erp] starts on line 5.
    EXPECT_THAT(r.err, HasSubstr(config + ":9:1: key 'erp.foldr': unknown key (did you mean 'folder'?)"));
    EXPECT_THAT(r.err, HasSubstr(config + ":10:10: key 'erp.format': 'xml' is not allowed; allowed: csv, jsonl"));
    EXPECT_THAT(r.err, HasSubstr(config + ":13:1: key 'erp.streams.products.file': unknown key (did you mean "
                                          "'files'?)"));
    EXPECT_THAT(r.err, HasSubstr("key 'erp.streams.products.files': is required"));

    productsConfig("files = \"items-*.csv\"\n");
    r = testing::runProcess({testing::synclineBinary(), "check-config", config});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("ERP file_drop connector: products"));
}

TEST_F(FileDropTest, AFullRunLoadsEveryRowWithExactDecimals) {
    dropFile("items-001.csv",
             "sku,name,unit,price,currency\n"
             "A1,Widget,pcs,12.10,EUR\n"
             "A2,\"Gadget, large\",pcs,0.30,EUR\r\n"
             "A3,\"Pipe 1\"\" wide\",m,1234567.891,EUR\n"
             "\n");
    productsConfig();
    const auto run = runCatalog(true);
    EXPECT_EQ(run["read"], 3);
    EXPECT_EQ(run["applied"], 3);
    EXPECT_EQ(product("A1"), "12.1");
    EXPECT_EQ(product("A2"), "0.3");
    EXPECT_EQ(product("A3"), "1234567.891");
    EXPECT_EQ(product("A2", "name"), "Gadget, large");
    EXPECT_EQ(product("A3", "name"), "Pipe 1\" wide");
    EXPECT_EQ(run["watermark_after"], "file:items-001.csv");
}

TEST_F(FileDropTest, AnIncrementalRunReadsOnlyNewFilesAndNeverAFileStillBeingWritten) {
    dropFile("items-001.csv", "sku,name,unit,price,currency\nA1,Widget,pcs,12.10,EUR\nA2,Gadget,pcs,5,EUR\n");
    productsConfig("files = \"items-*\"\n");  // a pattern that would take the .tmp file too
    EXPECT_EQ(runCatalog(true)["read"], 2);

    dropFile("items-002.csv", "sku,name,unit,price,currency\nA2,Gadget,pcs,5.50,EUR\nA4,Sprocket,pcs,7,EUR\n");
    // Still being written (by the .tmp convention), and a hidden one: neither is read.
    std::ofstream(drop() / "items-003.csv.tmp") << "sku,name,unit,price,currency\nA5,Half,pcs,1,EUR\n";
    std::ofstream(drop() / ".items-004.csv") << "sku,name,unit,price,currency\nA6,Hidden,pcs,1,EUR\n";
    auto run = runCatalog(false);
    EXPECT_EQ(run["mode"], "incremental");
    EXPECT_EQ(run["read"], 2);  // items-002.csv only
    EXPECT_EQ(run["watermark_after"], "file:items-002.csv");
    EXPECT_EQ(product("A2"), "5.5");
    EXPECT_EQ(product("A4"), "7");
    EXPECT_EQ(webstore_.count("products", "sku IN ('A5', 'A6')"), 0);

    fs::rename(drop() / "items-003.csv.tmp", drop() / "items-003.csv");  // the writer is done
    run = runCatalog(false);
    EXPECT_EQ(run["read"], 1);
    EXPECT_EQ(product("A5", "name"), "Half");

    run = runCatalog(false);
    EXPECT_EQ(run["read"], 0);  // nothing new
}

TEST_F(FileDropTest, AFullRunTakesEachKeysRowFromTheLatestFile) {
    dropFile("items-001.csv", "sku,name,unit,price,currency\nA1,Widget,pcs,10,EUR\nA2,Gadget,pcs,5,EUR\n");
    dropFile("items-002.csv", "sku,name,unit,price,currency\nA1,Widget,pcs,12,EUR\n");
    productsConfig();
    const auto run = runCatalog(true);
    EXPECT_EQ(run["read"], 2);
    EXPECT_EQ(run["rejected"], 0);
    EXPECT_EQ(product("A1"), "12");
    EXPECT_EQ(product("A2"), "5");
}

TEST_F(FileDropTest, ABadRowIsRejectedWithItsFileLineAndValuesAndTheOthersApply) {
    dropFile("items-001.csv",
             "sku;name;unit;price;currency\n"
             "A1;Widget;pcs;12.10;EUR\n"
             "A2;Gadget;pcs;EUR\n"
             "A3;Pipe;m;12,5.3;EUR\n"
             "A4;Sprocket;pcs;7;EUR\n");
    productsConfig("files = \"items-*.csv\"\n", "delimiter = \";\"\n");
    const auto run = runCatalog(true, 65);  // completed with rejects
    EXPECT_EQ(run["applied"], 2);
    EXPECT_EQ(run["rejected"], 2);
    EXPECT_EQ(product("A1"), "12.1");
    EXPECT_EQ(product("A4"), "7");
    const auto rejects = webstore_.sql().rows("SELECT entity_key, field, reason, raw FROM rejects ORDER BY entity_key");
    ASSERT_EQ(rejects.size(), 2u);
    EXPECT_EQ(*rejects[0][0], "A2");
    EXPECT_EQ(*rejects[0][1], "");
    EXPECT_THAT(*rejects[0][2], HasSubstr("items-001.csv line 3 has 4 values, the header has 5"));
    EXPECT_THAT(*rejects[0][3], HasSubstr("items-001.csv:3: sku=A2; name=Gadget; unit=pcs; price=EUR"));
    EXPECT_EQ(*rejects[1][0], "A3");
    EXPECT_EQ(*rejects[1][1], "list_price");
    EXPECT_THAT(*rejects[1][2], HasSubstr("'12,5.3' is not a decimal number"));
    EXPECT_THAT(*rejects[1][3], HasSubstr("items-001.csv:4: sku=A3; name=Pipe; unit=m; price=12,5.3; currency=EUR"));
}

TEST_F(FileDropTest, JsonLinesKeepNumbersExactlyAsWritten) {
    dropFile("items-001.jsonl",
             "{\"sku\": \"A1\", \"name\": \"Widget\", \"unit\": \"pcs\", \"price\": 12.10, \"currency\": \"EUR\"}\n"
             "{\"sku\": \"A2\", \"name\": \"Gadget\", \"unit\": \"pcs\", \"price\": 0.3, \"currency\": \"EUR\"}\n"
             "{\"sku\": 9007199254740993, \"name\": \"Big\", \"unit\": \"pcs\", \"price\": 1234567.891, "
             "\"currency\": \"EUR\"}\n"
             "{\"sku\": \"A4\", \"name\": \"Rounded\", \"unit\": \"pcs\", \"price\": \"0.1\", \"currency\": \"EUR\"}\n"
             "{\"sku\": \"A5\", \"name\": [1], \"unit\": \"pcs\", \"price\": 1, \"currency\": \"EUR\"}\n"
             "not json\n");
    productsConfig("files = \"items-*.jsonl\"\n", "format = \"jsonl\"\n");
    const auto run = runCatalog(true, 65);
    EXPECT_EQ(run["applied"], 4);
    EXPECT_EQ(product("A1"), "12.1");
    EXPECT_EQ(product("A2"), "0.3");
    EXPECT_EQ(product("9007199254740993"), "1234567.891");
    EXPECT_EQ(product("A4"), "0.1");
    const auto reasons = webstore_.sql().rows("SELECT reason FROM rejects ORDER BY reject_id");
    ASSERT_EQ(reasons.size(), 2u);
    EXPECT_THAT(*reasons[0][0], HasSubstr("line 5 the value of 'name' is an array"));
    EXPECT_THAT(*reasons[1][0], HasSubstr("line 6 is not valid JSON"));
}

TEST_F(FileDropTest, AnIncrementalRunByCursorFieldReadsFromTheWatermarkWithTies) {
    const std::string header = "sku,name,unit,price,currency,changed\n";
    dropFile("items.csv",
             header + "A1,Widget,pcs,1,EUR,2026-01-01 10:00:00\nA2,Gadget,pcs,2,EUR,2026-01-02 10:00:00\n");
    writeConfig("\n[erp.streams.products]\nfiles = \"items.csv\"\ncursor_field = \"erp_modified\"\n" + kProductFields +
                "erp_modified = \"changed\"\n\n[sync]\noverlap_seconds = 0\n");
    auto run = runCatalog(true);
    EXPECT_EQ(run["read"], 2);
    EXPECT_EQ(run["watermark_after"], "2026-01-02 10:00:00");

    // The ERP rewrites the whole file: A2 shares the watermark's time (read again), A3 is new, A1 is older (skipped).
    dropFile("items.csv", header +
                              "A1,Widget,pcs,1,EUR,2026-01-01 10:00:00\nA2,Gadget,pcs,2,EUR,2026-01-02 10:00:00\n" +
                              "A3,Sprocket,pcs,3,EUR,2026-01-03 09:00:00\n");
    run = runCatalog(false);
    EXPECT_EQ(run["mode"], "incremental");
    EXPECT_EQ(run["read"], 2);
    EXPECT_EQ(run["applied"], 1);
    EXPECT_EQ(run["watermark_after"], "2026-01-03 09:00:00");
    EXPECT_EQ(product("A3"), "3");
}

TEST_F(FileDropTest, AFileLackingAMappedColumnStopsTheRunAsAConfigError) {
    dropFile("items-001.csv", "sku,name,unit,cost,currency\nA1,Widget,pcs,1,EUR\n");
    productsConfig();
    const auto r = syncline({"run", "catalog", "--full"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("items-001.csv has no column 'price' (field 'list_price'); its header has: sku, "
                                 "name, unit, cost, currency"));
    EXPECT_EQ(webstore_.count("products"), 0);
}

TEST_F(FileDropTest, ThePluginPassesTheConformanceChecks) {
    dropFile("items-001.csv", "sku,name,unit,price,currency\nA1,Widget,pcs,1,EUR\nA2,Gadget,pcs,2,EUR\n");
    dropFile("items-002.csv", "sku,name,unit,price,currency\nA3,Sprocket,pcs,3,EUR\n");
    productsConfig();
    const auto r = syncline({"connectors", "conformance"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("cursor round trip  products  pass"));
    EXPECT_THAT(r.out, Not(HasSubstr("FAIL")));
}

TEST_F(FileDropTest, DiscoverListsTheFilesAndSuggestsAMapping) {
    dropFile("items-20261201.csv", "ItemCode,ItemName,UoM,ListPrice,Currency\nA1,Widget,pcs,1,EUR\n");
    dropFile("items-20261202.csv", "ItemCode,ItemName,UoM,ListPrice,Currency\nA2,Gadget,pcs,1,EUR\n");
    writeConfig("");
    const auto r = syncline({"connectors", "discover"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("items-*.csv"));
    EXPECT_THAT(r.out, HasSubstr("ListPrice"));
    EXPECT_THAT(r.out, HasSubstr("[erp.streams.products]\nfiles = \"items-*.csv\""));
    EXPECT_THAT(r.out, HasSubstr("sku = \"ItemCode\""));
    EXPECT_THAT(r.out, Not(HasSubstr("items-20261201.csv")));
}

}  // namespace
}  // namespace syncline
