// `syncline run order_push` end to end: orders imported as a storefront places them, pushed through psqlODBC into
// the demo ERP in a real PostgreSQL, with real faults: kill -9 of the engine at each step of a push, the reply to
// the ERP's COMMIT lost on the wire (a TCP proxy cuts it), two engine processes at once, an order the ERP refuses.
// Every check is what an admin or the ERP team sees: SORH/SORL rows, the webstore's orders, exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/child_process.h"
#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/sync_config.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

using store::Backend;
using testing::ChildProcess;
using testing::DemoErp;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::TestPostgres;
using testing::TestWebstore;

// The demo ERP in PostgreSQL and an SQLite webstore holding its customers and products, ready for orders.
class OrderPushE2e : public ::testing::Test {
  protected:
    void SetUp() override {
        pg_ = std::make_unique<TestPostgres>();
        testing::DemoErpOptions options;
        options.items = 60;
        erp_ = std::make_unique<DemoErp>(Backend::PostgreSQL, dir_.path(), options, pg_.get());
        webstore_ = std::make_unique<TestWebstore>(Backend::SQLite, dir_.path(), "webstore", nullptr);
        config_ = testing::writeSyncConfig(dir_.path() / "syncline.toml", *erp_, *webstore_);
        env_ = erp_->environment();
        for (const auto& job : {"catalog", "customers"}) {
            const auto r = syncline({"run", job});
            ASSERT_EQ(r.exit_code, 0) << r.err;
        }
        customers_ = codes("SELECT code FROM customers WHERE active = 1 AND blocked = 0 ORDER BY code LIMIT 5");
        skus_ = codes("SELECT sku FROM products WHERE active = 1 ORDER BY sku LIMIT 10");
        ASSERT_EQ(customers_.size(), 5u);
        ASSERT_EQ(skus_.size(), 10u);
    }

    std::vector<std::string> command(const std::vector<std::string>& args) const {
        std::vector<std::string> out = {testing::synclineBinary(), "-c", config_};
        out.insert(out.end(), args.begin(), args.end());
        return out;
    }

    testing::ProcessResult syncline(const std::vector<std::string>& args,
                                    const std::vector<std::string>& extra_env = {}) const {
        auto env = env_;
        env.insert(env.end(), extra_env.begin(), extra_env.end());
        return testing::runProcess(command(args), env);
    }

    std::vector<std::string> codes(const std::string& sql) {
        std::vector<std::string> out;
        for (const auto& row : webstore_->sql().rows(sql)) {
            out.push_back(row[0].value_or(""));
        }
        return out;
    }

    // Imports orders W-<first>..W-<first+n-1>, each of `lines` lines.
    void importOrders(int first, int n, int lines = 3, const std::string& sku_override = "") {
        nlohmann::json orders = nlohmann::json::array();
        for (int i = first; i < first + n; ++i) {
            nlohmann::json order = {{"order_id", "W-" + std::to_string(i)},
                                    {"customer_code", customers_[i % customers_.size()]},
                                    {"currency", "EUR"},
                                    {"placed_at", "2026-11-27T10:00:00Z"},
                                    {"lines", nlohmann::json::array()}};
            for (int l = 0; l < lines; ++l) {
                const std::string sku = l == 1 && !sku_override.empty() ? sku_override : skus_[(i + l) % skus_.size()];
                order["lines"].push_back({{"sku", sku}, {"quantity", std::to_string(l + 1)}, {"unit_price", "12.50"}});
            }
            orders.push_back(order);
        }
        const auto file = dir_.file("orders-" + std::to_string(first) + ".json");
        std::ofstream(file) << orders.dump(2);
        const auto r = syncline({"orders", "import", file});
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }

    std::int64_t erpCount(const std::string& sql) { return erp_->sql().count(sql); }

    // Every webstore order W-… is exported with the DocNum of the one SORH row that carries its id.
    void expectExactlyOneErpOrderEach(int n) {
        EXPECT_EQ(erpCount("SELECT COUNT(*) FROM SORH WHERE ExtRef LIKE 'W-%'"), n);
        EXPECT_EQ(erpCount("SELECT COUNT(DISTINCT ExtRef) FROM SORH WHERE ExtRef LIKE 'W-%'"), n);
        EXPECT_EQ(webstore_->count("orders", "status = 'exported'"), n);
        for (const auto& row : webstore_->sql().rows("SELECT order_id, erp_doc_number FROM orders")) {
            EXPECT_EQ(erp_->sql().value("SELECT CAST(DocNum AS TEXT) FROM SORH WHERE ExtRef = '" + *row[0] + "'"),
                      row[1].value_or("(none)"))
                << *row[0];
        }
    }

