// A slow, fragmented ERP link (issue 19, "Fault matrix as tests"): the demo ERP in PostgreSQL reached through
// psqlODBC and a TCP proxy that forwards every byte both ways in pieces of a few bytes with a pause between them, as
// a congested WAN or a VPN with a small MTU does. Every read of the driver comes back short; nothing is lost. What an
// admin sees must not change: the pulls end with exit 0 and leave the webstore exactly as a run over a direct link
// does, and an order pushed over the slow link reaches the ERP once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/sync_config.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

using store::Backend;
using testing::DemoErp;
using testing::TempDir;
using testing::TestPostgres;
using testing::TestWebstore;

// Pieces of a few bytes with short pauses: a few seconds for the whole test, yet every reply in many pieces.
constexpr std::size_t kPieceBytes = 7;
constexpr std::chrono::microseconds kPause{50};
// Small batches, so that each pull commits several.
const std::map<std::string, int> kBatches = {{"customers", 20}, {"products", 25}, {"price_rules", 40}};
const std::vector<std::string> kPulls = {"customers", "catalog", "prices"};
const std::vector<std::string> kTables = {"customers", "products", "price_rules"};

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// For the log only: no assertion is about time.
long long millisecondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
}

// The demo ERP in PostgreSQL (about 100 items: a few hundred price rules), a webstore filled over a direct link and
// one filled through the fragmenting proxy.
class ErpSlowLink : public ::testing::Test {
  protected:
    void SetUp() override {
        testing::DemoErpOptions options;
        options.items = 100;
        erp_ = std::make_unique<DemoErp>(Backend::PostgreSQL, dir_.path(), options, &pg_);
        env_ = erp_->environment();
        direct_ = std::make_unique<TestWebstore>(Backend::SQLite, dir_.path(), "direct");
        slow_ = std::make_unique<TestWebstore>(Backend::SQLite, dir_.path(), "slow");
        direct_config_ = testing::writeSyncConfig(dir_.path() / "direct.toml", *erp_, *direct_, kBatches);
        slow_config_ = testing::writeSyncConfig(dir_.path() / "slow.toml", *erp_, *slow_, kBatches);
    }

    testing::ProcessResult syncline(const std::string& config, const std::vector<std::string>& args) const {
        std::vector<std::string> command = {testing::synclineBinary(), "-c", config};
        command.insert(command.end(), args.begin(), args.end());
        return testing::runProcess(command, env_);
    }

    // From now on the DSN's Port is the proxy's, which fragments every connection.
    void slowDownTheLink() {
        proxy_ = std::make_unique<testing::TcpProxy>("127.0.0.1", pg_.port());
        proxy_->fragment(kPieceBytes, kPause);
        const auto ini = dir_.path() / "odbc" / "odbc.ini";
        const std::string rewired = std::regex_replace(readFile(ini), std::regex("(^|\n)[Pp]ort *=[^\n]*"),
                                                       "$1Port = " + std::to_string(proxy_->port()));
        ASSERT_NE(rewired, readFile(ini)) << "odbc.ini has no Port line";
        std::ofstream(ini, std::ios::trunc) << rewired;
    }

    TempDir dir_;
    TestPostgres pg_;
    std::unique_ptr<DemoErp> erp_;
    std::vector<std::string> env_;
    std::unique_ptr<TestWebstore> direct_;
    std::unique_ptr<TestWebstore> slow_;
    std::string direct_config_;
    std::string slow_config_;
    std::unique_ptr<testing::TcpProxy> proxy_;
};

TEST_F(ErpSlowLink, PullsThroughAFragmentedLinkEndAsOverADirectOneWithTheSameRows) {
    for (const auto& job : kPulls) {
        const auto started = std::chrono::steady_clock::now();
        const auto r = syncline(direct_config_, {"run", job});
        ASSERT_EQ(r.exit_code, 0) << "direct link, syncline run " << job << ":\n" << r.err;
        std::cout << "syncline run " << job << " over a direct link: " << millisecondsSince(started) << " ms\n";
    }
    ASSERT_GT(direct_->count("price_rules"), 3 * kBatches.at("price_rules")) << "too few price rules for batches";

    slowDownTheLink();
    for (const auto& job : kPulls) {
        const auto started = std::chrono::steady_clock::now();
        const auto r = syncline(slow_config_, {"run", job});
        std::cout << "syncline run " << job << " through the fragmenting proxy: exit " << r.exit_code << " after "
                  << millisecondsSince(started) << " ms\n";
        EXPECT_EQ(r.exit_code, 0) << "slow link, syncline run " << job << ":\n" << r.err;
    }
    for (const auto& table : kTables) {
        std::cout << table << ": " << direct_->count(table) << " rows\n";
        EXPECT_GT(direct_->count(table), 0) << table;
        EXPECT_TRUE(slow_->dump(table) == direct_->dump(table)) << table << " differs from the direct link's";
    }
    EXPECT_EQ(slow_->count("job_runs", "status = 'succeeded'"), static_cast<std::int64_t>(kPulls.size()));
}

TEST_F(ErpSlowLink, AnOrderPushedThroughAFragmentedLinkReachesTheErpOnce) {
    for (const std::string job : {"customers", "catalog"}) {
        const auto r = syncline(slow_config_, {"run", job});
        ASSERT_EQ(r.exit_code, 0) << "syncline run " << job << ":\n" << r.err;
    }
    const auto customer = slow_->sql().value("SELECT MIN(code) FROM customers WHERE active = 1 AND blocked = 0");
    const auto sku = slow_->sql().value("SELECT MIN(sku) FROM products WHERE active = 1");
    const auto orders = dir_.file("orders.json");
    std::ofstream(orders) << R"([{"order_id": "W-1", "customer_code": ")" << customer
                          << R"(", "currency": "EUR", "placed_at": "2026-11-27T10:00:00Z", "lines": [{"sku": ")" << sku
                          << R"(", "quantity": "2", "unit_price": "12.50"}]}])";
    const auto imported = syncline(slow_config_, {"orders", "import", orders});
    ASSERT_EQ(imported.exit_code, 0) << imported.out << imported.err;

    slowDownTheLink();
    const auto pushed = syncline(slow_config_, {"run", "order_push"});
    EXPECT_EQ(pushed.exit_code, 0) << pushed.out << pushed.err;
    EXPECT_EQ(erp_->sql().count("SELECT COUNT(*) FROM SORH WHERE ExtRef = 'W-1'"), 1);
    EXPECT_EQ(erp_->sql().count("SELECT COUNT(*) FROM SORL l JOIN SORH h ON h.DocEntry = l.DocEntry "
                                "WHERE h.ExtRef = 'W-1'"),
              1);
    EXPECT_EQ(slow_->sql().value("SELECT status FROM orders WHERE order_id = 'W-1'"), "exported");
    EXPECT_EQ(slow_->sql().value("SELECT erp_doc_number FROM orders WHERE order_id = 'W-1'"),
              erp_->sql().value("SELECT CAST(DocNum AS TEXT) FROM SORH WHERE ExtRef = 'W-1'"));
}

}  // namespace
}  // namespace syncline
