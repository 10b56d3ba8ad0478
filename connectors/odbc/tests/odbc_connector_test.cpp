#include "connectors/odbc/odbc_connector.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "connectors/odbc/connection.h"
#include "connectors/odbc/statement.h"
#include "connectors/odbc/streaming_attributes.h"
#include "connectors/odbc/tests/demo_erp_source.h"
#include "connectors/odbc/tests/odbc_test_environment.h"

namespace syncline::odbc {
namespace {

using connector::ErrorKind;
using connector::FieldType;
using connector::PullMode;
using connector::RecordBatch;
using testing::Backend;
using testing::ErpDatabase;
using Row = std::vector<std::optional<std::string>>;

constexpr int kItems = 500;

// Resident set size of this process in bytes (VmRSS of /proc/self/status).
std::size_t residentBytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stoul(line.substr(6)) * 1024;
        }
    }
    return 0;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

connector::OpenRequest openRequest(PullMode mode, const std::optional<std::string>& cursor) {
    connector::OpenRequest request;
    request.mode = mode;
    request.cursor = cursor;
    return request;
}

// Everything a session delivers, batch by batch.
struct Pulled {
    std::vector<Row> rows;
    std::vector<std::string> raw;
    std::vector<std::string> row_errors;
    std::vector<std::size_t> batch_sizes;
};

Pulled pullAll(connector::PullSession& session) {
    Pulled out;
    RecordBatch batch;
    for (;;) {
        auto more = session.next(batch);
        if (!more.ok()) {
            ADD_FAILURE() << more.error().describe();
            return out;
        }
        if (!more.value()) {
            EXPECT_EQ(batch.size(), 0u);
            return out;
        }
        EXPECT_EQ(batch.raw.size(), batch.size());
        EXPECT_EQ(batch.row_errors.size(), batch.size());
        out.batch_sizes.push_back(batch.size());
        out.rows.insert(out.rows.end(), batch.rows.begin(), batch.rows.end());
        out.raw.insert(out.raw.end(), batch.raw.begin(), batch.raw.end());
        for (const auto& error : batch.row_errors) {
            out.row_errors.push_back(error.describe());
        }
    }
}

class OdbcConnectorTest : public ::testing::TestWithParam<Backend> {
  protected:
    OdbcConnector connector(std::vector<OdbcStream> streams) const {
        return OdbcConnector(
            {erp_.connectionString(), std::chrono::seconds(10), std::chrono::seconds(60), std::move(streams)});
    }

    // Opens `stream` and reads all of it; a test failure when open() fails.
    Pulled pull(const OdbcStream& stream, PullMode mode = PullMode::Full,
                const std::optional<std::string>& watermark = std::nullopt) const {
        auto odbc = connector({stream});
        auto session = odbc.open(stream.stream, openRequest(mode, watermark));
        if (!session.ok()) {
            ADD_FAILURE() << session.error().describe();
            return {};
        }
        return pullAll(*session.value());
    }

    std::int64_t count(const std::string& sql) const {
        Connection connection(withStreamingAttributes(erp_.connectionString(), 1000));
        Statement statement(connection);
        statement.execute(sql);
        return statement.fetch() ? std::stoll(statement.getText(1).value_or("-1")) : -1;
    }

    void execute(const std::string& sql) const {
        Connection connection(erp_.connectionString());
        Statement statement(connection);
        statement.execute(sql);
    }

    ErpDatabase erp_{GetParam()};
};

TEST_P(OdbcConnectorTest, CheckDescribesDbmsAndDriver) {
    erp_.generate(10);
    const auto described = connector({}).check();
    ASSERT_TRUE(described.ok()) << described.error().describe();
    const std::regex expected(GetParam() == Backend::Sqlite ? "SQLite 3\\.\\S+ via \\S*sqlite3odbc\\.so \\S+"
                                                            : "PostgreSQL 15\\.\\S+ via psqlodbcw\\.so \\S+");
    EXPECT_TRUE(std::regex_match(described.value(), expected)) << described.value();
}

