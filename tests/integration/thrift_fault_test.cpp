// Faults of an out-of-process connector (issue 14, "Bad input and faults"), each with the real thing: the connector
// process killed with SIGKILL mid-stream, a connector that hangs, a frame over the limit, a row with the wrong number
// of fields, a spec that does not parse or speaks another protocol version, fields that are no canonical fields.
// The connector is the Python template with faults on request (tests/support/faulty_connector.py).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/thrift_connectors.h"

namespace syncline {
namespace {

using store::Backend;
using testing::ChildProcess;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::TestWebstore;

// A CSV catalog of `products` and a webstore; configs for it with any connector command.
class CsvShop {
  public:
    CsvShop(const std::string& name, int products) : dir(name), webstore(Backend::SQLite, dir.path(), "webstore") {
        testing::writeCsvCatalog(dir.path() / "catalog", products);
    }

    std::string config(const std::string& name, const std::vector<std::string>& command, int batch_size,
                       const std::string& erp_lines = "") const {
        return testing::writeThriftConfig(dir.path() / (name + ".toml"), webstore,
                                          "command = " + testing::tomlArray(command) + "\n" + erp_lines,
                                          "folder = \"" + (dir.path() / "catalog").string() +
                                              "\"\nbatch_size = " + std::to_string(batch_size) + "\n");
    }

