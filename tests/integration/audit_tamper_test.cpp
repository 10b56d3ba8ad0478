// Rewriting the audit log with write access to the webstore (issue 19, D8), found by `syncline audit verify` as an
// admin runs it: cutting the tail and moving audit_head back (caught by an anchor kept elsewhere), wiping both tables
// (caught while job_runs shows runs that wrote audit rows), and re-chaining after an edit (caught when the chain is
// keyed with a secret the attacker does not have). SQLite and PostgreSQL webstores; the ERP is the demo ERP through
// sqliteodbc, so every audit row is written by a real `syncline run`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include <nlohmann/json.hpp>

#include "engine/audit/row_hash.h"
#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/sync_config.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

using store::Backend;
using ::testing::HasSubstr;

const std::string kKey = "9f2c1e8a7b6d5c4f3e2d1c0b9a8f7e6d5c4b3a29180716253443526170819a0b";
const std::string kOtherKey = "0000000000000000000000000000000000000000000000000000000000000001";

class AuditTamper : public ::testing::TestWithParam<Backend> {
  protected:
    void SetUp() override {
        if (GetParam() == Backend::PostgreSQL) {
            pg_ = std::make_unique<testing::TestPostgres>();
        }
        testing::DemoErpOptions options;
        options.items = 12;
        erp_ = std::make_unique<testing::DemoErp>(Backend::SQLite, dir_.path(), options);
        webstore_ = std::make_unique<testing::TestWebstore>(GetParam(), dir_.path(), "webstore", pg_.get());
        env_ = erp_->environment();
        for (const auto& e : webstore_->environment()) {
            env_.push_back(e);
        }
        writeConfig(std::nullopt);
    }

    void TearDown() override {
        webstore_.reset();
        erp_.reset();
    }

    // The config, with an [audit] key file holding `key` or without a key.
    void writeConfig(const std::optional<std::string>& key) {
        config_ = testing::writeSyncConfig(dir_.path() / "syncline.toml", *erp_, *webstore_);
        if (key) {
            std::ofstream(dir_.file("audit.key")) << *key << "\n";
            std::ofstream(config_, std::ios::app) << "\n[audit]\nhmac_key_file = \"audit.key\"\n";
        }
    }

    testing::ProcessResult syncline(std::vector<std::string> args) const {
        args.insert(args.begin(), {testing::synclineBinary(), "-c", config_});
        return testing::runProcess(args, env_);
    }

    // A manual run of the catalog: its request and every applied change are audited.
    void runCatalog() {
        const auto r = syncline({"run", "catalog"});
        ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    }

    testing::SqlClient& sql() { return webstore_->sql(); }
    std::int64_t auditRows() { return sql().count("SELECT COUNT(*) FROM audit_log"); }