TEST_P(OdbcConnectorTest, PullsEveryProductNormalizedInBatches) {
    erp_.generate(kItems);
    const auto stream = testing::productsStream(100);
    auto odbc = connector({stream});
    EXPECT_EQ(odbc.kind(), "odbc");
    EXPECT_EQ(odbc.streams(), std::vector<std::string>{"products"});
    auto session = odbc.open("products", openRequest(PullMode::Full, std::nullopt));
    ASSERT_TRUE(session.ok()) << session.error().describe();
    EXPECT_EQ(session.value()->fields(),
              (std::vector<std::string>{"sku", "name", "unit", "list_price", "currency", "active", "erp_modified"}));
    const Pulled pulled = pullAll(*session.value());

    ASSERT_EQ(static_cast<std::int64_t>(pulled.rows.size()), count("SELECT COUNT(*) FROM ITMS"));
    EXPECT_EQ(pulled.rows.size(), static_cast<std::size_t>(kItems));
    EXPECT_EQ(pulled.batch_sizes, std::vector<std::size_t>(kItems / 100, 100));
    const std::regex sku("A\\d{7}"), decimal("-?(0|[1-9]\\d*)(\\.\\d{0,5}[1-9])?"), unit("PCE|BOX|M|KG|L"),
        timestamp("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    std::size_t inactive = 0;
    for (std::size_t i = 0; i < pulled.rows.size(); ++i) {
        const Row& row = pulled.rows[i];
        ASSERT_EQ(row.size(), 7u);
        EXPECT_TRUE(std::regex_match(row[0].value_or(""), sku)) << row[0].value_or("NULL");
        EXPECT_FALSE(row[1].value_or(" ").ends_with(" "));
        EXPECT_TRUE(std::regex_match(row[2].value_or(""), unit)) << row[2].value_or("NULL");
        EXPECT_TRUE(std::regex_match(row[3].value_or(""), decimal)) << row[3].value_or("NULL");
        EXPECT_EQ(row[4], "EUR");
        EXPECT_TRUE(row[5] == "1" || row[5] == "0") << row[5].value_or("NULL");
        EXPECT_TRUE(std::regex_match(row[6].value_or(""), timestamp)) << row[6].value_or("NULL");
        EXPECT_EQ(pulled.row_errors[i], "");
        inactive += row[5] == "0" ? 1 : 0;
    }
    EXPECT_GT(inactive, 0u);  // ~3 % 'N'
    EXPECT_LT(inactive, pulled.rows.size() / 5);
    // The raw row keeps the source text: padding, six decimals.
    EXPECT_EQ(lower(pulled.raw[0].substr(0, 30)), "itemcode=a0000001            ;");
    EXPECT_NE(pulled.raw[0].find("=" + *pulled.rows[0][1] + ";"), std::string::npos) << pulled.raw[0];
}

TEST_P(OdbcConnectorTest, IncrementalPullReturnsExactlyTheRowsAtOrAfterTheWatermark) {
    erp_.generate(kItems);
    const auto stream = testing::productsStream(100);
    const Pulled all = pull(stream);
    ASSERT_EQ(all.rows.size(), static_cast<std::size_t>(kItems));
    // The watermark: the most common ModifiedDate (a nightly import moment), so the boundary holds a tie.
    std::map<std::string, int> per_moment;
    for (const Row& row : all.rows) {
        ++per_moment[*row[6]];
    }
    const auto tie = std::max_element(per_moment.begin(), per_moment.end(),
                                      [](const auto& a, const auto& b) { return a.second < b.second; });
    ASSERT_GT(tie->second, 1);
    const std::string watermark = tie->first;
    std::set<std::string> expected;
    for (const Row& row : all.rows) {
        if (*row[6] >= watermark) {
            expected.insert(*row[0]);
        }
    }
    ASSERT_GT(expected.size(), 0u);
    ASSERT_LT(expected.size(), all.rows.size());

    const Pulled changed = pull(stream, PullMode::Incremental, watermark);
    std::set<std::string> got;
    for (const Row& row : changed.rows) {
        got.insert(*row[0]);
        EXPECT_GE(*row[6], watermark);
    }
    EXPECT_EQ(changed.rows.size(), expected.size());
    EXPECT_EQ(got, expected);

    // The first incremental run has no watermark yet: it reads everything.
    EXPECT_EQ(pull(stream, PullMode::Incremental, std::nullopt).rows.size(), all.rows.size());
    // A stream without an incremental query always reads everything.
    auto full_only = stream;
    full_only.incremental_query.clear();
    EXPECT_EQ(pull(full_only, PullMode::Incremental, watermark).rows.size(), all.rows.size());
}

TEST_P(OdbcConnectorTest, UnknownColumnIsAConfigErrorNamingItAndTheResultColumns) {
    erp_.generate(10);
    auto stream = testing::productsStream(100);
    stream.fields.push_back({"description", "ItemColour", FieldType::Text, "", std::nullopt});
    auto session = connector({stream}).open("products", openRequest(PullMode::Full, std::nullopt));
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.error().kind, ErrorKind::Config);
    const std::string message = lower(session.error().message);
    EXPECT_NE(message.find("'itemcolour' (field 'description')"), std::string::npos) << message;
    EXPECT_NE(message.find("it returns: itemcode, itemname, salesuom, listprice, pricecurr, activeflag, modifieddate"),
              std::string::npos)
        << message;
}