    TempDir dir;
    TestWebstore webstore;
};

// Waits for the file the faulty connector writes when it stops answering; its content is the connector's pid.
pid_t awaitPause(const std::string& marker, ChildProcess& run) {
    for (int i = 0; i < 600; ++i) {
        std::ifstream in(marker);
        pid_t pid = 0;
        if (in >> pid && pid > 0) {
            return pid;
        }
        if (!run.running()) {
            ADD_FAILURE() << "syncline ended before the connector paused: " << run.errSoFar();
            return 0;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "the connector did not pause";
    return 0;
}

// kill -9 of the connector process mid-stream: the run ends transient (75) with the batches before it applied whole,
// and the next run leaves the webstore as one clean run does.
TEST(ThriftFault, ConnectorKilledMidStreamEndsTransientAndTheRerunMatchesACleanRun) {
    CsvShop shop("thrift-kill", 1000);
    const auto marker = shop.dir.file("paused");
    const auto faulty =
        shop.config("faulty", testing::faultyCatalogCommand({"--pause-after-batches", "3", "--marker", marker}), 100);
    ChildProcess run({testing::synclineBinary(), "-c", faulty, "run", "catalog"});
    const pid_t connector = awaitPause(marker, run);
    ASSERT_GT(connector, 0);
    ASSERT_EQ(::kill(connector, SIGKILL), 0);
    const auto end = run.wait();
    EXPECT_EQ(end.exit_code, 75) << end.err;
    EXPECT_THAT(end.err, HasSubstr("was killed by signal 9"));
    EXPECT_THAT(end.err, HasSubstr("nextBatch()"));
    EXPECT_EQ(shop.webstore.count("products"), 300);  // three whole batches of 100, nothing of the fourth

    const auto clean_config = shop.config("clean", testing::pythonCatalogCommand(), 100);
    const auto rerun = testing::runSyncline(clean_config, {"run", "catalog"});
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    CsvShop clean("thrift-clean", 1000);
    const auto once =
        testing::runSyncline(clean.config("clean", testing::pythonCatalogCommand(), 100), {"run", "catalog"});
    ASSERT_EQ(once.exit_code, 0) << once.err;
    EXPECT_EQ(shop.webstore.dump("products"), clean.webstore.dump("products"));
}

// A connector that stops answering: erp.call_timeout_ms ends the call, the run fails transient (75) naming the
// deadline, and the job's lease is free again: the next run starts and completes.
TEST(ThriftFault, HungConnectorIsEndedByTheCallDeadlineAndTheLeaseIsReleased) {
    CsvShop shop("thrift-hang", 300);
    const auto marker = shop.dir.file("paused");
    const auto hung =
        shop.config("hung", testing::faultyCatalogCommand({"--pause-after-batches", "1", "--marker", marker}), 100,
                    "call_timeout_ms = 1500\n");
    const auto r = testing::runSyncline(hung, {"run", "catalog"});
    EXPECT_EQ(r.exit_code, 75) << r.err;
    EXPECT_THAT(r.err, HasSubstr("did not answer nextBatch() within 1500 ms (erp.call_timeout_ms)"));
    EXPECT_EQ(shop.webstore.sql().value("SELECT status FROM job_runs ORDER BY run_id DESC LIMIT 1"), "failed");
    EXPECT_EQ(shop.webstore.count("job_leases", "job = 'catalog' AND holder IS NOT NULL AND holder <> ''"), 0);

    const auto next =
        testing::runSyncline(shop.config("fixed", testing::pythonCatalogCommand(), 100), {"run", "catalog"});
    EXPECT_EQ(next.exit_code, 0) << next.err;
    EXPECT_EQ(shop.webstore.count("products"), 300);
}

// A batch larger than erp.max_frame_bytes is refused before it is read, with what to change.
TEST(ThriftFault, FrameOverTheLimitIsRefusedWithAClearMessage) {
    CsvShop shop("thrift-frame", 2000);
    const auto config = shop.config("small", testing::pythonCatalogCommand(), 2000, "max_frame_bytes = 65536\n");
    const auto r = testing::runSyncline(config, {"run", "catalog"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("more than erp.max_frame_bytes (65536): raise erp.max_frame_bytes, or have the "
                                 "connector send smaller batches"));
    EXPECT_EQ(shop.webstore.count("products"), 0);
}

// A row with fewer values than fields is a reject naming why; every other row is applied.
TEST(ThriftFault, RowWithTheWrongNumberOfFieldsIsARejectAndTheRunGoesOn) {
    CsvShop shop("thrift-short-row", 50);
    std::ofstream(shop.dir.path() / "catalog" / "products.csv", std::ios::app) << "P99999,Short row,PCE\n";
    const auto r = testing::runSyncline(shop.config("python", testing::pythonCatalogCommand(), 20), {"run", "catalog"});
    EXPECT_EQ(r.exit_code, 65) << r.err;  // completed with rejects
    EXPECT_EQ(shop.webstore.count("products"), 50);
    EXPECT_EQ(shop.webstore.sql().value("SELECT reason FROM rejects"), "the connector sent 3 values for 7 fields");
    EXPECT_EQ(shop.webstore.sql().value("SELECT entity_key FROM rejects"), "P99999");
}

// A spec that does not parse, and one of another protocol version, are refused at check-config, naming the key.
TEST(ThriftFault, SpecThatDoesNotParseOrSpeaksAnotherVersionIsRefused) {
    CsvShop shop("thrift-spec", 5);
    const auto garbage = testing::runSyncline(
        shop.config("garbage", testing::faultyCatalogCommand({"--garbage-spec"}), 10), {"check-config"});
    EXPECT_EQ(garbage.exit_code, 78) << garbage.err;
    EXPECT_THAT(garbage.err, HasSubstr("key 'erp.command': the connector `python3 faulty_connector.py` is refused: "
                                       "its spec could not be read"));
    const auto version = testing::runSyncline(
        shop.config("version", testing::faultyCatalogCommand({"--api-version", "2"}), 10), {"check-config"});
    EXPECT_EQ(version.exit_code, 78) << version.err;
    EXPECT_THAT(version.err, HasSubstr("is refused: it speaks connector protocol version 2, this syncline version 1"));
    const auto run = testing::runSyncline(
        shop.config("version", testing::faultyCatalogCommand({"--api-version", "2"}), 10), {"run", "catalog"});
    EXPECT_EQ(run.exit_code, 78) << run.err;
}

// A connector that never says who it is holds check-config for erp.login_timeout_s, not for a query's timeout.
TEST(ThriftFault, ConnectorThatNeverAnswersItsSpecIsRefusedWithinTheLoginTimeout) {
    CsvShop shop("thrift-hang-spec", 5);
    const auto r = testing::runSyncline(
        shop.config("hang", testing::faultyCatalogCommand({"--hang-spec"}), 10, "login_timeout_s = 2\n"),
        {"check-config"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("did not answer spec() within 2000 ms (erp.login_timeout_s)"));
}

// Field names become webstore column names: a connector that names another field is refused, and nothing it sent
// reaches the webstore's SQL.
TEST(ThriftFault, FieldsThatAreNoCanonicalFieldsAreRefused) {
    CsvShop shop("thrift-fields", 5);
    const auto r = testing::runSyncline(
        shop.config("bad", testing::faultyCatalogCommand({"--bad-field", "sku) VALUES (1); DROP TABLE products; --"}),
                    10),
        {"run", "catalog"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("is refused: 'sku) VALUES (1); DROP TABLE products; --' is no field of stream "
                                 "products"));
    EXPECT_EQ(shop.webstore.count("products"), 0);
}

// Settings the remote connector refuses are reported by check-config at their place in the file.
TEST(ThriftFault, RemoteSettingsAreCheckedByTheConnectorAtTheirLine) {
    CsvShop shop("thrift-settings", 5);
    const auto config =
        testing::writeThriftConfig(shop.dir.path() / "typo.toml", shop.webstore,
                                   "command = " + testing::tomlArray(testing::pythonCatalogCommand()),
                                   "folder = \"" + (shop.dir.path() / "catalog").string() + "\"\nbatch_sise = 10\n");
    const auto r = testing::runSyncline(config, {"check-config"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("typo.toml:"));
    EXPECT_THAT(r.err, HasSubstr(": key 'erp.settings.batch_sise': unknown key; did you mean 'batch_size'?"));
}

}  // namespace
}  // namespace syncline
