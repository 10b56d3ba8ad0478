#include "engine/store/sql_script.h"

#include <gtest/gtest.h>

namespace syncline::store {
namespace {

TEST(SplitSqlStatements, SplitsAtTopLevelSemicolons) {
    const auto parts = splitSqlStatements("CREATE TABLE a (x INT);\nCREATE TABLE b (y INT);\n");
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0], "CREATE TABLE a (x INT)");
    EXPECT_EQ(parts[1], "\nCREATE TABLE b (y INT)");
}

TEST(SplitSqlStatements, IgnoresSemicolonsInStringsCommentsAndIdentifiers) {
    const auto parts = splitSqlStatements(
        "-- a comment; with a semicolon\n"
        "INSERT INTO t VALUES ('a;b', 'it''s; fine');\n"
        "/* block; comment */ SELECT \"odd;name\" FROM t;\n"
        "-- trailing comment only\n");
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_NE(parts[0].find("'it''s; fine'"), std::string::npos);
    EXPECT_NE(parts[1].find("\"odd;name\""), std::string::npos);
}

TEST(SplitSqlStatements, KeepsDollarQuotedBodiesWhole) {
    const auto parts = splitSqlStatements(
        "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; SELECT 2; $body$ LANGUAGE sql;\n"
        "SELECT $1;");
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_NE(parts[0].find("SELECT 2; $body$ LANGUAGE sql"), std::string::npos);
    EXPECT_EQ(parts[1], "\nSELECT $1");
}

TEST(SplitSqlStatements, LastStatementWithoutSemicolonIsKept) {
    const auto parts = splitSqlStatements("SELECT 1; SELECT 2");
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[1], " SELECT 2");
}

TEST(SplitSqlStatements, EmptyScriptHasNoStatements) {
    EXPECT_TRUE(splitSqlStatements("").empty());
    EXPECT_TRUE(splitSqlStatements(" ;\n; -- nothing\n").empty());
}

}  // namespace
}  // namespace syncline::store