TEST_P(OdbcConnectorTest, ConfigMistakesAreConfigErrors) {
    erp_.generate(10);
    auto stream = testing::productsStream(100);
    auto odbc = connector({stream});
    auto session = odbc.open("stock", openRequest(PullMode::Full, std::nullopt));
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.error().kind, ErrorKind::Config);
    EXPECT_EQ(session.error().message, "stream 'stock' is not configured for the ODBC connector; configured: products");

    stream.query = "SELECT ItemCode FROM NO_SUCH_TABLE";
    session = connector({stream}).open("products", openRequest(PullMode::Full, std::nullopt));
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.error().kind, ErrorKind::Config) << session.error().describe();

    stream = testing::productsStream(100);
    stream.fields[3].default_value = "n/a";
    session = connector({stream}).open("products", openRequest(PullMode::Full, std::nullopt));
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.error().message, "stream 'products': field 'list_price': default 'n/a' is not a decimal number");
}

TEST_P(OdbcConnectorTest, BadValuesBecomeRowErrorsAndTheRowIsStillDelivered) {
    erp_.generate(10);
    const bool sqlite = GetParam() == Backend::Sqlite;
    // SQLite holds decimals as text, so an ERP can store a malformed one; PostgreSQL's NUMERIC cannot, so there the
    // bad text comes from the query, as from an ERP view.
    execute(
        "INSERT INTO ITMS (ItemCode, ItemName, ItmGrpCode, SalesUom, ListPrice, PriceCurr, ActiveFlag, WeightKg, "
        "BarCode, CreateDate, ModifiedDate) VALUES "
        "('Z0000001', 'Broken price', 'TOOL', 'PCE', '" +
        std::string(sqlite ? "12,5.3" : "1") +
        "', 'EUR', 'Y', NULL, NULL, '2026-01-01 00:00:00', '2026-01-01 00:00:00'), "
        "('Z0000002', 'No currency', 'TOOL', 'PCE', '3.10', '   ', 'N', NULL, NULL, '2026-01-01 00:00:00', "
        "'2026-01-01 00:00:00')");
    auto stream = testing::productsStream(100);
    if (!sqlite) {
        stream.query =
            "SELECT ItemCode, ItemName, SalesUom, CASE WHEN ItemCode = 'Z0000001' THEN '12,5.3' ELSE "
            "ListPrice::varchar(40) END AS ListPrice, PriceCurr, ActiveFlag, ModifiedDate, BarCode FROM ITMS "
            "ORDER BY ItemCode";
    } else {
        stream.query =
            "SELECT ItemCode, ItemName, SalesUom, ListPrice, PriceCurr, ActiveFlag, ModifiedDate, BarCode "
            "FROM ITMS ORDER BY ItemCode";
    }
    stream.fields[4].default_value = "EUR";
    stream.fields.push_back({"description", "BarCode", FieldType::Text, "", std::nullopt});
    const Pulled pulled = pull(stream);
    ASSERT_EQ(pulled.rows.size(), 12u);
    const Row& broken = pulled.rows[10];
    EXPECT_EQ(broken[0], "Z0000001");
    EXPECT_EQ(broken[3], std::nullopt);
    EXPECT_EQ(broken[4], "EUR");
    EXPECT_EQ(broken[7], std::nullopt);  // NULL stays NULL: not an error
    EXPECT_EQ(pulled.row_errors[10], "field 'list_price': '12,5.3' is not a decimal number");
    EXPECT_NE(lower(pulled.raw[10]).find("listprice=12,5.3;"), std::string::npos) << pulled.raw[10];
    EXPECT_NE(lower(pulled.raw[10]).find("barcode=null"), std::string::npos) << pulled.raw[10];

    const Row& defaulted = pulled.rows[11];
    EXPECT_EQ(defaulted,
              (Row{"Z0000002", "No currency", "PCE", "3.1", "EUR", "0", "2026-01-01 00:00:00", std::nullopt}));
    EXPECT_EQ(pulled.row_errors[11], "");
    for (std::size_t i = 0; i < 10; ++i) {
        EXPECT_EQ(pulled.row_errors[i], "") << i;
    }
}

