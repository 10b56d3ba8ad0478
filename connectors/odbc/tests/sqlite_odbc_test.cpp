#include <gtest/gtest.h>

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

class OdbcSqlite : public ::testing::Test {
  protected:
    std::string connectionString(const std::string& database) const {
        return buildConnectionString("Driver=SQLite3;Database=" + quoteAttributeValue(database), "", "",
                                     {{"StepAPI", "1"}});
    }
    Connection connect() const { return Connection(connectionString(dir_.file("erp.db"))); }

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

    syncline::testing::TempDir dir_{"syncline-odbc-sqlite"};
};

TEST_F(OdbcSqlite, BoundParametersRoundTripAsExactText) {
    Connection connection = connect();
    Statement statement(connection);
    // TEXT for decimals, as in the webstore schema: SQLite's NUMERIC affinity would turn '12.500000' into 12.5.
    statement.execute("CREATE TABLE items (code TEXT PRIMARY KEY, name TEXT, price TEXT, unit CHAR(5), note TEXT)");
    statement.prepare("INSERT INTO items (code, name, price, unit, note) VALUES (?, ?, ?, ?, ?)");
    const std::string long_note(100'000, 'x');
    const std::vector<Row> rows = {
        {"A-1", "O'Brien; \"Ltd\"", "12.500000", "PCE  ", std::nullopt},
        {"A-2",
         "M\xc3\xbcller Stra\xc3\x9f"
         "e",
         "123456789012.123456", "M    ", long_note},
        {"A-3", "", "0.000001", "KG   ", "1"},
    };
    for (const Row& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            statement.bindText(i + 1, row[i]);
        }
        statement.execute();
        EXPECT_EQ(statement.affectedRows(), 1);
    }

    Statement select(connection);
    select.execute("SELECT code, name, price, unit, note FROM items ORDER BY code");
    ASSERT_EQ(select.columnCount(), 5u);
    EXPECT_EQ(select.columnName(1), "code");
    EXPECT_EQ(select.columnName(3), "price");
    std::vector<Row> read;
    while (select.fetch()) {
        Row row;
        for (std::size_t column = 1; column <= 5; ++column) {
            row.push_back(select.getText(column));
        }
        read.push_back(std::move(row));
    }
    EXPECT_EQ(read, rows);
    EXPECT_EQ(query(connection, "SELECT count(*) FROM items WHERE note IS NULL"), (std::vector<Row>{{"1"}}));
}

TEST_F(OdbcSqlite, ReadingAColumnTwiceIsRefused) {
    Connection connection = connect();
    Statement statement(connection);
    statement.execute("SELECT 'a', 'b'");
    ASSERT_TRUE(statement.fetch());
    EXPECT_EQ(statement.getText(1), "a");
    EXPECT_EQ(statement.getText(2), "b");
    EXPECT_THROW(statement.getText(2), std::logic_error);
}

TEST_F(OdbcSqlite, ListsAndCountsTables) {
    Connection connection = connect();
    Statement statement(connection);
    statement.execute("CREATE TABLE items (code TEXT PRIMARY KEY)");
    statement.execute("INSERT INTO items VALUES ('a'), ('b'), ('c')");
    statement.execute("CREATE TABLE customers (id TEXT)");
    statement.execute("CREATE TABLE \"order \"\"lines\"\"\" (id INTEGER)");
    statement.execute("INSERT INTO \"order \"\"lines\"\"\" VALUES (1), (2)");
    statement.execute("CREATE VIEW cheap AS SELECT * FROM items");

    std::vector<TableInfo> tables = listTables(connection);
    std::sort(tables.begin(), tables.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    ASSERT_EQ(tables, (std::vector<TableInfo>{{"", "customers"}, {"", "items"}, {"", "order \"lines\""}}));
    EXPECT_EQ(countRows(connection, tables[0]), 0);
    EXPECT_EQ(countRows(connection, tables[1]), 3);
    EXPECT_EQ(countRows(connection, tables[2]), 2);
}

TEST_F(OdbcSqlite, DescribesDsnLessAndDsnConnections) {
    Connection direct = connect();
    const ConnectionInfo info = describe(direct);
    EXPECT_EQ(info.dbms_name, "SQLite");
    EXPECT_FALSE(info.dbms_version.empty());
    EXPECT_EQ(info.driver_name, "sqlite3odbc.so");
    EXPECT_FALSE(info.driver_version.empty());
    EXPECT_EQ(info.data_source_name, "");

    Connection through_dsn(buildConnectionString(testing::kSqliteDataSource, "", "", {}));
    EXPECT_EQ(describe(through_dsn).data_source_name, testing::kSqliteDataSource);
    EXPECT_EQ(query(through_dsn, "SELECT 6 * 7"), (std::vector<Row>{{"42"}}));
}

TEST_F(OdbcSqlite, FaultsAreClassified) {
    Connection connection = connect();
    Statement statement(connection);
    statement.execute("CREATE TABLE items (code TEXT PRIMARY KEY)");
    statement.execute("INSERT INTO items VALUES ('a')");

    auto unknown_table = odbcErrorOf([&] { statement.execute("SELECT * FROM nosuch"); });
    ASSERT_TRUE(unknown_table);
    EXPECT_EQ(unknown_table->sqlState(), "HY000");
    EXPECT_EQ(unknown_table->kind(), ErrorKind::Config) << unknown_table->what();

    auto syntax = odbcErrorOf([&] { statement.execute("SELEC 1"); });
    ASSERT_TRUE(syntax);
    EXPECT_EQ(syntax->kind(), ErrorKind::Config) << syntax->what();

    auto duplicate = odbcErrorOf([&] { statement.execute("INSERT INTO items VALUES ('a')"); });
    ASSERT_TRUE(duplicate);
    EXPECT_EQ(duplicate->sqlState(), "HY000");
    EXPECT_EQ(duplicate->kind(), ErrorKind::Data) << duplicate->what();

    auto no_file = odbcErrorOf([&] { Connection(connectionString(dir_.file("missing/dir/erp.db"))); });
    ASSERT_TRUE(no_file);
    EXPECT_EQ(no_file->kind(), ErrorKind::Config) << no_file->what();

    auto no_driver = odbcErrorOf([&] { Connection("Driver=NoSuchDriver;Database=x"); });
    ASSERT_TRUE(no_driver);
    EXPECT_EQ(no_driver->kind(), ErrorKind::Config) << no_driver->what();

    auto no_dsn = odbcErrorOf([&] { Connection(buildConnectionString("no_such_dsn", "u", "secret-pw", {})); });
    ASSERT_TRUE(no_dsn);
    EXPECT_EQ(no_dsn->sqlState(), "IM002");
    EXPECT_EQ(no_dsn->kind(), ErrorKind::Config);
    EXPECT_EQ(std::string(no_dsn->what()).find("secret-pw"), std::string::npos);
}

TEST_F(OdbcSqlite, StatementKeepsItsConnectionOpen) {
    std::optional<Statement> statement;
    {
        Connection connection = connect();
        statement.emplace(connection);
        Connection moved = std::move(connection);
    }
    statement->execute("SELECT 'still here'");
    ASSERT_TRUE(statement->fetch());
    EXPECT_EQ(statement->getText(1), "still here");
}

}  // namespace
}  // namespace syncline::odbc
