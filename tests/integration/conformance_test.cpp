// The conformance suite, parameterized over connector configurations: every connector the engine ships or documents
// must pass the checks of engine/connector/conformance.h against a real source, and the checks that need the test to
// change the source (ties at the cursor's boundary, late rows, a dropped link). A C++ plug-in (the file-drop connector,
// loaded from erp.plugin_dir into this test process) and out of process too: the ODBC connector and the file-drop
// plug-in behind syncline-connector-host (the thrift kind), and the Python template connector on CSV files.
#include "engine/connector/conformance.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "connectors/builtin.h"
#include "engine/config/config.h"
#include "tests/support/demo_erp.h"
#include "tests/support/sql_client.h"
#include "tests/support/sync_config.h"
#include "tests/support/tcp_proxy.h"
#include "tests/support/test_env.h"
#include "tests/support/thrift_connectors.h"

namespace syncline {
namespace {

using connector::ConformanceCheck;
using connector::OpenRequest;
using connector::PullMode;

const bool kConnectorsRegistered = (connectors::registerBuiltinConnectors(), true);

/// A connector configuration under test: how to make its source and its [erp] settings.
enum class Setup {
    OdbcSqlite,
    OdbcPostgres,
    HostedOdbcSqlite,
    HostedOdbcPostgres,
    PythonCsv,
    FileDrop,
    HostedFileDrop
};

std::string nameOf(const ::testing::TestParamInfo<Setup>& info) {
    switch (info.param) {
        case Setup::OdbcSqlite:
            return "odbc_sqlite";
        case Setup::OdbcPostgres:
            return "odbc_postgresql";
        case Setup::HostedOdbcSqlite:
            return "hosted_odbc_sqlite";
        case Setup::HostedOdbcPostgres:
            return "hosted_odbc_postgresql";
        case Setup::PythonCsv:
            return "python_csv";
        case Setup::FileDrop:
            return "file_drop";
        case Setup::HostedFileDrop:
            return "hosted_file_drop";
    }
    return "unknown";
}

bool hosted(Setup setup) {
    return setup == Setup::HostedOdbcSqlite || setup == Setup::HostedOdbcPostgres;
}

bool postgres(Setup setup) {
    return setup == Setup::OdbcPostgres || setup == Setup::HostedOdbcPostgres;
}

// The setups reading the CSV catalog of testing::writeCsvCatalog rather than the demo ERP.
bool csvCatalog(Setup setup) {
    return setup == Setup::PythonCsv || setup == Setup::FileDrop || setup == Setup::HostedFileDrop;
}

// The file-drop connector only reads: no order status, no order push.
bool readOnly(Setup setup) {
    return setup == Setup::FileDrop || setup == Setup::HostedFileDrop;
}

// "YYYY-MM-DD HH:MM:SS" moved by `seconds`.
std::string shifted(const std::string& timestamp, int seconds) {
    std::tm tm{};
    strptime(timestamp.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
    const std::time_t t = timegm(&tm) + seconds;
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

class Conformance : public ::testing::TestWithParam<Setup> {
  protected:
    void SetUp() override {
        testing::DemoErpOptions options;
        options.items = 60;
        if (csvCatalog(GetParam())) {
            testing::writeCsvCatalog(dir_.path() / "catalog", 60);
            std::filesystem::create_directories(dir_.path() / "orders");
        } else if (!postgres(GetParam())) {
            erp_ = std::make_unique<testing::DemoErp>(store::Backend::SQLite, dir_.path(), options);
        } else {
            pg_ = std::make_unique<testing::TestPostgres>();
            erp_ = std::make_unique<testing::DemoErp>(store::Backend::PostgreSQL, dir_.path(), options, pg_.get());
            ::setenv(testing::DemoErp::kPasswordEnv, pg_->password().c_str(), 1);
        }
        load();
    }

    void load() {
        const auto path = dir_.file("syncline.toml");
        std::ofstream config(path);
        config << "[webstore]\npath = \"w.db\"\n";
        if (GetParam() == Setup::PythonCsv) {
            config << "[erp]\nconnector = \"thrift\"\ncommand = " << testing::tomlArray(testing::pythonCatalogCommand())
                   << "\n[erp.settings]\nfolder = \"" << (dir_.path() / "catalog").string() << "\"\norders_folder = \""
                   << (dir_.path() / "orders").string() << "\"\nbatch_size = 25\n";
        } else if (GetParam() == Setup::FileDrop) {
            config << "[erp]\nconnector = \"file_drop\"\nplugin_dir = \"" << testing::pluginDir() << "\"\n"
                   << testing::fileDropCatalogSettings(dir_.path() / "catalog", 25);
        } else if (GetParam() == Setup::HostedFileDrop) {
            config << "[erp]\nconnector = \"thrift\"\ncommand = " << testing::tomlArray(testing::pluginHostCommand())
                   << "\nremote_kind = \"file_drop\"\n[erp.settings]\n"
                   << testing::underSettings(testing::fileDropCatalogSettings(dir_.path() / "catalog", 25));
        } else if (hosted(GetParam())) {
            config << testing::hostedOdbcSection(*erp_) << testing::underSettings(testing::demoStreamSections());
        } else {
            config << erp_->configSection() << testing::demoStreamSections();
        }
        config.close();
        config_ = config::load(path);
        factory_ = connector::findConnector(config_.erp.connector);
        ASSERT_NE(factory_, nullptr);
    }

    std::unique_ptr<connector::Connector> connector() const { return factory_->create(config_.erp.settings); }

    // Every key a read of `stream` delivers, with its cursor; a test failure when the read fails.
    struct Read {
        std::set<std::string> keys;
        std::optional<std::string> cursor;
        std::optional<connector::Error> error;
    };
    static Read read(connector::Connector& c, const std::string& stream, const OpenRequest& request,
                     const std::function<void()>& after_first_batch = {}) {
        Read out;
        auto session = c.open(stream, request);
        if (!session) {
            out.error = session.error();
            return out;
        }
        connector::RecordBatch batch;
        for (int n = 0;; ++n) {
            if (n == 1 && after_first_batch) {
                after_first_batch();
            }
            auto more = session.value()->next(batch);
            if (!more) {
                out.error = more.error();
                return out;
            }
            if (!more.value()) {
                return out;
            }
            out.cursor = batch.cursor ? batch.cursor : out.cursor;
            for (const auto& row : batch.rows) {
                out.keys.insert(row[0].value_or(""));
            }
        }
    }

    testing::TempDir dir_{"syncline-conformance"};
    std::unique_ptr<testing::TestPostgres> pg_;
    std::unique_ptr<testing::DemoErp> erp_;
    config::Config config_;
    std::shared_ptr<const connector::ConnectorFactory> factory_;
};

TEST_P(Conformance, EveryCheckPasses) {
    connector::ConformanceOptions options;
    options.allow_writes = true;
    const auto checks = connector::runConformance(*factory_, config_.erp.settings, options);
    std::size_t passed = 0;
    for (const auto& c : checks) {
        EXPECT_NE(c.outcome, ConformanceCheck::Outcome::Fail) << c.name << " " << c.stream << ": " << c.detail;
        passed += c.outcome == ConformanceCheck::Outcome::Pass ? 1 : 0;
    }
    if (readOnly(GetParam())) {
        EXPECT_GE(passed, 16u) << "spec, settings, check, unknown stream, 3 per stream";
    } else {
        EXPECT_GE(passed, 18u) << "spec, settings, check, unknown stream, 3 per stream, order status, order push";
    }
    if (postgres(GetParam())) {
        const auto wrong =
            std::find_if(checks.begin(), checks.end(), [](const auto& c) { return c.name == "wrong secret"; });
        ASSERT_NE(wrong, checks.end());
        EXPECT_EQ(wrong->outcome, ConformanceCheck::Outcome::Pass) << wrong->detail;
    }
}

// Rows that share the cursor's timestamp and rows committed late with an older one are read again by the next
// incremental read (with the engine's overlap); rows older than the overlap are not; the cursor does not move back.
TEST_P(Conformance, AnIncrementalReadGetsTiesAtTheBoundaryAndLateRows) {
    auto c = connector();
    const auto full = read(*c, "products", OpenRequest{});
    ASSERT_FALSE(full.error) << full.error->describe();
    ASSERT_TRUE(full.cursor);
    const std::string w = *full.cursor;
    if (csvCatalog(GetParam())) {
        // The same three changes in products.csv: its last column is erp_modified. Written as the file-drop
        // connector's writers must (a .tmp file, then a rename).
        const auto file = dir_.path() / "catalog" / "products.csv";
        std::istringstream in(readFile(file));
        std::string text;
        std::vector<std::string> changed;
        const std::vector<std::string> when = {w, shifted(w, -60), shifted(w, -3600)};
        for (std::string line; std::getline(in, line);) {
            const auto comma = line.rfind(',');
            if (changed.size() < when.size() && !text.empty() && line.substr(comma + 1) < shifted(w, -3600)) {
                line = line.substr(0, comma + 1) + when[changed.size()];
                changed.push_back(line.substr(0, line.find(',')));
            }
            text += line + "\n";
        }
        ASSERT_EQ(changed.size(), 3u);
        testing::replaceFile(file, text);
        OpenRequest incremental;
        incremental.mode = PullMode::Incremental;
        incremental.cursor = w;
        incremental.overlap_seconds = 300;
        const auto delta = read(*c, "products", incremental);
        ASSERT_FALSE(delta.error) << delta.error->describe();
        EXPECT_TRUE(delta.keys.count(changed[0])) << "a row sharing the boundary timestamp";
        EXPECT_TRUE(delta.keys.count(changed[1])) << "a row changed late, inside the overlap";
        EXPECT_FALSE(delta.keys.count(changed[2])) << "a row older than the overlap is for a full pull";
        EXPECT_EQ(delta.cursor, w) << "no row is newer than the boundary: the cursor stays";
        return;
    }
    auto& sql = erp_->sql();
    const auto items = sql.rows("SELECT ItemCode FROM ITMS WHERE ModifiedDate < '" + w + "' ORDER BY ItemCode");
    ASSERT_GE(items.size(), 3u);
    const auto code = [&](std::size_t i) { return items[i][0].value_or(""); };
    const auto at = [&](std::size_t i, const std::string& when) {
        sql.execute("UPDATE ITMS SET ItemName = 'changed', ModifiedDate = " + when + " WHERE ItemCode = '" + code(i) +
                    "'");
    };
    const bool sqlite = !postgres(GetParam());
    at(0, "'" + w + "'");  // a tie at the boundary
    at(1, sqlite ? "datetime('" + w + "', '-60 seconds')" : "TIMESTAMP '" + w + "' - INTERVAL '60 seconds'");  // late
    at(2, sqlite ? "datetime('" + w + "', '-3600 seconds')" : "TIMESTAMP '" + w + "' - INTERVAL '1 hour'");    // older

    OpenRequest incremental;
    incremental.mode = PullMode::Incremental;
    incremental.cursor = w;
    incremental.overlap_seconds = 300;
    const auto delta = read(*c, "products", incremental);
    ASSERT_FALSE(delta.error) << delta.error->describe();
    const auto trimmed = [](std::string s) { return s.erase(s.find_last_not_of(' ') + 1); };
    EXPECT_TRUE(delta.keys.count(trimmed(code(0)))) << "a row sharing the boundary timestamp";
    EXPECT_TRUE(delta.keys.count(trimmed(code(1)))) << "a row committed late, inside the overlap";
    EXPECT_FALSE(delta.keys.count(trimmed(code(2)))) << "a row older than the overlap is for a full pull";
    EXPECT_EQ(delta.cursor, w) << "no row is newer than the boundary: the cursor stays";
}

// A link dropped in the middle of a read is a transient failure: the engine retries later; nothing is half-read.
TEST_P(Conformance, ALinkDroppedMidReadIsTransient) {
    if (!postgres(GetParam())) {
        GTEST_SKIP() << "sqliteodbc and the CSV connectors read files: there is no link to drop";
    }
    testing::TcpProxy proxy("127.0.0.1", pg_->port());
    const auto ini = dir_.path() / "odbc" / "odbc.ini";
    // Through the proxy, and 10 rows per round trip (the DSN's Fetch), so the drop lands between two fetches.
    const std::string rewired =
        std::regex_replace(std::regex_replace(readFile(ini), std::regex("(^|\n)[Pp]ort *=[^\n]*"),
                                              "$1Port = " + std::to_string(proxy.port())),
                           std::regex("(^|\n)Fetch=[^\n]*"), "$1Fetch=10");
    ASSERT_NE(rewired, readFile(ini));
    std::ofstream(ini, std::ios::trunc) << rewired;
    auto settings = config_.erp.settings;
    // Several fetches, so the drop lands mid-read (behind the host: inside the ODBC connector's own settings).
    auto& streams = hosted(GetParam()) ? settings.values["settings"]["streams"] : settings.values["streams"];
    streams["price_rules"]["batch_size"] = 10;
    auto c = factory_->create(settings);
    const auto r = read(*c, "price_rules", OpenRequest{}, [&] { proxy.dropAll(); });
    ASSERT_TRUE(r.error) << "the read went on after its link was dropped";
    EXPECT_EQ(r.error->kind, connector::ErrorKind::Transient) << r.error->describe();
}

INSTANTIATE_TEST_SUITE_P(Connectors, Conformance,
                         ::testing::Values(Setup::OdbcSqlite, Setup::OdbcPostgres, Setup::HostedOdbcSqlite,
                                           Setup::HostedOdbcPostgres, Setup::PythonCsv, Setup::FileDrop,
                                           Setup::HostedFileDrop),
                         nameOf);

}  // namespace
}  // namespace syncline