TEST_P(OdbcConnectorTest, ReadingManyRowsKeepsMemoryBounded) {
    // 200k rows of ~350 bytes: a driver that loaded the whole result would hold well over 70 MB.
    OdbcStream stream;
    stream.stream = "products";
    stream.batch_size = 5000;
    if (GetParam() == Backend::Sqlite) {
        stream.query =
            "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 200000) "
            "SELECT printf('A%07d', n) AS ItemCode, printf('%-300s', 'item ' || n) AS ItemName, "
            "printf('%d.%06d', n % 1000, n % 7) AS ListPrice FROM g";
    } else {
        stream.query =
            "SELECT ('A' || lpad(g::text, 7, '0'))::char(20) AS ItemCode, "
            "rpad('item ' || g, 300)::varchar(300) AS ItemName, "
            "((g % 1000) + (g % 7) * 0.000001)::numeric(19,6) AS ListPrice "
            "FROM generate_series(1, 200000) AS g";
    }
    stream.fields = {{"sku", "ItemCode", FieldType::Code, "", std::nullopt},
                     {"name", "ItemName", FieldType::Text, "", std::nullopt},
                     {"list_price", "ListPrice", FieldType::Decimal, "", std::nullopt}};
    auto odbc = connector({stream});
    const std::size_t before = residentBytes();
    auto session = odbc.open("products", openRequest(PullMode::Full, std::nullopt));
    ASSERT_TRUE(session.ok()) << session.error().describe();
    std::size_t peak = residentBytes();
    std::size_t rows = 0;
    RecordBatch batch;
    for (;;) {
        auto more = session.value()->next(batch);
        ASSERT_TRUE(more.ok()) << more.error().describe();
        peak = std::max(peak, residentBytes());
        if (!more.value()) {
            break;
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            ASSERT_TRUE(batch.row_errors[i].empty()) << batch.raw[i];
        }
        rows += batch.size();
    }
    EXPECT_EQ(rows, 200'000u);
#ifdef __SANITIZE_ADDRESS__
    // AddressSanitizer keeps freed memory in quarantine (256 MB by default): RSS says nothing about the driver here.
    GTEST_SKIP() << "RSS is not measurable under AddressSanitizer; all rows were read";
#endif
    EXPECT_LT(peak - before, std::size_t{50} << 20)
        << "RSS grew from " << before / 1024 << " KiB to " << peak / 1024 << " KiB";
    RecordProperty("rss_growth_kib", std::to_string((peak - before) / 1024));
}

INSTANTIATE_TEST_SUITE_P(Drivers, OdbcConnectorTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& info) { return testing::backendName(info.param); });

