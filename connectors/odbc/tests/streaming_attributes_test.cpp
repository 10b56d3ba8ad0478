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

constexpr const char* kLinkOptions =
    "pqopt={keepalives_idle=30 keepalives_interval=10 keepalives_count=3 tcp_user_timeout=60000};";

TEST(WithLinkAttributes, AddsKeepaliveAndUserTimeoutForPsqlOdbcThroughPqopt) {
    EXPECT_EQ(withLinkAttributes("Driver={PostgreSQL Unicode};Server=db;UID=erp;PWD=s"),
              std::string("Driver={PostgreSQL Unicode};Server=db;UID=erp;PWD=s;") + kLinkOptions);
    LinkSettings quick;
    quick.keepalive_idle = std::chrono::seconds(5);
    quick.keepalive_interval = std::chrono::seconds(2);
    quick.keepalive_count = 4;
    quick.user_timeout = std::chrono::seconds(12);
    EXPECT_EQ(withLinkAttributes("Driver={PostgreSQL ANSI};Server=db;", quick),
              "Driver={PostgreSQL ANSI};Server=db;pqopt={keepalives_idle=5 keepalives_interval=2 keepalives_count=4 "
              "tcp_user_timeout=12000};");
}

TEST(WithLinkAttributes, NeverOverridesWhatTheUserSet) {
    // The user's own libpq options: all theirs.
    const std::string own = "Driver={PostgreSQL Unicode};Server=db;pqopt={sslrootcert=/etc/erp.pem}";
    EXPECT_EQ(withLinkAttributes(own), own);
    EXPECT_EQ(withLinkAttributes("Driver={PostgreSQL Unicode};D5={keepalives=0}"),
              "Driver={PostgreSQL Unicode};D5={keepalives=0}");
    // psqlODBC's own keepalive settings: the matching libpq option is left out (psqlODBC refuses a contradiction).
    EXPECT_EQ(withLinkAttributes("Driver={PostgreSQL Unicode};KeepaliveTime=120"),
              "Driver={PostgreSQL Unicode};KeepaliveTime=120;pqopt={keepalives_interval=10 keepalives_count=3 "
              "tcp_user_timeout=60000};");
    EXPECT_EQ(withLinkAttributes("Driver={PostgreSQL Unicode};d1=120;D2=20;"),
              "Driver={PostgreSQL Unicode};d1=120;D2=20;pqopt={keepalives_count=3 tcp_user_timeout=60000};");
}

TEST(WithLinkAttributes, LeavesOtherDriversAlone) {
    for (const std::string other : {"Driver={ODBC Driver 18 for SQL Server};Server=db;UID=sa;PWD=x",
                                    "Driver=SQLite3;Database=/tmp/erp.db;", "DSN=no_such_dsn_anywhere"}) {
        EXPECT_EQ(withLinkAttributes(other), other);
    }
}

}  // namespace
}  // namespace syncline::odbc
