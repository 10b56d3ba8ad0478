#include "connectors/odbc/batch_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <optional>
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
using testing::Backend;
using testing::ErpDatabase;
using testing::odbcErrorOf;
using Row = std::vector<std::optional<std::string>>;

class BatchReaderTest : public ::testing::TestWithParam<Backend> {
  protected:
    bool postgres() const { return GetParam() == Backend::Postgres; }

    Connection connect() const { return Connection(withStreamingAttributes(erp_.connectionString(), 1000)); }

    void execute(Connection& connection, const std::string& sql) const {
        Statement statement(connection);
        statement.execute(sql);
    }

    // Every row of the reader, one fetch at a time; `block_sizes` gets each fetch's count.
    static std::vector<Row> readAll(BatchReader& reader, std::vector<std::size_t>* block_sizes = nullptr) {
        std::vector<Row> rows;
        while (const std::size_t count = reader.fetch()) {
            if (block_sizes != nullptr) {
                block_sizes->push_back(count);
            }
            for (std::size_t r = 0; r < count; ++r) {
                Row row;
                for (std::size_t c = 0; c < reader.columns().size(); ++c) {
                    const auto value = reader.value(r, c);
                    row.push_back(value ? std::optional<std::string>(*value) : std::nullopt);
                }
                rows.push_back(std::move(row));
            }
        }
        return rows;
    }

    // CREATE TABLE items with `count` rows: code CHAR(10) 'C00001' .., price exact decimal text, note NULL on every
    // third row.
    void createItems(Connection& connection, int count) const {
        execute(connection, postgres() ? "CREATE TABLE items (code CHAR(10), price NUMERIC(19,6), note VARCHAR(40))"
                                       : "CREATE TABLE items (code CHAR(10), price VARCHAR(32), note VARCHAR(40))");
        Statement insert(connection);
        insert.prepare("INSERT INTO items (code, price, note) VALUES (?, ?, ?)");
        for (int i = 1; i <= count; ++i) {
            char code[16];
            std::snprintf(code, sizeof code, "C%05d", i);
            insert.bindText(1, std::string(code) + (postgres() ? "" : "    "));  // SQLite: pad like a real ERP
            insert.bindText(2, std::to_string(i) + ".500000");
            insert.bindText(3, i % 3 == 0 ? std::nullopt : std::optional<std::string>("note " + std::to_string(i)));
            insert.execute();
        }
    }

    ErpDatabase erp_{GetParam()};
};

TEST_P(BatchReaderTest, ReadsBlocksOfRowsAsExactText) {
    Connection connection = connect();
    createItems(connection, 250);
    BatchReaderOptions options;
    options.rows_per_fetch = 100;
    BatchReader reader(connection, "SELECT code, price, note FROM items ORDER BY code", {}, options);
    EXPECT_TRUE(reader.arrayFetch());
    EXPECT_EQ(reader.rowsPerFetch(), 100u);
    ASSERT_EQ(reader.columns().size(), 3u);
    EXPECT_EQ(reader.columns()[0].name, "code");
    std::vector<std::size_t> blocks;
    const std::vector<Row> rows = readAll(reader, &blocks);
    EXPECT_EQ(blocks, (std::vector<std::size_t>{100, 100, 50}));
    ASSERT_EQ(rows.size(), 250u);
    EXPECT_EQ(rows[0], (Row{"C00001    ", "1.500000", "note 1"}));
    EXPECT_EQ(rows[2], (Row{"C00003    ", "3.500000", std::nullopt}));
    EXPECT_EQ(rows[249], (Row{"C00250    ", "250.500000", "note 250"}));
    EXPECT_EQ(reader.fetch(), 0u);  // and stays at the end
}

TEST_P(BatchReaderTest, BindsTextParameters) {
    Connection connection = connect();
    createItems(connection, 20);
    BatchReader reader(connection, "SELECT code FROM items WHERE code >= ? AND code < ? ORDER BY code",
                       {"C00005", "C00008"}, BatchReaderOptions{});
    const std::vector<Row> rows = readAll(reader);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0][0].value().substr(0, 6), "C00005");
    EXPECT_EQ(rows[2][0].value().substr(0, 6), "C00007");
}

TEST_P(BatchReaderTest, LongColumnsAreReadRowByRowAndComplete) {
    Connection connection = connect();
    // PostgreSQL text comes through psqlODBC as LONGVARCHAR; SQLite TEXT without a size has no declared length.
    execute(connection, "CREATE TABLE memos (id INTEGER, memo TEXT)");
    const std::string long_memo(200'000, 'm');
    Statement insert(connection);
    insert.prepare("INSERT INTO memos (id, memo) VALUES (?, ?)");
    for (int i = 1; i <= 3; ++i) {
        insert.bindText(1, std::to_string(i));
        insert.bindText(2, i == 2 ? std::optional<std::string>(long_memo) : std::nullopt);
        insert.execute();
    }
    BatchReader reader(connection, "SELECT id, memo FROM memos ORDER BY id", {}, BatchReaderOptions{});
    if (postgres()) {
        EXPECT_TRUE(reader.columns()[1].long_data);
        EXPECT_FALSE(reader.arrayFetch());
        EXPECT_EQ(reader.rowsPerFetch(), 1u);
    }
    const std::vector<Row> rows = readAll(reader);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0], (Row{"1", std::nullopt}));
    EXPECT_EQ(rows[1][1], long_memo);
}