TEST(OdbcConnectorBackends, SameSeedGivesIdenticalCanonicalRowsOnSqliteAndPostgres) {
    ErpDatabase sqlite(Backend::Sqlite), postgres(Backend::Postgres);
    sqlite.generate(kItems);
    postgres.generate(kItems);
    const auto stream = testing::productsStream(100);
    std::vector<Pulled> pulled;
    for (const ErpDatabase* erp : {&sqlite, &postgres}) {
        OdbcConnector odbc({erp->connectionString(), std::chrono::seconds(10), std::chrono::seconds(60), {stream}});
        auto session = odbc.open("products", openRequest(PullMode::Full, std::nullopt));
        ASSERT_TRUE(session.ok()) << session.error().describe();
        pulled.push_back(pullAll(*session.value()));
    }
    ASSERT_EQ(pulled[0].rows.size(), static_cast<std::size_t>(kItems));
    EXPECT_EQ(pulled[0].rows, pulled[1].rows);  // both ordered by ItemCode (byte order on both backends)
}

TEST(OdbcConnectorPostgres, ConnectionKilledMidReadIsATransientError) {
    ErpDatabase erp(Backend::Postgres);
    OdbcStream stream;
    stream.stream = "products";
    stream.batch_size = 100;
    stream.query = "SELECT ('A' || g)::varchar(20) AS ItemCode FROM generate_series(1, 1000000) AS g";
    stream.fields = {{"sku", "ItemCode", FieldType::Code, "", std::nullopt}};
    OdbcConnector odbc({erp.connectionString(), std::chrono::seconds(10), std::chrono::seconds(60), {stream}});
    auto session = odbc.open("products", openRequest(PullMode::Full, std::nullopt));
    ASSERT_TRUE(session.ok()) << session.error().describe();
    RecordBatch batch;
    auto first = session.value()->next(batch);
    ASSERT_TRUE(first.ok() && first.value());
    EXPECT_EQ(batch.size(), 100u);

    {  // An administrator ends the session's backend from another connection.
        Connection admin(erp.connectionString());
        Statement terminate(admin);
        terminate.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()");
        ASSERT_TRUE(terminate.fetch());
        ASSERT_EQ(terminate.getText(1), "1");  // true
        ASSERT_FALSE(terminate.fetch());       // the session's backend was the only other one
    }
    std::optional<connector::Error> error;
    for (int i = 0; i < 50 && !error; ++i) {  // rows the driver had already received may still come
        auto more = session.value()->next(batch);
        if (!more.ok()) {
            error = more.error();
        } else {
            ASSERT_TRUE(more.value());
        }
    }
    ASSERT_TRUE(error) << "the session did not notice its connection was gone";
    EXPECT_EQ(error->kind, ErrorKind::Transient) << error->describe();
    EXPECT_EQ(batch.size(), 0u);
    const auto again = session.value()->next(batch);
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().kind, ErrorKind::Transient);
}

// The TCP sockets of this process connected to `port` on the loopback interface.
std::vector<int> socketsTo(int port) {
    std::vector<int> out;
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) {
        return out;
    }
    while (const dirent* entry = ::readdir(dir)) {
        const int fd = std::atoi(entry->d_name);
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        if (entry->d_name[0] == '.' || fd == ::dirfd(dir) ||
            ::getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &length) != 0) {
            continue;
        }
        const int peer_port = peer.ss_family == AF_INET    ? ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port)
                              : peer.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port)
                                                           : -1;
        if (peer_port == port) {
            out.push_back(fd);
        }
    }
    ::closedir(dir);
    return out;
}

int intOption(int fd, int level, int name) {
    int value = -1;
    socklen_t length = sizeof value;
    return ::getsockopt(fd, level, name, &value, &length) == 0 ? value : -1;
}

