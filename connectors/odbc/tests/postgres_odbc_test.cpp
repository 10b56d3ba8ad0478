#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "connectors/odbc/catalog.h"
#include "connectors/odbc/connection.h"
#include "connectors/odbc/connection_string.h"
#include "connectors/odbc/statement.h"
#include "connectors/odbc/tests/odbc_test_environment.h"
#include "tests/support/test_env.h"

namespace syncline::odbc {
namespace {

using connector::ErrorKind;
using testing::odbcErrorOf;
using Row = std::vector<std::optional<std::string>>;

// A loopback port nobody listens on: the kernel picks a free one, we close it again.
int unusedPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) == 0 &&
                    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    return ok ? ntohs(address.sin_port) : 1;
}

class OdbcPostgres : public ::testing::Test {
  protected:
    void TearDown() override { pg_.dropDatabase(database_); }

    std::string connectionString(const std::string& user, const std::string& password,
                                 std::optional<int> port = std::nullopt) const {
        return buildConnectionString("Driver={PostgreSQL Unicode};Server=" + pg_.host() + ";Port=" +
                                         std::to_string(port.value_or(pg_.port())) + ";Database=" + database_,
                                     user, password, {{"UseDeclareFetch", "1"}, {"Fetch", "10000"}});
    }
    Connection connect() const { return Connection(connectionString(pg_.user(), pg_.password())); }

    static std::vector<Row> query(Connection& connection, const std::string& sql) {
        Statement statement(connection);
        statement.execute(sql);
        std::vector<Row> rows;
        while (statement.fetch()) {
            Row row;
            for (std::size_t column = 1; column <= statement.columnCount(); ++column) {
                row.push_back(statement.getText(column));
            }
            rows.push_back(std::move(row));
        }
        return rows;
    }

    syncline::testing::TestPostgres pg_;
    std::string database_ = pg_.createDatabase("odbc");
};

TEST_F(OdbcPostgres, BoundParametersRoundTripAsExactText) {
    Connection connection = connect();
    Statement statement(connection);
    statement.execute(
        "CREATE TABLE items (code text PRIMARY KEY, name text, price numeric(18,6), unit char(5), note text)");
    statement.prepare("INSERT INTO items (code, name, price, unit, note) VALUES (?, ?, ?, ?, ?)");
    std::string long_note;
    for (int i = 0; i < 30'000; ++i) {
        long_note += "\xc3\xa4\xe2\x82\xac;";  // 2-, 3- and 1-byte characters: chunk ends fall inside characters
    }
    const std::vector<Row> inserted = {
        {"A-1", "O'Brien; \"Ltd\"", "12.5", "PCE", std::nullopt},
        {"A-2",
         "M\xc3\xbcller Stra\xc3\x9f"
         "e",
         "123456789012.123456", "M", long_note},
        {"A-3", "", "0.000001", "KG   ", ""},
    };
    for (const Row& row : inserted) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            statement.bindText(i + 1, row[i]);
        }
        statement.execute();
        EXPECT_EQ(statement.affectedRows(), 1);
    }

    const std::vector<Row> expected = {
        {"A-1", "O'Brien; \"Ltd\"", "12.500000", "PCE  ", std::nullopt},
        {"A-2",
         "M\xc3\xbcller Stra\xc3\x9f"
         "e",
         "123456789012.123456", "M    ", long_note},
        {"A-3", "", "0.000001", "KG   ", ""},
    };
    EXPECT_EQ(query(connection, "SELECT code, name, price, unit, note FROM items ORDER BY code"), expected);
}

TEST_F(OdbcPostgres, ReadsMoreRowsThanOneDeclareFetchBlock) {
    Connection connection = connect();
    Statement statement(connection);
    statement.execute("SELECT g, (g * 0.01)::numeric(12,2) FROM generate_series(1, 25000) AS g ORDER BY g");
    EXPECT_EQ(statement.columnName(1), "g");
    std::int64_t rows = 0;
    std::optional<std::string> last;
    while (statement.fetch()) {
        ++rows;
        statement.getText(1);
        last = statement.getText(2);
    }
    EXPECT_EQ(rows, 25000);
    EXPECT_EQ(last, "250.00");
}