    TempDir dir_;
    std::unique_ptr<TestPostgres> pg_;
    std::unique_ptr<DemoErp> erp_;
    std::unique_ptr<TestWebstore> webstore_;
    std::string config_;
    std::vector<std::string> env_;
    std::vector<std::string> customers_;
    std::vector<std::string> skus_;
};

TEST_F(OrderPushE2e, EachOrderReachesTheErpOnceWithItsLinesAndItsDocumentNumberComesBack) {
    importOrders(1, 5);
    const auto r = syncline({"--json", "run", "order_push"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["exported"], 5);
    expectExactlyOneErpOrderEach(5);
    EXPECT_EQ(erpCount("SELECT COUNT(*) FROM SORL l JOIN SORH h ON h.DocEntry = l.DocEntry WHERE h.ExtRef = 'W-1'"), 3);
    EXPECT_EQ(erp_->sql().value("SELECT CAST(DocTotal AS TEXT) FROM SORH WHERE ExtRef = 'W-1'").substr(0, 5), "75.00")
        << "1 × 12.50 + 2 × 12.50 + 3 × 12.50";
    const auto again = syncline({"--json", "run", "order_push"});
    EXPECT_EQ(nlohmann::json::parse(again.out)["claimed"], 0);
    expectExactlyOneErpOrderEach(5);
    const auto listed = syncline({"--json", "orders", "--status", "exported"});
    EXPECT_EQ(nlohmann::json::parse(listed.out).size(), 5u);
}

TEST_F(OrderPushE2e, KilledAtEachStepOfAPushThenARerunGivesExactlyOneErpOrder) {
    int next = 1;
    for (const std::string point : {"after_claim", "before_push", "after_push", "before_export_commit"}) {
        SCOPED_TRACE("killed at " + point);
        importOrders(next, 1);
        const auto killed = syncline({"run", "order_push"}, {"SYNCLINE_FAULT_POINT=" + point});
        EXPECT_EQ(killed.exit_code, 128 + SIGKILL) << killed.err;
        const std::string id = "W-" + std::to_string(next);
        EXPECT_EQ(webstore_->sql().value("SELECT status FROM orders WHERE order_id = '" + id + "'"), "claimed");
        const std::int64_t in_erp = erpCount("SELECT COUNT(*) FROM SORH WHERE ExtRef = '" + id + "'");
        EXPECT_EQ(in_erp, point == "after_push" || point == "before_export_commit" ? 1 : 0);
        const auto killed_run = webstore_->sql().value("SELECT MAX(run_id) FROM job_runs WHERE job = 'order_push'");
        EXPECT_EQ(webstore_->sql().value("SELECT status FROM job_runs WHERE run_id = " + killed_run), "running");
        const auto rerun = syncline({"--json", "run", "order_push"});
        EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
        EXPECT_THAT(webstore_->sql().value("SELECT error FROM job_runs WHERE run_id = " + killed_run),
                    HasSubstr("abandoned"))
            << "the killed run is recorded as such, not left running";
        ++next;
    }
    expectExactlyOneErpOrderEach(4);
    EXPECT_EQ(webstore_->count("orders", "last_error LIKE 'found in the ERP%'"), 2)
        << "the two killed after the ERP commit were reconciled, not pushed again";
}

TEST_F(OrderPushE2e, AReplyLostAfterTheErpCommittedIsReconciledNotDuplicated) {
    // The ERP's connection goes through a proxy that cuts the reply to the next COMMIT.
    const auto ini = dir_.path() / "odbc" / "odbc.ini";
    testing::TcpProxy proxy("127.0.0.1", pg_->port());
    std::ifstream in(ini);
    std::string rewired;
    bool found = false;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("Port", 0) == 0 || line.rfind("port", 0) == 0) {
            line = "Port = " + std::to_string(proxy.port());
            found = true;
        }
        rewired += line + "\n";
    }
    in.close();
    ASSERT_TRUE(found) << "odbc.ini has no Port line";
    std::ofstream(ini) << rewired;
    importOrders(1, 2);
    proxy.loseReplyAfterNextCommit();
    const auto r = syncline({"--json", "run", "order_push"});
    EXPECT_EQ(proxy.repliesLost(), 1);
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto summary = nlohmann::json::parse(r.out);
    int reconciled = summary["already_in_erp"];
    int exported = summary["exported"];
    if (reconciled == 0) {
        // The proxy closes the client as soon as the COMMIT is on its way; when the engine asks again before the
        // server has processed it, the order is not found yet and waits for its next attempt, which finds it.
        EXPECT_EQ(webstore_->sql().value("SELECT status FROM orders WHERE order_id = 'W-1'"), "placed") << r.err;
        webstore_->sql().execute("UPDATE orders SET next_attempt_at = NULL");
        const auto second = syncline({"--json", "run", "order_push"});
        ASSERT_EQ(second.exit_code, 0) << second.out << second.err;
        summary = nlohmann::json::parse(second.out);
        reconciled += summary["already_in_erp"].get<int>();
        exported += summary["exported"].get<int>();
    }
    EXPECT_EQ(reconciled, 1) << "the order whose reply was lost was found, not pushed again";
    EXPECT_EQ(exported, 1);
    expectExactlyOneErpOrderEach(2);
}

