#include "connectors/odbc/streaming_attributes.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace syncline::odbc {
namespace {

std::vector<std::pair<std::string, std::string>> pairs(const std::string& connection_string) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& attribute : parseConnectionAttributes(connection_string)) {
        out.emplace_back(attribute.key, attribute.value);
    }
    return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ParseConnectionAttributes, SplitsKeysAndValuesAndUndoesBraces) {
    EXPECT_EQ(
        pairs("Driver={PostgreSQL Unicode};Server=db; Port = 5432 ;PWD={a;b}}c};UID=erp"),
        (Pairs{
            {"Driver", "PostgreSQL Unicode"}, {"Server", "db"}, {"Port", "5432"}, {"PWD", "a;b}c"}, {"UID", "erp"}}));
    EXPECT_EQ(pairs("DSN=erp;"), (Pairs{{"DSN", "erp"}}));
    EXPECT_EQ(pairs(""), Pairs{});
    EXPECT_EQ(pairs("junk;A=1;=2;B="), (Pairs{{"A", "1"}, {"B", ""}}));
}

TEST(DriverFamily, RecognizesDriversByNameOrLibrary) {
    EXPECT_EQ(driverFamily("Driver={PostgreSQL Unicode};Server=db"), DriverFamily::PsqlOdbc);
    EXPECT_EQ(driverFamily("DRIVER=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so;Server=db"), DriverFamily::PsqlOdbc);
    EXPECT_EQ(driverFamily("Driver=SQLite3;Database=/tmp/x.db"), DriverFamily::SqliteOdbc);
    EXPECT_EQ(driverFamily("driver={/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so};Database=x"),
              DriverFamily::SqliteOdbc);
    EXPECT_EQ(driverFamily("Driver={ODBC Driver 18 for SQL Server};Server=db"), DriverFamily::Other);
    EXPECT_EQ(driverFamily("DSN=no_such_dsn_anywhere"), DriverFamily::Other);
}

TEST(WithStreamingAttributes, AddsCursorFetchForPsqlOdbc) {
    EXPECT_EQ(withStreamingAttributes("Driver={PostgreSQL Unicode};Server=db;UID=erp;PWD=s", 5000),
              "Driver={PostgreSQL Unicode};Server=db;UID=erp;PWD=s;UseDeclareFetch=1;Fetch=5000;");
    EXPECT_EQ(withStreamingAttributes("Driver={PostgreSQL Unicode};Server=db", 0),
              "Driver={PostgreSQL Unicode};Server=db;UseDeclareFetch=1;Fetch=1;");
}

TEST(WithStreamingAttributes, AddsStepApiForSqliteOdbc) {
    EXPECT_EQ(withStreamingAttributes("Driver=SQLite3;Database=/tmp/erp.db;", 100),
              "Driver=SQLite3;Database=/tmp/erp.db;StepAPI=1;");
}

TEST(WithStreamingAttributes, NeverOverridesWhatTheUserSet) {
    EXPECT_EQ(withStreamingAttributes("Driver={PostgreSQL Unicode};usedeclarefetch=0;FETCH=50", 5000),
              "Driver={PostgreSQL Unicode};usedeclarefetch=0;FETCH=50");
    EXPECT_EQ(withStreamingAttributes("Driver={PostgreSQL Unicode};B6=1;A7=200;", 5000),
              "Driver={PostgreSQL Unicode};B6=1;A7=200;");
    EXPECT_EQ(withStreamingAttributes("Driver={PostgreSQL Unicode};UseDeclareFetch=1", 300),
              "Driver={PostgreSQL Unicode};UseDeclareFetch=1;Fetch=300;");
    EXPECT_EQ(withStreamingAttributes("Driver=SQLite3;Database=x;stepapi=0", 100),
              "Driver=SQLite3;Database=x;stepapi=0");
}

TEST(WithStreamingAttributes, LeavesOtherDriversAlone) {
    const std::string other = "Driver={ODBC Driver 18 for SQL Server};Server=db;UID=sa;PWD=x";
    EXPECT_EQ(withStreamingAttributes(other, 5000), other);
}

}  // namespace
}  // namespace syncline::odbc