TEST_F(OdbcPostgres, ListsAndCountsUserTablesOnly) {
    Connection connection = connect();
    Statement statement(connection);
    statement.execute("CREATE SCHEMA erp");
    statement.execute("CREATE TABLE erp.items (code text PRIMARY KEY)");
    statement.execute("INSERT INTO erp.items VALUES ('a'), ('b'), ('c')");
    statement.execute("CREATE TABLE customers (id text)");
    statement.execute("CREATE TABLE erp.\"Order \"\"Lines\"\"\" (id int)");
    statement.execute("INSERT INTO erp.\"Order \"\"Lines\"\"\" VALUES (1), (2)");
    statement.execute("CREATE VIEW erp.cheap AS SELECT * FROM erp.items");

    std::vector<TableInfo> tables = listTables(connection);
    std::sort(tables.begin(), tables.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    ASSERT_EQ(tables, (std::vector<TableInfo>{{"erp", "Order \"Lines\""}, {"public", "customers"}, {"erp", "items"}}));
    EXPECT_EQ(countRows(connection, tables[0]), 2);
    EXPECT_EQ(countRows(connection, tables[1]), 0);
    EXPECT_EQ(countRows(connection, tables[2]), 3);
}

TEST_F(OdbcPostgres, DescribesTheConnection) {
    Connection connection = connect();
    const ConnectionInfo info = describe(connection);
    EXPECT_EQ(info.dbms_name, "PostgreSQL");
    EXPECT_EQ(info.dbms_version.substr(0, 3), "15.");
    EXPECT_EQ(info.driver_name, "psqlodbcw.so");
    EXPECT_FALSE(info.driver_version.empty());
    EXPECT_EQ(info.data_source_name, "");
}

TEST_F(OdbcPostgres, PasswordWithConnectionStringSyntaxConnects) {
    {
        Connection admin = connect();
        Statement(admin).execute("CREATE ROLE odbc_quoting LOGIN PASSWORD 'p;w}d{x''y=z'");
    }
    Connection connection(connectionString("odbc_quoting", "p;w}d{x'y=z"));
    EXPECT_EQ(query(connection, "SELECT current_user"), (std::vector<Row>{{"odbc_quoting"}}));
    Connection admin = connect();
    Statement(admin).execute("DROP ROLE odbc_quoting");
}

TEST_F(OdbcPostgres, WrongPasswordIsConfigAndNeverShown) {
    const std::string wrong = "Wr0ng;pass}word";
    auto error = odbcErrorOf([&] { Connection(connectionString(pg_.user(), wrong)); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->sqlState(), "08001");  // psqlODBC reports every failed login as 08001
    EXPECT_EQ(error->kind(), ErrorKind::Config) << error->what();
    const connector::Error value = toError(*error);
    EXPECT_EQ(value.kind, ErrorKind::Config);
    EXPECT_NE(value.message.find("password authentication failed"), std::string::npos) << value.message;
    EXPECT_EQ(value.message.find(wrong), std::string::npos);
    EXPECT_EQ(value.message.find("pass}word"), std::string::npos);
    EXPECT_EQ(value.message.find(pg_.password()), std::string::npos);
}

TEST_F(OdbcPostgres, UnknownDatabaseIsConfig) {
    const std::string connection_string =
        buildConnectionString("Driver={PostgreSQL Unicode};Server=" + pg_.host() +
                                  ";Port=" + std::to_string(pg_.port()) + ";Database=no_such_db",
                              pg_.user(), pg_.password(), {});
    auto error = odbcErrorOf([&] { Connection{connection_string}; });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind(), ErrorKind::Config) << error->what();
}

TEST_F(OdbcPostgres, UnknownTableIsConfig) {
    Connection connection = connect();
    Statement statement(connection);
    auto error = odbcErrorOf([&] { statement.execute("SELECT * FROM no_such_table"); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->sqlState(), "42P01");
    EXPECT_EQ(error->kind(), ErrorKind::Config);
    // The statement stays usable after an error.
    statement.execute("SELECT 1");
    EXPECT_TRUE(statement.fetch());
}

TEST_F(OdbcPostgres, UniqueViolationIsData) {
    Connection connection = connect();
    Statement statement(connection);
    statement.execute("CREATE TABLE items (code text PRIMARY KEY)");
    statement.prepare("INSERT INTO items VALUES (?)");
    statement.bindText(1, "A-1");
    statement.execute();
    auto error = odbcErrorOf([&] { statement.execute(); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->sqlState(), "23505");
    EXPECT_EQ(error->kind(), ErrorKind::Data);

    auto bad_number = odbcErrorOf([&] { statement.execute("SELECT 'x'::numeric"); });
    ASSERT_TRUE(bad_number);
    EXPECT_EQ(bad_number->sqlState(), "22P02");
    EXPECT_EQ(bad_number->kind(), ErrorKind::Data);
}

TEST_F(OdbcPostgres, NothingListeningIsTransient) {
    auto error = odbcErrorOf(
        [&] { Connection(connectionString(pg_.user(), pg_.password(), unusedPort()), std::chrono::seconds(5)); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->sqlState(), "08001");
    EXPECT_EQ(error->kind(), ErrorKind::Transient) << error->what();
}

TEST_F(OdbcPostgres, TerminatedBackendIsTransient) {
    Connection victim = connect();
    const std::vector<Row> pid = query(victim, "SELECT pg_backend_pid()");
    ASSERT_EQ(pid.size(), 1u);
    Connection admin = connect();
    ASSERT_EQ(query(admin, "SELECT pg_terminate_backend(" + pid[0][0].value() + ")"), (std::vector<Row>{{"1"}}));

    Statement statement(victim);
    auto first = odbcErrorOf([&] { statement.execute("SELECT 1"); });
    ASSERT_TRUE(first);
    EXPECT_EQ(first->kind(), ErrorKind::Transient) << first->what();
    auto second = odbcErrorOf([&] { statement.execute("SELECT 1"); });
    ASSERT_TRUE(second);
    EXPECT_EQ(second->kind(), ErrorKind::Transient) << second->what();
}

}  // namespace
}  // namespace syncline::odbc