TEST_F(OrderPushE2e, TwoEngineProcessesPushingAtOnceCreateNoDuplicates) {
    // The job lease lets one of them run and the other wait for it (--wait); without --wait the second one
    // would exit 75 naming the holder. The order claims are the second line of defence behind the lease.
    importOrders(1, 30, 2);
    ChildProcess a(command({"--json", "run", "order_push", "--wait"}), env_);
    ChildProcess b(command({"--json", "run", "order_push", "--wait"}), env_);
    const auto end_a = a.wait();
    const auto end_b = b.wait();
    EXPECT_EQ(end_a.exit_code, 0) << end_a.err;
    EXPECT_EQ(end_b.exit_code, 0) << end_b.err;
    const auto exported = [](const std::string& out) { return nlohmann::json::parse(out).value("exported", 0); };
    EXPECT_EQ(exported(end_a.out) + exported(end_b.out), 30) << end_a.out << end_b.out;
    expectExactlyOneErpOrderEach(30);
}

// Fault matrix (issue 19): the ERP reports a deadlock (SQLSTATE 40P01) in the middle of writing an order, as
// PostgreSQL does when it picks our transaction as the victim. A trigger raises it on every order line until the
// test says the deadlock has passed.
// The push is transient: nothing of the order stays in the ERP, it is tried again, and each order exists once.
TEST_F(OrderPushE2e, AnErpDeadlockMidOrderIsRetriedAndGivesExactlyOneErpOrder) {
    erp_->sql().execute("CREATE TABLE deadlock_once (fired BOOLEAN NOT NULL)");
    erp_->sql().execute(
        "CREATE FUNCTION deadlock_once() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NOT EXISTS (SELECT 1 FROM deadlock_once) THEN "
        "  RAISE EXCEPTION 'deadlock detected (injected)' USING ERRCODE = '40P01'; "
        "END IF; RETURN NEW; END $$");
    erp_->sql().execute(
        "CREATE TRIGGER sorl_deadlock BEFORE INSERT ON SORL FOR EACH ROW EXECUTE FUNCTION deadlock_once()");
    importOrders(1, 2);
    const auto first = syncline({"run", "order_push"});
    EXPECT_EQ(first.exit_code, 75) << first.out << first.err;
    EXPECT_EQ(erpCount("SELECT COUNT(*) FROM SORH WHERE ExtRef LIKE 'W-%'"), 0) << "the deadlocked order rolled back";
    EXPECT_EQ(webstore_->count("orders", "status = 'exported'"), 0);

    erp_->sql().execute("INSERT INTO deadlock_once VALUES (TRUE)");  // the deadlock has passed
    for (int i = 0; i < 5 && webstore_->count("orders", "status = 'exported'") < 2; ++i) {
        webstore_->sql().execute("UPDATE orders SET next_attempt_at = NULL");  // no need to wait out the backoff
        syncline({"run", "order_push"});
    }
    expectExactlyOneErpOrderEach(2);
}

