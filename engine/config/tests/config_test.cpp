#include "engine/config/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "connectors/builtin.h"
#include "connectors/odbc/odbc_settings.h"
#include "engine/config/schema.h"

namespace syncline::config {
namespace {

// The [erp] sections here are the built-in ODBC connector's: its kind must be registered before a config loads.
const bool kConnectorsRegistered = (connectors::registerBuiltinConnectors(), true);

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class ConfigTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("syncline-config-test-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& text, const std::string& name = "syncline.toml") {
        const auto path = (dir_ / name).string();
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

TEST_F(ConfigTest, MinimalSqliteConfigLoadsWithDefaultsAndResolvesPathNextToFile) {
    const auto config = load(write("[webstore]\nbackend = \"sqlite\"\npath = \"data/webstore.db\"\n"));
    EXPECT_EQ(config.webstore.backend, store::Backend::SQLite);
    EXPECT_EQ(config.webstore.sqlite_path, (dir_ / "data/webstore.db").string());
    EXPECT_EQ(config.log.level, "info");
    EXPECT_EQ(config.log.format, "text");
    EXPECT_FALSE(config.node_name.empty());
    EXPECT_FALSE(config.erp.configured());
}

TEST_F(ConfigTest, OwnershipDefaultsAndOverrides) {
    const std::string webstore = "[webstore]\npath = \"x.db\"\n";
    auto config = load(write(webstore));
    EXPECT_EQ(config.ownership.policy("product", "description"), conflict::Policy::Store);
    EXPECT_EQ(config.ownership.policy("product", "name"), conflict::Policy::Erp);
    config = load(write(webstore + "[ownership.product]\nname = \"manual\"\ndescription = \"erp\"\n"
                                   "[ownership.customer]\nemail = \"newest\"\n"));
    EXPECT_EQ(config.ownership.policy("product", "name"), conflict::Policy::Manual);
    EXPECT_EQ(config.ownership.policy("product", "description"), conflict::Policy::Erp);
    EXPECT_EQ(config.ownership.policy("customer", "email"), conflict::Policy::Newest);
}

TEST_F(ConfigTest, OwnershipRejectsUnknownEntitiesKeysAndPolicies) {
    const auto issues = issuesOf(
        "[webstore]\npath = \"x.db\"\n[ownership.order]\nstatus = \"erp\"\n[ownership.product]\nsku = \"store\"\n"
        "name = \"shop\"\n");
    ASSERT_EQ(issues.size(), 3u);
    EXPECT_EQ(issues[0].key, "ownership.order");
    EXPECT_THAT(issues[0].message, HasSubstr("unknown entity"));
    EXPECT_EQ(issues[1].key, "ownership.product.sku");
    EXPECT_THAT(issues[1].message, HasSubstr("always belong to the ERP"));
    EXPECT_EQ(issues[1].line, 6);
    EXPECT_EQ(issues[2].key, "ownership.product.name");
    EXPECT_THAT(issues[2].message, HasSubstr("'shop' is not allowed; allowed: erp, store, newest, manual"));
}

TEST_F(ConfigTest, UnknownKeyNamesLineKeyAndSuggestion) {
    const auto issues = issuesOf("[webstore]\nbackend = \"sqlite\"\npath = \"x.db\"\nbakend = \"sqlite\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].line, 4);
    EXPECT_EQ(issues[0].key, "webstore.bakend");
    EXPECT_THAT(issues[0].message, HasSubstr("did you mean 'backend'"));
    EXPECT_THAT(issues[0].format(), HasSubstr("syncline.toml:4:1: key 'webstore.bakend': unknown key"));
}

TEST_F(ConfigTest, UnknownSectionIsRejected) {
    const auto issues = issuesOf("[webstore]\npath = \"x.db\"\n[webshop]\nx = 1\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "webshop");
    EXPECT_THAT(issues[0].message, HasSubstr("allowed here: engine, log, webstore, erp"));
}

TEST_F(ConfigTest, ValueOutsideAllowedSetListsTheAllowedValues) {
    const auto issues = issuesOf("[webstore]\nbackend = \"mysql\"\npath = \"x.db\"\n");
    ASSERT_FALSE(issues.empty());
    EXPECT_EQ(issues[0].line, 2);
    EXPECT_THAT(issues[0].message, HasSubstr("'mysql' is not allowed; allowed: sqlite, postgresql"));
}

TEST_F(ConfigTest, WrongTypeAndRangeAreReported) {
    const auto issues = issuesOf(
        "[webstore]\nbackend = \"postgresql\"\nport = \"5432\"\ndatabase = \"w\"\nuser = \"u\"\n"
        "connect_timeout_s = 0\n");
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_EQ(issues[0].key, "webstore.port");
    EXPECT_THAT(issues[0].message, HasSubstr("must be an integer"));
    EXPECT_EQ(issues[1].key, "webstore.connect_timeout_s");
    EXPECT_THAT(issues[1].message, HasSubstr("out of range; allowed: 1 to 600"));
}

TEST_F(ConfigTest, EveryRunHasADeadlineOfTwoHoursUnlessSet) {
    const std::string webstore = "[webstore]\npath = \"x.db\"\n";
    EXPECT_EQ(load(write(webstore)).sync.run_timeout_s, 7200);
    EXPECT_EQ(load(write(webstore + "[sync]\nrun_timeout_s = 900\n")).sync.run_timeout_s, 900);
    for (const std::string bad : {"0", "604801", "\"2h\""}) {
        const auto issues = issuesOf(webstore + "[sync]\nrun_timeout_s = " + bad + "\n");
        ASSERT_EQ(issues.size(), 1u) << bad;
        EXPECT_EQ(issues[0].key, "sync.run_timeout_s");
        EXPECT_EQ(issues[0].line, 4);
        EXPECT_THAT(issues[0].message,
                    ::testing::AnyOf(HasSubstr("out of range; allowed: 1 to 604800"), HasSubstr("must be an integer")));
    }
}

TEST_F(ConfigTest, AllIssuesAreReportedNotOnlyTheFirst) {
    const auto issues = issuesOf("[log]\nlevel = \"loud\"\nformat = \"xml\"\n[webstore]\nbackend = \"sqlite\"\n");
    ASSERT_EQ(issues.size(), 3u);
    EXPECT_EQ(issues[2].key, "webstore.path");
    EXPECT_THAT(issues[2].message, HasSubstr("is required"));
}

TEST_F(ConfigTest, AnApiNeedsATokenFromTheEnvironmentOrAFileNeverFromTheFile) {
    const std::string base = "[webstore]\nbackend = \"sqlite\"\npath = \"w.db\"\n[api]\nhttp_port = 8480\n";
    auto issues = issuesOf(base);
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "api.token_env");
    EXPECT_THAT(issues[0].message, HasSubstr("needs a token"));

    issues = issuesOf(base + "token = \"hunter2\"\n");
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_THAT(issues[0].message, HasSubstr("set api.token_env"));
    EXPECT_EQ(issues[0].message.find("hunter2"), std::string::npos);

    issues = issuesOf(base + "thrift_port = 8480\ntoken_env = \"SYNCLINE_CONFIG_TEST_TOKEN\"\n");
    ASSERT_EQ(issues.size(), 2u);
    EXPECT_EQ(issues[0].key, "api.thrift_port");
    EXPECT_THAT(issues[1].message, HasSubstr("the environment variable it names is not set"));

    std::ofstream(dir_ / "token") << "t0ken\n";
    const auto config = load(write(base + "token_file = \"token\"\n"));
    EXPECT_TRUE(config.api.enabled());
    EXPECT_EQ(config.api.token.reveal(), "t0ken");
    EXPECT_EQ(config.api.bind, "127.0.0.1");
    EXPECT_EQ(config.api.max_request_bytes, 1048576);
    EXPECT_FALSE(load(write("[webstore]\nbackend = \"sqlite\"\npath = \"w.db\"\n")).api.enabled());
}

// The bounds against slow, idle and greedy clients (issue 19, D6 and D7): defaults, the admin's values, and a value out
// of range named with what is allowed.
TEST_F(ConfigTest, TheApisLimitsAgainstSlowAndIdleClientsHaveDefaultsAndRanges) {
    std::ofstream(dir_ / "token") << "t0ken\n";
    const std::string base =
        "[webstore]\nbackend = \"sqlite\"\npath = \"w.db\"\n[api]\nhttp_port = 8480\ntoken_file = \"token\"\n";
    const auto defaults = load(write(base)).api;
    EXPECT_EQ(defaults.max_connections_per_peer, 16);
    EXPECT_EQ(defaults.http_max_open_connections, 512);
    EXPECT_EQ(defaults.http_request_timeout_ms, 10000);
    EXPECT_EQ(defaults.thrift_first_frame_timeout_ms, 5000);

    const auto set = load(write(base + "max_connections_per_peer = 4\nhttp_max_open_connections = 2000\n"
                                       "http_request_timeout_ms = 2500\nthrift_first_frame_timeout_ms = 800\n"))
                         .api;
    EXPECT_EQ(set.max_connections_per_peer, 4);
    EXPECT_EQ(set.http_max_open_connections, 2000);
    EXPECT_EQ(set.http_request_timeout_ms, 2500);
    EXPECT_EQ(set.thrift_first_frame_timeout_ms, 800);

    const auto issues = issuesOf(base +
                                 "max_connections_per_peer = 0\nhttp_request_timeout_ms = 50\n"
                                 "thrift_first_frame_timeout_ms = \"5s\"\nhttp_max_open_connections = 0\n");
    ASSERT_EQ(issues.size(), 4u);
    EXPECT_EQ(issues[0].key, "api.max_connections_per_peer");
    EXPECT_THAT(issues[0].message, HasSubstr("allowed: 1 to 65536"));
    EXPECT_EQ(issues[1].key, "api.http_request_timeout_ms");
    EXPECT_THAT(issues[1].message, HasSubstr("allowed: 100 to 600000"));
    EXPECT_EQ(issues[2].key, "api.thrift_first_frame_timeout_ms");
    EXPECT_THAT(issues[2].message, HasSubstr("must be an integer"));
    EXPECT_EQ(issues[3].key, "api.http_max_open_connections");
}

// TLS for the APIs (issue 19, D20): the files are read at load, a certificate needs its key, client certificates need
// TLS, and a key others may read, an encrypted key or a file without PEM is refused with the key's position, never
// with the key's content.
TEST_F(ConfigTest, TlsFilesAreReadAtLoadAndAKeyOthersMayReadIsRefused) {
    constexpr const char* kKeyText =
        "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1ieXRlcw==\n-----END PRIVATE KEY-----\n";
    const auto file = [&](const std::string& name, const std::string& text, fs::perms perms) {
        std::ofstream(dir_ / name) << text;
        fs::permissions(dir_ / name, perms);
    };
    const auto owner_only = fs::perms::owner_read | fs::perms::owner_write;
    file("cert.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", fs::perms(0644));
    file("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n", fs::perms(0644));
    file("key.pem", kKeyText, owner_only);
    file("open.key", kKeyText, fs::perms(0644));
    file("group.key", kKeyText, fs::perms(0640));
    file("secret.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIF\n-----END ENCRYPTED PRIVATE KEY-----\n",
         owner_only);
    file("nothing.pem", "not a certificate\n", fs::perms(0644));
    std::ofstream(dir_ / "token") << "t0ken\n";
    const std::string base =
        "[webstore]\nbackend = \"sqlite\"\npath = \"w.db\"\n[api]\nhttp_port = 8480\ntoken_file = \"token\"\n";

    EXPECT_FALSE(load(write(base)).api.tls.enabled());
    const auto tls = load(write(base + "tls_cert_file = \"cert.pem\"\ntls_key_file = \"key.pem\"\n"
                                       "tls_ca_file = \"ca.pem\"\n"))
                         .api.tls;
    EXPECT_TRUE(tls.enabled());
    EXPECT_EQ(tls.cert_file, (dir_ / "cert.pem").string());
    EXPECT_THAT(tls.cert_pem, HasSubstr("MIIB"));
    EXPECT_EQ(tls.key_pem.reveal(), kKeyText);
    EXPECT_EQ(tls.key_pem.source(), "file " + (dir_ / "key.pem").string());
    EXPECT_THAT(tls.ca_pem, HasSubstr("MIIC"));

    const auto half = issuesOf(base + "tls_cert_file = \"cert.pem\"\n");
    ASSERT_EQ(half.size(), 1u);
    EXPECT_EQ(half[0].key, "api.tls_cert_file");
    EXPECT_EQ(half[0].line, 7);
    EXPECT_THAT(half[0].message, HasSubstr("go together"));
    const auto ca_alone = issuesOf(base + "tls_ca_file = \"ca.pem\"\n");
    ASSERT_EQ(ca_alone.size(), 1u);
    EXPECT_EQ(ca_alone[0].key, "api.tls_ca_file");

    for (const auto& [key_file, why] : std::vector<std::pair<std::string, std::string>>{
             {"open.key", "may be read by other users (mode 0644)"},
             {"secret.key", "encrypted with a passphrase"},
             {"nothing.pem", "holds no PEM private key"},
             {"missing.key", "cannot read " + (dir_ / "missing.key").string() + ": No such file"},
             {".", "is not a regular file"}}) {
        const auto issues = issuesOf(base + "tls_cert_file = \"cert.pem\"\ntls_key_file = \"" + key_file + "\"\n");
        ASSERT_EQ(issues.size(), 1u) << key_file;
        EXPECT_EQ(issues[0].key, "api.tls_key_file") << key_file;
        EXPECT_EQ(issues[0].line, 8) << key_file;
        EXPECT_THAT(issues[0].message, HasSubstr(why)) << key_file;
        EXPECT_THAT(issues[0].message, ::testing::Not(HasSubstr("c2VjcmV0"))) << key_file;
    }
    // Group-readable is fine only when root owns the key (Debian's ssl-cert group); this test does not run as root's
    // file owner unless it is root.
    const auto group = issuesOf(base + "tls_cert_file = \"cert.pem\"\ntls_key_file = \"group.key\"\n");
    EXPECT_EQ(group.size(), ::geteuid() == 0 ? 0u : 1u);
    const auto not_cert = issuesOf(base + "tls_cert_file = \"nothing.pem\"\ntls_key_file = \"key.pem\"\n");
    ASSERT_EQ(not_cert.size(), 1u);
    EXPECT_THAT(not_cert[0].message, HasSubstr("holds no PEM certificate"));
}

TEST_F(ConfigTest, SyntaxErrorHasPosition) {
    const auto issues = issuesOf("[webstore]\nbackend = \"sqlite\npath = 1\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].line, 2);
    EXPECT_THAT(issues[0].message, HasSubstr("TOML syntax"));
}

TEST_F(ConfigTest, PlainPasswordIsRefusedAndNotEchoed) {
    const auto issues = issuesOf(
        "[webstore]\nbackend = \"postgresql\"\ndatabase = \"w\"\nuser = \"u\"\npassword = \"hunter2-secret\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "webstore.password");
    EXPECT_THAT(issues[0].message, HasSubstr("password_env"));
    EXPECT_EQ(issues[0].format().find("hunter2"), std::string::npos);
}

TEST_F(ConfigTest, PasswordInConnectionStringIsRefused) {
    const auto issues =
        issuesOf("[webstore]\npath = \"x.db\"\n[erp]\nconnection_string = \"Driver=PostgreSQL Unicode;PWD=abc\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "erp.connection_string");
    EXPECT_EQ(issues[0].format().find("abc"), std::string::npos);
}

TEST_F(ConfigTest, SecretsComeFromEnvironmentOrFile) {
    ::setenv("SYNCLINE_TEST_WS_PASSWORD", "from-env", 1);
    write("from-file\nsecond line ignored\n", "erp.pw");
    const auto config =
        load(write("[webstore]\nbackend = \"postgresql\"\ndatabase = \"w\"\nuser = \"u\"\n"
                   "password_env = \"SYNCLINE_TEST_WS_PASSWORD\"\n"
                   "[erp]\ndsn = \"Erp\"\npassword_file = \"erp.pw\"\n"));
    EXPECT_EQ(config.webstore.password, "from-env");
    EXPECT_EQ(config.webstore_password.source(), "environment variable SYNCLINE_TEST_WS_PASSWORD");
    EXPECT_EQ(config.erp.settings.secret("password"), "from-file");
    EXPECT_EQ(config.webstore.describe().find("from-env"), std::string::npos);
    ::unsetenv("SYNCLINE_TEST_WS_PASSWORD");
}

// D15: only a regular file of reasonable size is read: a FIFO would block check-config, /dev/zero never end.
TEST_F(ConfigTest, AConfigMustBeARegularFileOfReasonableSize) {
    const auto fifo = (dir_ / "fifo.toml").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    try {
        load(fifo);
        ADD_FAILURE() << "a FIFO was read";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.issues().at(0).message, HasSubstr("must be a regular file"));
    }
    try {
        load("/dev/zero");
        ADD_FAILURE() << "/dev/zero was read";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.issues().at(0).message, HasSubstr("must be a regular file"));
    }
    const std::string huge = "[webstore]\npath = \"x.db\"\n" + std::string(2 * 1024 * 1024, '#') + "\n";
    try {
        load(write(huge));
        ADD_FAILURE() << "a 2 MiB config was read";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.issues().at(0).message, HasSubstr("larger than 1024 KiB"));
    }
}

// D18: a password in the connection string is refused however the attribute is spaced or cased.
TEST_F(ConfigTest, APasswordInTheConnectionStringIsRefusedHoweverItIsWritten) {
    for (const std::string attribute : {"PWD=s3cret", "PWD = s3cret", " pwd =s3cret", "Password\t= s3cret"}) {
        const auto issues = issuesOf("[webstore]\npath = \"x.db\"\n[erp]\nconnection_string = \"Driver=X;Server=h;" +
                                     attribute + ";\"\n");
        ASSERT_EQ(issues.size(), 1u) << attribute;
        EXPECT_EQ(issues[0].key, "erp.connection_string");
        EXPECT_THAT(issues[0].message, HasSubstr("holds a password"));
    }
    EXPECT_TRUE(
        issuesOf("[webstore]\npath = \"x.db\"\n[erp]\nconnection_string = \"Driver=X;Server=h;PWDLen=3\"\n").empty());
}

TEST_F(ConfigTest, TheAuditKeyComesFromAFileOrTheEnvironmentAndMustBeLongEnough) {
    const std::string base = "[webstore]\npath = \"w.db\"\n[audit]\n";
    EXPECT_TRUE(load(write("[webstore]\npath = \"w.db\"\n")).audit.hmac_key.empty()) << "optional";

    std::ofstream(dir_ / "audit.key") << std::string(64, 'k') << "\n";
    EXPECT_EQ(load(write(base + "hmac_key_file = \"audit.key\"\n")).audit.hmac_key.reveal(), std::string(64, 'k'));

    ::setenv("SYNCLINE_TEST_AUDIT_KEY", "short-but-secret", 1);
    auto issues = issuesOf(base + "hmac_key_env = \"SYNCLINE_TEST_AUDIT_KEY\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "audit.hmac_key_env");
    EXPECT_THAT(issues[0].message, HasSubstr("the key has 16 characters; it needs at least 32"));
    EXPECT_EQ(issues[0].format().find("short-but-secret"), std::string::npos);
    ::unsetenv("SYNCLINE_TEST_AUDIT_KEY");

    issues = issuesOf(base + "hmac_key = \"typed-into-the-file-0123456789abcdef\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_THAT(issues[0].message, HasSubstr("set audit.hmac_key_env"));
    EXPECT_EQ(issues[0].format().find("typed-into"), std::string::npos);
}

TEST_F(ConfigTest, MissingSecretIsAnIssue) {
    ::unsetenv("SYNCLINE_TEST_UNSET_VAR");
    const auto issues =
        issuesOf("[webstore]\npath = \"x.db\"\n[erp]\ndsn = \"Erp\"\npassword_env = \"SYNCLINE_TEST_UNSET_VAR\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "erp.password_env");
    EXPECT_EQ(issues[0].line, 5);
    EXPECT_THAT(issues[0].message, HasSubstr("the environment variable it names is not set"));
}

// D14: an admin who types the password itself into password_env or password_file never sees it echoed back (the
// message goes to a terminal, a log, a CI job's output); file:line:col say where it is.
TEST_F(ConfigTest, ASecretTypedIntoASecretKeyIsNeverEchoed) {
    for (const std::string secret : {"Tr0ub4dor&3", "hunter22"}) {
        for (const std::string key : {"password_env", "password_file"}) {
            const auto issues =
                issuesOf("[webstore]\npath = \"x.db\"\n[erp]\ndsn = \"Erp\"\n" + key + " = \"" + secret + "\"\n");
            ASSERT_EQ(issues.size(), 1u) << key;
            EXPECT_EQ(issues[0].key, "erp." + key);
            EXPECT_EQ(issues[0].line, 5);
            EXPECT_THAT(issues[0].message, ::testing::Not(HasSubstr(secret))) << key;
            EXPECT_THAT(issues[0].format(), ::testing::Not(HasSubstr(secret))) << key;
        }
    }
}

TEST_F(ConfigTest, ErpNeedsExactlyOneOfDsnAndConnectionString) {
    const auto issues = issuesOf("[webstore]\npath = \"x.db\"\n[erp]\nuser = \"u\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_THAT(issues[0].message, HasSubstr("exactly one of erp.dsn and erp.connection_string"));
}

TEST_F(ConfigTest, MissingFileIsAnIssue) {
    try {
        load((dir_ / "nope.toml").string());
        FAIL() << "expected ConfigError";
    } catch (const ConfigError& e) {
        EXPECT_THAT(e.issues()[0].message, HasSubstr("cannot read the config file"));
    }
}

TEST_F(ConfigTest, StarterConfigIsValid) {
    const auto config = load(write(starterConfig("webstore.db")));
    EXPECT_EQ(config.webstore.sqlite_path, (dir_ / "webstore.db").string());
}

}  // namespace
}  // namespace syncline::config

namespace syncline::config {
namespace {

// The example config is the admin's reference: every key the schema accepts must be shown in it.
TEST(ExampleConfig, DocumentsEveryKey) {
    std::ifstream in(std::string(SYNCLINE_SOURCE_DIR) + "/config/syncline.example.toml");
    std::stringstream text;
    text << in.rdbuf();
    const std::string example = text.str();
    auto keys = configSchema();
    const auto odbc = erpKeys(odbc::odbcSpec());  // the example's [erp] is the ODBC connector's
    keys.insert(keys.end(), odbc.begin(), odbc.end());
    for (const auto& spec : keys) {
        const auto dot = spec.path.rfind('.');
        if (spec.kind == ValueKind::Table && (spec.path.find(".*") != std::string::npos || spec.path == "erp.streams" ||
                                              spec.path == "ownership" || spec.path == "schedule")) {
            continue;  // shown by example: [erp.streams.products], [ownership.product], [schedule.catalog]
        }
        if (spec.path == "ownership.*.*") {
            EXPECT_NE(example.find("description = \"store\""), std::string::npos) << spec.path << " is not shown";
            continue;
        }
        if (spec.kind == ValueKind::Mapping) {
            EXPECT_NE(example.find("[erp.streams.products.fields]"), std::string::npos) << spec.path;
        } else if (spec.kind == ValueKind::Table) {
            EXPECT_NE(example.find("[" + spec.path + "]"), std::string::npos) << "section " << spec.path;
        } else {
            const std::string key = spec.path.substr(dot + 1) + " = ";
            EXPECT_NE(example.find(key), std::string::npos) << spec.path << " is not documented";
        }
    }
}

}  // namespace
}  // namespace syncline::config

namespace syncline::config {
namespace {

class StreamConfigTest : public ConfigTest {};

constexpr const char* kErp = "[webstore]\npath = \"w.db\"\n[erp]\ndsn = \"Erp\"\n";

TEST_F(StreamConfigTest, StreamMappingUsesDefaultTypesAndInlineTables) {
    const auto config =
        load(write(std::string(kErp) + "[erp.streams.products]\n"
                                       "query = \"SELECT * FROM ITMS\"\n"
                                       "incremental_query = \"SELECT * FROM ITMS WHERE ModifiedDate >= ?\"\n"
                                       "cursor_field = \"erp_modified\"\n"
                                       "batch_size = 1000\n"
                                       "[erp.streams.products.fields]\n"
                                       "sku = { column = \"ItemCode\", prefix = \"A-\" }\n"
                                       "name = \"ItemName\"\nunit = \"SalesUom\"\nlist_price = \"ListPrice\"\n"
                                       "currency = { column = \"PriceCurr\", default = \"EUR\" }\n"
                                       "active = { column = \"Blocked\", type = \"flag\" }\n"
                                       "erp_modified = \"ModifiedDate\"\n"));
    const auto streams = odbc::odbcConfigOf(config.erp.settings).streams;
    ASSERT_EQ(streams.size(), 1u);
    const auto& s = streams[0];
    EXPECT_EQ(s.stream, "products");
    EXPECT_EQ(s.batch_size, 1000);
    EXPECT_EQ(s.cursor_field, "erp_modified");
    ASSERT_EQ(s.fields.size(), 7u);
    EXPECT_EQ(s.fields[0].field, "sku");
    EXPECT_EQ(s.fields[0].type, connector::FieldType::Code);
    EXPECT_EQ(s.fields[0].prefix, "A-");
    EXPECT_EQ(s.fields[3].type, connector::FieldType::Decimal);
    EXPECT_EQ(s.fields[4].default_value, "EUR");
    EXPECT_EQ(s.fields[6].type, connector::FieldType::Timestamp);
    EXPECT_EQ(config.sync.overlap_seconds, 300);
    EXPECT_EQ(config.sync.max_deactivate_percent, 20);
}

TEST_F(StreamConfigTest, UnknownStreamFieldTypeAndMissingRequiredFieldAreReported) {
    const auto issues = issuesOf(std::string(kErp) +
                                 "[erp.streams.prices]\nquery = \"x\"\n"
                                 "[erp.streams.stock]\nquery = \"SELECT 1\"\n"
                                 "[erp.streams.stock.fields]\nsku = \"ItemCode\"\nwarehous = \"WhsCode\"\n"
                                 "quantity = { column = \"OnHand\", type = \"money\" }\n");
    ASSERT_EQ(issues.size(), 4u);
    std::map<std::string, ConfigIssue> by_key;
    for (const auto& i : issues) {
        by_key[i.key] = i;
    }
    EXPECT_THAT(by_key["erp.streams.prices"].message,
                HasSubstr("unknown stream; allowed: products, stock, customers, price_rules"));
    EXPECT_EQ(by_key["erp.streams.stock.fields.warehous"].line, 11);
    EXPECT_THAT(by_key["erp.streams.stock.fields.warehous"].message, HasSubstr("not a field of stream 'stock'"));
    EXPECT_THAT(by_key["erp.streams.stock.fields.quantity.type"].message, HasSubstr("'money' is not allowed"));
    EXPECT_THAT(by_key["erp.streams.stock.fields.warehouse"].message, HasSubstr("is required for stream 'stock'"));
}

TEST_F(StreamConfigTest, IncrementalQueryNeedsAMappedCursorField) {
    const auto issues = issuesOf(std::string(kErp) +
                                 "[erp.streams.stock]\nquery = \"q\"\nincremental_query = \"q2\"\n"
                                 "cursor_field = \"changed\"\n"
                                 "[erp.streams.stock.fields]\nsku = \"A\"\nwarehouse = \"B\"\nquantity = \"C\"\n");
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].key, "erp.streams.stock.cursor_field");
    EXPECT_THAT(issues[0].message, HasSubstr("must name a mapped field"));
}

}  // namespace
}  // namespace syncline::config