TEST(OdbcConnectorPostgres, ItsConnectionsNoticeADeadLinkWithinAMinute) {
    // A dead link (a peer gone, a firewall dropping the connection's packets) is only noticed through TCP: keepalive
    // probes after 30 s of silence and a user timeout of 60 s, instead of Linux's 2 h 11 min. Read on the very socket
    // psqlODBC's libpq opened for the session.
    ErpDatabase erp(Backend::Postgres);
    syncline::testing::TestPostgres pg;
    OdbcStream stream;
    stream.stream = "products";
    stream.batch_size = 10;
    stream.query = "SELECT ('A' || g)::varchar(20) AS ItemCode FROM generate_series(1, 1000) AS g";
    stream.fields = {{"sku", "ItemCode", FieldType::Code, "", std::nullopt}};
    OdbcConnector odbc({erp.connectionString(), std::chrono::seconds(10), std::chrono::seconds(60), {stream}});
    auto session = odbc.open("products", openRequest(PullMode::Full, std::nullopt));
    ASSERT_TRUE(session.ok()) << session.error().describe();
    const auto sockets = socketsTo(pg.port());
    ASSERT_FALSE(sockets.empty()) << "the session's connection to port " << pg.port() << " was not found";
    for (const int fd : sockets) {
        EXPECT_EQ(intOption(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
        EXPECT_EQ(intOption(fd, IPPROTO_TCP, TCP_KEEPIDLE), 30);
        EXPECT_EQ(intOption(fd, IPPROTO_TCP, TCP_KEEPINTVL), 10);
        EXPECT_EQ(intOption(fd, IPPROTO_TCP, TCP_KEEPCNT), 3);
        EXPECT_EQ(intOption(fd, IPPROTO_TCP, TCP_USER_TIMEOUT), 60000);
    }
    RecordBatch batch;
    const auto first = session.value()->next(batch);
    ASSERT_TRUE(first.ok()) << first.error().describe();
    EXPECT_EQ(batch.size(), 10u);
}

TEST(OdbcConnectorPostgres, KeepaliveSettingsOfTheUserAreKeptAndTheConnectionStillWorks) {
    // psqlODBC refuses a pqopt whose keepalives_idle contradicts its own KeepaliveTime: ours is left out then.
    ErpDatabase erp(Backend::Postgres);
    syncline::testing::TestPostgres pg;
    OdbcConnector odbc(
        {erp.connectionString() + "KeepaliveTime=45;", std::chrono::seconds(10), std::chrono::seconds(60), {}});
    const auto checked = odbc.check();
    ASSERT_TRUE(checked.ok()) << checked.error().describe();
}

TEST(OdbcConnectorPostgres, AnExecutionTheServerDoesNotTimeOutIsCancelledAfterTheQueryTimeout) {
    // psqlODBC enforces the query timeout with the server's statement_timeout, unless IgnoreTimeout=1 (set behind a
    // pooler in transaction mode, where a SET leaks to other clients). The sleep stands for any execution the server
    // does not end by itself (a lock wait, a runaway plan): the watchdog cancels it.
    ErpDatabase erp(Backend::Postgres);
    OdbcStream stream;
    stream.stream = "products";
    stream.batch_size = 10;
    stream.query = "SELECT ('A' || g)::varchar(20) AS ItemCode FROM generate_series(1, 10) AS g, pg_sleep(3600)";
    stream.fields = {{"sku", "ItemCode", FieldType::Code, "", std::nullopt}};
    OdbcConnector odbc(
        {erp.connectionString() + "IgnoreTimeout=1;", std::chrono::seconds(10), std::chrono::seconds(1), {stream}});
    const auto session = odbc.open("products", openRequest(PullMode::Full, std::nullopt));
    ASSERT_FALSE(session.ok()) << "the query returned rows: it was not held";
    EXPECT_EQ(session.error().kind, ErrorKind::Transient) << session.error().describe();
    EXPECT_EQ(session.error().code, "57014");
    EXPECT_THAT(session.error().message,
                ::testing::HasSubstr("stream 'products': the ERP did not answer within 1 s (the query timeout); "
                                     "the statement was cancelled"));
}

TEST(OdbcConnectorDsn, StreamingSettingsOfADsnAreKept) {
    // The test odbc.ini's DSN sets StepAPI=1 itself: nothing is added, and the driver is known through the DSN.
    const std::string dsn = std::string("DSN=") + testing::kSqliteDataSource + ";";
    EXPECT_EQ(driverFamily(dsn), DriverFamily::SqliteOdbc);
    EXPECT_EQ(withStreamingAttributes(dsn, 100), dsn);
}

}  // namespace
}  // namespace syncline::odbc