TEST_F(OrderPushE2e, AnOrderTheErpRefusesIsRolledBackThereAndNeedsAttentionHere) {
    // A product the shop sells but the ERP does not know: the ERP refuses line 2.
    webstore_->sql().execute(
        "INSERT INTO products (sku, name, description, unit, list_price, currency, active, updated_at) "
        "VALUES ('SHOP-ONLY', 'Gift card', '', 'PCE', '10', 'EUR', 1, '2026-11-27T00:00:00Z')");
    importOrders(1, 1, 3, "SHOP-ONLY");
    importOrders(2, 1);
    const std::string docn_before =
        erp_->sql().value("SELECT CAST(NextNumber AS TEXT) FROM DOCN WHERE ObjectCode = 'SORD'");
    const auto r = syncline({"run", "order_push"});
    EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("needs attention 1"));
    EXPECT_EQ(erpCount("SELECT COUNT(*) FROM SORH WHERE ExtRef = 'W-1'"), 0) << "nothing of it stays in the ERP";
    EXPECT_EQ(webstore_->sql().value("SELECT status FROM orders WHERE order_id = 'W-1'"), "needs_attention");
    EXPECT_THAT(webstore_->sql().value("SELECT last_error FROM orders WHERE order_id = 'W-1'"), HasSubstr("SHOP-ONLY"));
    EXPECT_EQ(erpCount("SELECT COUNT(*) FROM SORH WHERE ExtRef = 'W-2'"), 1) << "the next order goes on";
    EXPECT_EQ(std::stoll(erp_->sql().value("SELECT CAST(NextNumber AS TEXT) FROM DOCN WHERE ObjectCode = 'SORD'")),
              std::stoll(docn_before) + 1)
        << "the refused order's document number was rolled back with it";

    const auto retried = syncline({"orders", "retry", "W-1"});
    EXPECT_EQ(retried.exit_code, 0) << retried.err;
    EXPECT_EQ(syncline({"orders", "retry", "W-2"}).exit_code, 65);
    EXPECT_EQ(webstore_->sql().value("SELECT status FROM orders WHERE order_id = 'W-1'"), "placed");
}

TEST_F(OrderPushE2e, OrderStatusComesBackAndAShopCancellationTheErpShippedIsAConflict) {
    importOrders(1, 4, 1);
    ASSERT_EQ(syncline({"run", "order_push"}).exit_code, 0);
    // The ERP works on them: W-1 shipped with a tracking number, W-2 invoiced, W-3 cancelled there; the shop
    // cancels W-4, which the ERP ships anyway.
    erp_->sql().execute("UPDATE SORH SET ShipStatus = 'S', TrackingNo = 'TRK-0001' WHERE ExtRef = 'W-1'");
    erp_->sql().execute("UPDATE SORH SET ShipStatus = 'S', InvoiceNo = 777001, DocStatus = 'C' WHERE ExtRef = 'W-2'");
    erp_->sql().execute("UPDATE SORH SET CancelFlag = 'Y' WHERE ExtRef = 'W-3'");
    erp_->sql().execute("UPDATE SORH SET ShipStatus = 'S', TrackingNo = 'TRK-0004' WHERE ExtRef = 'W-4'");
    webstore_->sql().execute("UPDATE orders SET status = 'cancelled' WHERE order_id = 'W-4'");

    const auto r = syncline({"--json", "run", "order_status"});
    EXPECT_EQ(r.exit_code, 65) << r.out << r.err;
    const auto summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["checked"], 4);
    EXPECT_EQ(summary["updated"], 3);
    EXPECT_EQ(summary["conflicts"], 1);
    auto order = [&](const std::string& id, const std::string& column) {
        return webstore_->sql().value("SELECT " + column + " FROM orders WHERE order_id = '" + id + "'");
    };
    EXPECT_EQ(order("W-1", "status"), "shipped");
    EXPECT_EQ(order("W-1", "tracking_number"), "TRK-0001");
    EXPECT_EQ(order("W-2", "status"), "invoiced");
    EXPECT_EQ(order("W-2", "invoice_number"), "777001");
    EXPECT_EQ(order("W-3", "status"), "cancelled");
    EXPECT_EQ(order("W-4", "status"), "cancelled") << "held, not overwritten";
    EXPECT_EQ(webstore_->sql().count("SELECT COUNT(*) FROM audit_log WHERE entity = 'order' AND action = 'status'"), 3);

    const auto conflicts = nlohmann::json::parse(syncline({"--json", "conflicts"}).out);
    ASSERT_EQ(conflicts.size(), 1u);
    EXPECT_EQ(conflicts[0]["entity"], "order");
    EXPECT_EQ(conflicts[0]["key"], "W-4");
    EXPECT_EQ(conflicts[0]["erp"], "shipped");
    EXPECT_EQ(conflicts[0]["store"], "cancelled");

    // Nothing new in the ERP: the next run changes nothing and does not raise the conflict again.
    const auto again = nlohmann::json::parse(syncline({"--json", "run", "order_status"}).out);
    EXPECT_EQ(again["updated"], 0);
    EXPECT_EQ(again["conflicts"], 0);
    // The admin accepts the ERP's word: the order is shipped after all.
    const std::string id = std::to_string(conflicts[0]["id"].get<long>());
    EXPECT_EQ(syncline({"conflicts", "resolve", id, "--take", "erp"}).exit_code, 0);
    EXPECT_EQ(order("W-4", "status"), "shipped");
    EXPECT_EQ(syncline({"run", "order_status"}).exit_code, 0);
    EXPECT_EQ(order("W-4", "tracking_number"), "TRK-0004");
}

}  // namespace
}  // namespace syncline