    std::string anchor() {
        const auto r = syncline({"audit", "head", "--export"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::string line = r.out;
        if (!line.empty() && line.back() == '\n') {
            line.pop_back();
        }
        return line;
    }

    // What an attacker with write access but without the key does: edits row `seq`'s actor and recomputes the
    // plain hash of every row from there on, and the head. With `unkey` the rows from `seq` on also lose their key
    // id, so that they pass for rows written before a key was configured.
    void rechainFrom(std::int64_t seq, bool unkey) {
        const std::string at =
            GetParam() == Backend::SQLite ? "at" : "to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
        const auto rows = sql().rows("SELECT seq, " + at +
                                     ", actor, entity, entity_key, action, changes, row_hash FROM audit_log WHERE seq "
                                     ">= " +
                                     std::to_string(seq - 1) + " ORDER BY seq");
        std::string prev = audit::kGenesisHash;
        std::string hash;
        for (const auto& r : rows) {
            const std::int64_t n = std::stoll(*r[0]);
            if (n < seq) {
                prev = *r[7];
                continue;
            }
            const std::string actor = n == seq ? "user:nobody" : *r[2];
            hash = audit::rowHash(prev, n, *r[1], actor, *r[3], *r[4], *r[5], *r[6]);
            sql().execute("UPDATE audit_log SET actor = '" + actor + "', prev_hash = '" + prev + "', row_hash = '" +
                          hash + "'" + (unkey ? ", key_id = NULL" : "") + " WHERE seq = " + std::to_string(n));
            prev = hash;
        }
        sql().execute("UPDATE audit_head SET row_hash = '" + hash + "'" + (unkey ? ", key_id = NULL" : ""));
    }

    nlohmann::json verifyJson(std::vector<std::string> args = {}) {
        args.insert(args.begin(), {"--json", "audit", "verify"});
        const auto r = syncline(args);
        return nlohmann::json::parse(r.out, nullptr, false);
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestPostgres> pg_;
    std::unique_ptr<testing::DemoErp> erp_;
    std::unique_ptr<testing::TestWebstore> webstore_;
    std::string config_;
    std::vector<std::string> env_;
};

TEST_P(AuditTamper, HeadExportPrintsAnAnchorThatVerifyChecks) {
    runCatalog();
    const std::string a = anchor();
    EXPECT_TRUE(std::regex_match(a, std::regex("[0-9]+:[0-9a-f]{64}"))) << a;
    EXPECT_EQ(std::to_string(auditRows()) + ":" + sql().value("SELECT row_hash FROM audit_head"), a);
    const auto j = nlohmann::json::parse(syncline({"--json", "audit", "head"}).out);
    EXPECT_EQ(j["anchor"], a);
    EXPECT_EQ(j["seq"], auditRows());
    EXPECT_TRUE(j["key_id"].is_null());
    const auto ok = syncline({"audit", "verify", "--anchor", a});
    EXPECT_EQ(ok.exit_code, 0) << ok.out;
    EXPECT_THAT(ok.out, HasSubstr("1 anchor holds"));

    const auto bad = syncline({"audit", "verify", "--anchor", "12:abc"});
    EXPECT_EQ(bad.exit_code, 64);
    EXPECT_THAT(bad.err, HasSubstr("--anchor must be SEQ:HASH"));
}

TEST_P(AuditTamper, CuttingTheTailAndMovingTheHeadBackIsCaughtByAnAnchor) {
    runCatalog();
    runCatalog();  // the second run audits at least its request
    const std::string a = anchor();
    const std::int64_t head = std::stoll(a);
    const std::string keep = std::to_string(head - 1);
    sql().execute("DELETE FROM audit_log WHERE seq > " + keep);
    sql().execute("UPDATE audit_head SET seq = " + keep +
                  ", row_hash = (SELECT row_hash FROM audit_log WHERE seq = " + keep + ")");
    // The chain alone cannot tell: what is left is a valid, shorter chain.
    EXPECT_EQ(syncline({"audit", "verify"}).exit_code, 0);

    const auto r = syncline({"audit", "verify", "--anchor", a});
    EXPECT_EQ(r.exit_code, 65) << r.out;
    EXPECT_THAT(r.out, HasSubstr("audit log BROKEN at row " + std::to_string(head)));
    EXPECT_THAT(r.out, HasSubstr("an anchor names row " + std::to_string(head)));
    const auto j = verifyJson({"--anchor", a});
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["broken_at"], head);
}

TEST_P(AuditTamper, WipingBothTablesIsCalledWiped) {
    runCatalog();
    const std::string a = anchor();
    sql().execute("DELETE FROM audit_log");
    sql().execute("DELETE FROM audit_head");
    auto r = syncline({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 65) << r.out;
    EXPECT_THAT(
        r.out,
        HasSubstr("audit log BROKEN at row 1: the audit log is empty, but job_runs shows 1 run that wrote audit rows"));
    EXPECT_THAT(r.out, HasSubstr("wiped"));

    // A fresh-looking head does not help: the runs say there were rows.
    sql().execute("INSERT INTO audit_head (id, seq, row_hash) VALUES (1, 0, '" + audit::kGenesisHash + "')");
    r = syncline({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 65) << r.out;
    EXPECT_THAT(r.out, HasSubstr("wiped"));
    EXPECT_EQ(syncline({"audit", "verify", "--anchor", a}).exit_code, 65);

    // Wiping job_runs too leaves only the anchor to tell.
    sql().execute("DELETE FROM job_runs");
    EXPECT_EQ(syncline({"audit", "verify"}).exit_code, 0);
    r = syncline({"audit", "verify", "--anchor", a});
    EXPECT_EQ(r.exit_code, 65) << r.out;
    EXPECT_THAT(r.out, HasSubstr("the log ends at row 0, but an anchor names row"));
}

TEST_P(AuditTamper, WithoutAKeyARechainedEditVerifiesButNotAgainstAnAnchor) {
    runCatalog();
    const std::string a = anchor();
    rechainFrom(3, false);
    EXPECT_EQ(syncline({"audit", "verify"}).exit_code, 0) << "anyone can recompute unkeyed hashes";
    const auto r = syncline({"audit", "verify", "--anchor", a});
    EXPECT_EQ(r.exit_code, 65) << r.out;
    EXPECT_THAT(r.out, HasSubstr("is not the row anchor " + a + " recorded"));
}

TEST_P(AuditTamper, RechainingAfterAnEditWithoutTheKeyIsCaughtWhenTheChainIsKeyed) {
    writeConfig(kKey);
    runCatalog();
    const std::int64_t rows = auditRows();
    auto j = verifyJson();
    EXPECT_EQ(j["ok"], true) << j.dump();
    EXPECT_EQ(j["keyed_rows"], rows);
    EXPECT_EQ(sql().count("SELECT COUNT(*) FROM audit_log WHERE key_id IS NULL"), 0);

    // Re-chained with plain hashes, the key ids left in place.
    rechainFrom(3, false);
    auto r = syncline({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 65) << r.out;
    EXPECT_THAT(r.out, HasSubstr("audit log BROKEN at row 3: row 3 was changed: its content does not match its keyed "
                                 "hash"));

    // Re-chained as if written before the key: an unkeyed row after keyed ones.
    rechainFrom(3, true);
    r = syncline({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 65) << r.out;
    EXPECT_THAT(r.out, HasSubstr("audit log BROKEN at row 3: row 3 is not keyed, but the rows from 1 on are"));

    // The whole log re-chained without keys: not verified, and said why.
    rechainFrom(1, true);
    r = syncline({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 78) << r.out;
    EXPECT_THAT(r.out, HasSubstr("audit log NOT VERIFIED from row 1: audit.hmac_key is set"));
    EXPECT_THAT(r.out, HasSubstr("no row is keyed"));
    EXPECT_THAT(r.out, HasSubstr("re-written without the key"));
}

TEST_P(AuditTamper, AKeyedChainNeedsItsKeyToBeVerifiedAndToBeAppendedTo) {
    writeConfig(kKey);
    runCatalog();
    const std::int64_t rows = auditRows();

    writeConfig(std::nullopt);
    auto r = syncline({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 78) << r.out;
    EXPECT_THAT(r.out, HasSubstr("audit log NOT VERIFIED from row 1"));
    EXPECT_THAT(r.out, HasSubstr("this config has no audit key: their content cannot be checked"));
    r = syncline({"run", "catalog"});
    EXPECT_EQ(r.exit_code, 78) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("the audit log is keyed"));
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr(kKey)));
    EXPECT_EQ(auditRows(), rows) << "nothing written without the key";
    // The daemon says so at its start instead of failing every job (`timeout` only guards against a hang).
    const auto serve = testing::runProcess({"timeout", "60", testing::synclineBinary(), "-c", config_, "serve"}, env_);
    EXPECT_EQ(serve.exit_code, 78) << serve.err;
    EXPECT_THAT(serve.err, HasSubstr("the audit log is keyed"));

    writeConfig(kOtherKey);
    r = syncline({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 78) << r.out;
    EXPECT_THAT(r.out, HasSubstr("but audit.hmac_key is key"));
    r = syncline({"run", "catalog"});
    EXPECT_EQ(r.exit_code, 78) << r.out << r.err;
    EXPECT_EQ(auditRows(), rows);

    writeConfig(kKey);
    runCatalog();
    EXPECT_EQ(syncline({"audit", "verify"}).exit_code, 0);
}

TEST_P(AuditTamper, AKeyAddedLaterKeysTheRowsFromTheNextChangeOn) {
    runCatalog();
    const std::int64_t unkeyed = auditRows();
    writeConfig(kKey);
    auto r = syncline({"audit", "verify"});
    EXPECT_EQ(r.exit_code, 78) << r.out;
    EXPECT_THAT(r.out, HasSubstr("the key applies from the next audited change on"));
    runCatalog();
    const auto j = verifyJson();
    EXPECT_EQ(j["ok"], true) << j.dump();
    EXPECT_EQ(j["rows"], auditRows());
    EXPECT_EQ(j["keyed_rows"], auditRows() - unkeyed) << "the old rows stay as they were, checked without the key";
    EXPECT_EQ(sql().count("SELECT COUNT(*) FROM audit_log WHERE key_id IS NULL"), unkeyed);
}

INSTANTIATE_TEST_SUITE_P(Webstore, AuditTamper, ::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                         [](const auto& info) { return info.param == Backend::SQLite ? "sqlite" : "postgresql"; });

}  // namespace
}  // namespace syncline