TEST_P(BatchReaderTest, TruncationIsReportedNamingTheColumn) {
    if (postgres()) {
        GTEST_SKIP() << "PostgreSQL enforces declared sizes; the unconstrained NUMERIC case is below";
    }
    Connection connection = connect();
    // SQLite does not enforce VARCHAR(5): a value of 50 bytes exceeds the 4 x 5 bytes reserved for it.
    execute(connection, "CREATE TABLE items (code VARCHAR(5), name VARCHAR(5))");
    execute(connection, "INSERT INTO items VALUES ('A', 'short'), ('B', '" + std::string(50, 'x') + "'), ('C', 'ok')");
    BatchReader reader(connection, "SELECT code, name FROM items ORDER BY code", {}, BatchReaderOptions{});
    ASSERT_TRUE(reader.arrayFetch());
    EXPECT_EQ(reader.columns()[1].value_bytes, 20u);
    ASSERT_EQ(reader.fetch(), 3u);
    EXPECT_FALSE(reader.truncated(0, 1));
    EXPECT_TRUE(reader.truncated(1, 1));
    EXPECT_FALSE(reader.truncated(1, 0));
    EXPECT_EQ(reader.value(2, 1), "ok");
    const auto error = odbcErrorOf([&] { reader.value(1, 1); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->sqlState(), "22001");
    EXPECT_EQ(error->kind(), ErrorKind::Data);
    EXPECT_NE(std::string(error->what()).find("column 'name'"), std::string::npos) << error->what();
}

TEST_P(BatchReaderTest, NumericLongerThanItsReportedPrecisionIsTruncationNotACut) {
    if (!postgres()) {
        GTEST_SKIP() << "SQLite holds decimals as text";
    }
    Connection connection = connect();
    // psqlODBC sizes a NUMERIC without precision by the rows it has received when the result is described (the
    // first Fetch=1000 of the cursor): later, longer values do not fit the buffer.
    BatchReaderOptions options;
    options.rows_per_fetch = 500;
    BatchReader reader(connection,
                       "SELECT g, CASE WHEN g <= 2500 THEN 1.5 ELSE 10::numeric ^ 40 END AS amount "
                       "FROM generate_series(1, 3000) AS g ORDER BY g",
                       {}, options);
    std::size_t rows = 0, truncated = 0;
    while (const std::size_t count = reader.fetch()) {
        for (std::size_t r = 0; r < count; ++r, ++rows) {
            if (reader.truncated(r, 1)) {
                ++truncated;
                EXPECT_TRUE(odbcErrorOf([&] { reader.value(r, 1); }));
            } else {
                EXPECT_EQ(reader.value(r, 1),
                          rows < 2500 ? "1.5" : "10000000000000000000000000000000000000000.0000000000000000");
            }
        }
    }
    EXPECT_EQ(rows, 3000u);
    EXPECT_GT(truncated, 0u);  // psqlODBC 13.02: all 500 long ones, sized 28 digits from the first block
    RecordProperty("truncated", std::to_string(truncated));
}

TEST_P(BatchReaderTest, BufferLimitLowersRowsPerFetch) {
    Connection connection = connect();
    createItems(connection, 30);
    BatchReaderOptions options;
    options.rows_per_fetch = 1000;
    options.max_buffer_bytes = 2000;
    BatchReader reader(connection, "SELECT code, price, note FROM items ORDER BY code", {}, options);
    std::size_t row_bytes = 0;
    for (const auto& column : reader.columns()) {
        row_bytes += column.value_bytes + 1;
    }
    EXPECT_GE(reader.rowsPerFetch(), 1u);
    EXPECT_LE(reader.rowsPerFetch() * row_bytes, options.max_buffer_bytes);
    EXPECT_EQ(readAll(reader).size(), 30u);
}

TEST_P(BatchReaderTest, BadQueriesThrowClassifiedErrors) {
    Connection connection = connect();
    auto error = odbcErrorOf([&] { BatchReader(connection, "SELECT * FROM no_such_table", {}, BatchReaderOptions{}); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->kind(), ErrorKind::Config);
    error = odbcErrorOf([&] { BatchReader(connection, "CREATE TABLE t (x INTEGER)", {}, BatchReaderOptions{}); });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->sqlState(), "07005");
}

TEST_P(BatchReaderTest, QueryTimeoutStopsASlowQuery) {
    if (!postgres()) {
        GTEST_SKIP() << "no slow query in SQLite without user functions";
    }
    Connection connection = connect();
    BatchReaderOptions options;
    options.query_timeout = std::chrono::seconds(1);
    const auto started = std::chrono::steady_clock::now();
    const auto error = odbcErrorOf([&] {
        BatchReader reader(connection, "SELECT pg_sleep(30)", {}, options);
        reader.fetch();
    });
    ASSERT_TRUE(error);
    EXPECT_EQ(error->sqlState(), "57014");  // psqlODBC sets statement_timeout: "canceling statement due to ..."
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
}

INSTANTIATE_TEST_SUITE_P(Drivers, BatchReaderTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& info) { return testing::backendName(info.param); });

}  // namespace
}  // namespace syncline::odbc
