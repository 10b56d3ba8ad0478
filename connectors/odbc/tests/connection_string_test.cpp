#include "connectors/odbc/connection_string.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace syncline::odbc {
namespace {

TEST(OdbcConnectionString, QuoteAttributeValueBracesOnlyWhenNeeded) {
    EXPECT_EQ(quoteAttributeValue("plain value"), "plain value");
    EXPECT_EQ(quoteAttributeValue(""), "");
    EXPECT_EQ(quoteAttributeValue("a;b"), "{a;b}");
    EXPECT_EQ(quoteAttributeValue("a{b"), "{a{b}");
    EXPECT_EQ(quoteAttributeValue("a}b"), "{a}}b}");
    EXPECT_EQ(quoteAttributeValue("}{;}"), "{}}{;}}}");
}

TEST(OdbcConnectionString, BuildConnectionStringFromADataSourceName) {
    EXPECT_EQ(buildConnectionString("erp", "", "", {}), "DSN=erp;");
    EXPECT_EQ(buildConnectionString(" erp prod ", "sync", "s3cret", {}), "DSN=erp prod;UID=sync;PWD=s3cret;");
    EXPECT_EQ(buildConnectionString("odd;dsn", "", "", {}), "DSN={odd;dsn};");
}

TEST(OdbcConnectionString, BuildConnectionStringAppendsToADsnLessString) {
    EXPECT_EQ(buildConnectionString("Driver={PostgreSQL Unicode};Server=db", "sync", "pw",
                                    {{"UseDeclareFetch", "1"}, {"Fetch", "10000"}}),
              "Driver={PostgreSQL Unicode};Server=db;UseDeclareFetch=1;Fetch=10000;UID=sync;PWD=pw;");
    EXPECT_EQ(buildConnectionString("Driver=SQLite3;Database=/tmp/x.db;", "", "", {{"StepAPI", "1"}}),
              "Driver=SQLite3;Database=/tmp/x.db;StepAPI=1;");
}

TEST(OdbcConnectionString, BuildConnectionStringQuotesUserPasswordAndAttributeValues) {
    EXPECT_EQ(buildConnectionString("DSN=erp", "o'brien;x", "p;w}d{", {{"Description", "a}b"}}),
              "DSN=erp;Description={a}}b};UID={o'brien;x};PWD={p;w}}d{};");
}

TEST(OdbcConnectionString, BuildConnectionStringRejectsEmptySourceAndBadKeys) {
    EXPECT_THROW(buildConnectionString("  ", "u", "p", {}), std::invalid_argument);
    EXPECT_THROW(buildConnectionString("erp", "", "", {{"", "1"}}), std::invalid_argument);
    EXPECT_THROW(buildConnectionString("erp", "", "", {{"a=b", "1"}}), std::invalid_argument);
    EXPECT_THROW(buildConnectionString("erp", "", "", {{"a;b", "1"}}), std::invalid_argument);
}

TEST(OdbcConnectionString, ConnectionStringSecretsFindsPasswordsInAnyCaseAndUnquotesThem) {
    EXPECT_EQ(connectionStringSecrets("DSN=erp;UID=u;PWD=abc;"), (std::vector<std::string>{"abc"}));
    EXPECT_EQ(connectionStringSecrets("Driver={x};pwd={p;w}}d{};Server=s"), (std::vector<std::string>{"p;w}d{"}));
    EXPECT_EQ(connectionStringSecrets("Password = x y ;PASSWORD=z"), (std::vector<std::string>{"x y", "z"}));
    EXPECT_TRUE(connectionStringSecrets("DSN=erp;UID=u;").empty());
    EXPECT_TRUE(connectionStringSecrets("DSN=erp;PWD=;").empty());
}

TEST(OdbcConnectionString, RedactSecretsRemovesPasswordAttributesWhereverTheyAppear) {
    EXPECT_EQ(redactSecrets("bad string 'DSN=erp;UID=u;PWD=abc;Port=5'", {}),
              "bad string 'DSN=erp;UID=u;PWD=***;Port=5'");
    EXPECT_EQ(redactSecrets("pwd=abc", {}), "pwd=***");
    EXPECT_EQ(redactSecrets("Driver=x;Password = {a;b}}c};Server=s", {}), "Driver=x;Password = ***;Server=s");
    EXPECT_EQ(redactSecrets("PASSWORD=abc def", {}), "PASSWORD=***");
    EXPECT_EQ(redactSecrets("MyPWD=keep;SPWD=keep", {}), "MyPWD=keep;SPWD=keep");
    EXPECT_EQ(redactSecrets("FATAL: password authentication failed for user \"u\"", {}),
              "FATAL: password authentication failed for user \"u\"");
}

TEST(OdbcConnectionString, RedactSecretsRemovesEveryOccurrenceOfEachSecret) {
    EXPECT_EQ(redactSecrets("user hunter2 said hunter2", {"hunter2"}), "user *** said ***");
    EXPECT_EQ(redactSecrets("abcd and abc", {"abc", "abcd", ""}), "*** and ***");
    EXPECT_EQ(redactSecrets("nothing here", {}), "nothing here");
}

}  // namespace
}  // namespace syncline::odbc
