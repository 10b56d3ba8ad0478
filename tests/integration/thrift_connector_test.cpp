// The thrift connector kind end to end (issue 14, item 5): `syncline run` through real child processes and real
// sockets: the ODBC connector behind syncline-connector-host (started by syncline, or running on its own at a unix
// socket or a TCP address) against the demo ERP on both drivers, the file-drop plug-in behind the host, and the
// Python template connector. What is checked is what an admin sees: the rows in the webstore, exit codes, messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>
#include "tests/support/child_process.h"
#include "tests/support/sync_config.h"

#include "tests/support/thrift_connectors.h"

namespace syncline {
namespace {

using store::Backend;
using testing::ChildProcess;
using testing::DemoErp;
using ::testing::HasSubstr;
using testing::TempDir;
using testing::TestPostgres;
using testing::TestWebstore;

const std::vector<std::string> kJobs = {"customers", "catalog", "stock", "prices"};
const std::vector<std::string> kTables = {"customers", "products", "stock_levels", "price_rules"};

std::vector<std::string> envOf(const DemoErp& erp, const TestWebstore& webstore) {
    auto env = erp.environment();
    for (const auto& e : webstore.environment()) {
        env.push_back(e);
    }
    return env;
}

void runAll(const std::string& config, const std::vector<std::string>& env) {
    for (const auto& job : kJobs) {
        const auto r = testing::runSyncline(config, {"run", job}, env);
        ASSERT_EQ(r.exit_code, 0) << job << ": " << r.err;
    }
}

class HostedOdbc : public ::testing::TestWithParam<Backend> {};

// The ODBC connector in syncline-connector-host, started by the thrift kind, fills the webstore row for row as the
// ODBC connector in syncline does; the PostgreSQL ERP's password reaches the host only in its calls.
TEST_P(HostedOdbc, PullsTheSameWebstoreAsInProcess) {
    TempDir dir("thrift-hosted");
    std::unique_ptr<TestPostgres> pg = GetParam() == Backend::PostgreSQL ? std::make_unique<TestPostgres>() : nullptr;
    testing::DemoErpOptions options;
    options.items = 300;
    DemoErp erp(GetParam(), dir.path(), options, pg.get());
    TestWebstore direct(Backend::SQLite, dir.path(), "direct");
    TestWebstore hosted(Backend::SQLite, dir.path(), "hosted");
    const auto direct_config = testing::writeSyncConfig(dir.path() / "direct.toml", erp, direct);
    const auto hosted_config = testing::writeHostedOdbcConfig(dir.path() / "hosted.toml", erp, hosted);
    runAll(direct_config, envOf(erp, direct));
    runAll(hosted_config, envOf(erp, hosted));
    for (const auto& table : kTables) {
        const auto rows = direct.dump(table);
        EXPECT_GT(direct.count(table), 0) << table;
        EXPECT_EQ(rows, hosted.dump(table)) << table;
    }
    // A second, incremental run through the host reads from the cursor the first one stored.
    const auto again = testing::runSyncline(hosted_config, {"--json", "run", "catalog"}, envOf(erp, hosted));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_THAT(again.out, HasSubstr("\"mode\": \"incremental\""));
}

INSTANTIATE_TEST_SUITE_P(Drivers, HostedOdbc, ::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                         [](const auto& info) { return info.param == Backend::SQLite ? "Sqlite" : "Postgres"; });

int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    socklen_t size = sizeof(address);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
    ::close(fd);
    return ntohs(address.sin_port);
}

// A host that runs on its own is reached at its unix socket or its TCP address; syncline starts nothing.
TEST(ThriftConnector, ReachesARunningHostAtASocketOrAnAddress) {
    TempDir dir("thrift-remote");
    testing::DemoErpOptions options;
    options.items = 100;
    DemoErp erp(Backend::SQLite, dir.path(), options);
    const int port = freePort();
    const std::string socket = dir.file("host.sock");
    auto host_command = testing::connectorHostCommand();
    host_command.insert(host_command.end(), {"--socket", socket, "--kind", "odbc"});
    ChildProcess on_socket(host_command);
    host_command = testing::connectorHostCommand();
    host_command.insert(host_command.end(), {"--listen", "127.0.0.1:" + std::to_string(port), "--kind", "odbc"});
    ChildProcess on_port(host_command);
    for (const auto& [name, where] : std::vector<std::pair<std::string, std::string>>{
             {"socket", "socket = \"" + socket + "\""},
             {"address", "address = \"127.0.0.1:" + std::to_string(port) + "\""}}) {
        TestWebstore webstore(Backend::SQLite, dir.path(), name);
        std::string config = testing::writeHostedOdbcConfig(dir.path() / (name + ".toml"), erp, webstore);
        // The same config with the host's place instead of its command.
        std::ifstream in(config);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto start = text.find("command = ");
        text.replace(start, text.find('\n', start) - start, where);
        std::ofstream(config) << text;
        bool done = false;
        for (int attempt = 0; attempt < 100 && !done; ++attempt) {  // until the host listens
            const auto r = testing::runSyncline(config, {"run", "catalog"});
            done = r.exit_code == 0;
            if (!done) {
                ASSERT_THAT(r.err, HasSubstr("cannot reach")) << name;
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        }
        ASSERT_TRUE(done) << name;
        EXPECT_EQ(webstore.count("products"), 100) << name;
    }
}

// The file-drop plug-in served by syncline-connector-host --plugin-dir, started by the thrift kind, fills the webstore
// row for row as the plug-in loaded into syncline from erp.plugin_dir does; then reads incrementally from its cursor.
TEST(HostedPlugin, FileDropPullsTheSameWebstoreAsInProcess) {
    TempDir dir("thrift-hosted-plugin");
    const auto catalog = dir.path() / "catalog";
    testing::writeCsvCatalog(catalog, 250);
    TestWebstore direct(Backend::SQLite, dir.path(), "direct");
    TestWebstore hosted(Backend::SQLite, dir.path(), "hosted");
    const auto direct_config = dir.file("direct.toml");
    std::ofstream(direct_config) << "[engine]\nnode_name = \"test\"\n\n"
                                 << direct.configSection() << "\n[erp]\nconnector = \"file_drop\"\nplugin_dir = \""
                                 << testing::pluginDir() << "\"\n"
                                 << testing::fileDropCatalogSettings(catalog, 40);
    const auto hosted_config = testing::writeThriftConfig(
        dir.path() / "hosted.toml", hosted,
        "command = " + testing::tomlArray(testing::pluginHostCommand()) + "\nremote_kind = \"file_drop\"\n",
        testing::underSettings(testing::fileDropCatalogSettings(catalog, 40)));
    const auto checked = testing::runSyncline(hosted_config, {"check-config"});
    ASSERT_EQ(checked.exit_code, 0) << checked.err;
    EXPECT_THAT(checked.out, HasSubstr("products, stock, customers, price_rules"));
    runAll(direct_config, {});
    runAll(hosted_config, {});
    for (const auto& table : kTables) {
        EXPECT_GT(direct.count(table), 0) << table;
        EXPECT_EQ(direct.dump(table), hosted.dump(table)) << table;
    }
    EXPECT_EQ(hosted.count("products"), 250);
    EXPECT_EQ(hosted.sql().value("SELECT list_price FROM products WHERE sku = 'P00123'"), "123.3");

    // The ERP rewrites products.csv (write, then rename) with one row changed after everything else.
    std::ifstream in(catalog / "products.csv");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    testing::replaceFile(catalog / "products.csv",
                         text + "P00007,Product 7 renamed,PCE,7.7,EUR,1,2026-11-30 09:00:00\n");
    const auto r = testing::runSyncline(hosted_config, {"--json", "run", "catalog"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("\"mode\": \"incremental\""));
    EXPECT_THAT(r.out, HasSubstr("\"applied\": 1"));
    EXPECT_EQ(hosted.sql().value("SELECT name FROM products WHERE sku = 'P00007'"), "Product 7 renamed");
}

// A plug-in syncline-connector-host must refuse stops it before it serves, with the message syncline gives for
// erp.plugin_dir (naming the file) and exit 78; through the thrift kind, check-config shows that message at
// erp.command. A plug-in's kind without --plugin-dir is unknown to the host, which says how to serve it.
TEST(HostedPlugin, ABadPluginIsRefusedByTheHostNamingIt) {
    TempDir dir("thrift-bad-plugin");
    const auto plugins = dir.path() / "plugins";
    std::filesystem::create_directory(plugins);
    std::filesystem::copy_file(std::filesystem::path(SYNCLINE_BINARY_DIR) / "test_plugins" / "test_plugin_wrong_api.so",
                               plugins / "wrong_api.so");
    const std::string refusal = "plug-in " + std::filesystem::canonical(plugins / "wrong_api.so").string() +
                                ": was built for connector API 2, this syncline has 1; rebuild it against this "
                                "syncline's headers";
    auto command = testing::connectorHostCommand();
    command.insert(command.end(), {"--plugin-dir", plugins.string(), "--socket", dir.file("host.sock")});
    auto r = testing::runProcess(command);
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("syncline-connector-host: " + refusal));
    EXPECT_FALSE(std::filesystem::exists(dir.file("host.sock"))) << "it listened";

    command = testing::connectorHostCommand();
    command.insert(command.end(), {"--plugin-dir", dir.file("missing"), "--socket", dir.file("host.sock")});
    r = testing::runProcess(command);
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("plug-in " + dir.file("missing") + ": the plug-in folder does not exist"));

    TestWebstore webstore(Backend::SQLite, dir.path(), "webstore");
    command = testing::connectorHostCommand();
    command.insert(command.end(), {"--plugin-dir", plugins.string()});
    auto config =
        testing::writeThriftConfig(dir.path() / "bad.toml", webstore,
                                   "command = " + testing::tomlArray(command) + "\nremote_kind = \"file_drop\"\n",
                                   testing::underSettings(testing::fileDropCatalogSettings(dir.path(), 40)));
    r = testing::runSyncline(config, {"check-config"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("key 'erp.command': the connector `file_drop` exited with status 78 before it "
                                 "listened: syncline-connector-host: " +
                                 refusal));

    config = testing::writeThriftConfig(
        dir.path() / "no-plugins.toml", webstore,
        "command = " + testing::tomlArray(testing::connectorHostCommand()) + "\nremote_kind = \"file_drop\"\n",
        testing::underSettings(testing::fileDropCatalogSettings(dir.path(), 40)));
    r = testing::runSyncline(config, {"check-config"});
    EXPECT_EQ(r.exit_code, 78) << r.err;
    EXPECT_THAT(r.err, HasSubstr("syncline-connector-host has no connector kind 'file_drop'; known: odbc, thrift "
                                 "(a plug-in's kind is served with --plugin-dir, the folder of its .so file)"));
}

// The Python template pulls its CSV catalog: every row, the decimals exactly as written, then only what changed.
TEST(ThriftConnector, PythonTemplatePullsItsCatalogIntoTheWebstore) {
    TempDir dir("thrift-python");
    testing::writeCsvCatalog(dir.path() / "catalog", 250);
    TestWebstore webstore(Backend::SQLite, dir.path(), "webstore");
    const auto config = testing::writeThriftConfig(
        dir.path() / "python.toml", webstore, "command = " + testing::tomlArray(testing::pythonCatalogCommand()),
        "folder = \"" + (dir.path() / "catalog").string() + "\"\nbatch_size = 40\n");
    const auto checked = testing::runSyncline(config, {"check-config"});
    ASSERT_EQ(checked.exit_code, 0) << checked.err;
    EXPECT_THAT(checked.out, HasSubstr("products, stock, customers, price_rules"));
    runAll(config, {});
    EXPECT_EQ(webstore.count("products"), 250);
    EXPECT_EQ(webstore.count("stock_levels"), 250);
    EXPECT_EQ(webstore.count("customers"), 20);
    EXPECT_EQ(webstore.count("price_rules"), 250);
    EXPECT_EQ(webstore.sql().value("SELECT list_price FROM products WHERE sku = 'P00123'"), "123.3");
    EXPECT_EQ(webstore.sql().value("SELECT name FROM products WHERE sku = 'P00123'"), "Product 123, steel");
    EXPECT_EQ(webstore.count("products", "active = 0"), 15);

    // A changed row, dated after everything else: the incremental run applies it and nothing more.
    std::ofstream(dir.path() / "catalog" / "products.csv", std::ios::app)
        << "P00007,Product 7 renamed,PCE,7.7,EUR,1,2026-11-30 09:00:00\n";
    const auto r = testing::runSyncline(config, {"--json", "run", "catalog"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("\"mode\": \"incremental\""));
    EXPECT_THAT(r.out, HasSubstr("\"applied\": 1"));
    EXPECT_EQ(webstore.sql().value("SELECT name FROM products WHERE sku = 'P00007'"), "Product 7 renamed");
}

// The connector's stdout and stderr are lines of syncline's log, named after it; the ERP password is handed over in
// its calls and is neither in its environment nor in its arguments, even when syncline's environment holds it.
TEST(ThriftConnector, SecretsOnlyInCallsAndTheConnectorsOutputInTheLog) {
    TempDir dir("thrift-secrets");
    testing::writeCsvCatalog(dir.path() / "catalog", 10);
    TestWebstore webstore(Backend::SQLite, dir.path(), "webstore");
    const std::string secret = "s3cret-Pa55word";
    const auto dump = dir.file("connector.json");
    const auto command = testing::faultyCatalogCommand({"--say", "hello from the connector", "--dump", dump});
    const auto config = testing::writeThriftConfig(
        dir.path() / "secrets.toml", webstore,
        "command = " + testing::tomlArray(command) + "\npassword_env = \"TEST_CONNECTOR_PASSWORD\"\n",
        "folder = \"" + (dir.path() / "catalog").string() + "\"\n");
    const auto r =
        testing::runSyncline(config, {"run", "catalog"}, {"TEST_CONNECTOR_PASSWORD=" + secret, "PGPASSWORD=" + secret});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.err, HasSubstr("connector python3 faulty_connector.py ["));
    EXPECT_THAT(r.err, HasSubstr("]: hello from the connector"));
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr(secret)));

    std::ifstream in(dump);
    const auto seen = nlohmann::json::parse(in);
    EXPECT_EQ(seen["secrets"]["password"], secret);
    EXPECT_THAT(seen["environ"].dump(), ::testing::Not(HasSubstr(secret)));
    EXPECT_THAT(seen["argv"].dump(), ::testing::Not(HasSubstr(secret)));
    EXPECT_FALSE(seen["environ"].contains("TEST_CONNECTOR_PASSWORD"));
    EXPECT_TRUE(seen["environ"].contains("SYNCLINE_CONNECTOR_SOCKET"));
}

}  // namespace
}  // namespace syncline
