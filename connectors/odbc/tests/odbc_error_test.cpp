#include "connectors/odbc/odbc_error.h"

#include <gtest/gtest.h>

#include <string_view>
#include <utility>
#include <vector>

namespace syncline::odbc {
namespace {

using connector::ErrorKind;

TEST(OdbcSqlState, ClassifiesEveryDocumentedState) {
    const std::vector<std::pair<std::string_view, ErrorKind>> table = {
        {"08001", ErrorKind::Transient}, {"08S01", ErrorKind::Transient}, {"08006", ErrorKind::Transient},
        {"HYT00", ErrorKind::Transient}, {"HYT01", ErrorKind::Transient}, {"40001", ErrorKind::Transient},
        {"40P01", ErrorKind::Transient}, {"57P01", ErrorKind::Transient}, {"57014", ErrorKind::Transient},
        {"57P02", ErrorKind::Transient}, {"57P03", ErrorKind::Transient}, {"53300", ErrorKind::Transient},
        {"28000", ErrorKind::Config},    {"28P01", ErrorKind::Config},    {"42000", ErrorKind::Config},
        {"42P01", ErrorKind::Config},    {"42601", ErrorKind::Config},    {"42501", ErrorKind::Config},
        {"3D000", ErrorKind::Config},    {"3F000", ErrorKind::Config},    {"IM002", ErrorKind::Config},
        {"IM003", ErrorKind::Config},    {"IM004", ErrorKind::Config},    {"IM005", ErrorKind::Config},
        {"22003", ErrorKind::Data},      {"22P02", ErrorKind::Data},      {"23505", ErrorKind::Data},
        {"23503", ErrorKind::Data},      {"HY000", ErrorKind::Fatal},     {"HY001", ErrorKind::Fatal},
        {"IM001", ErrorKind::Fatal},     {"40003", ErrorKind::Fatal},     {"01000", ErrorKind::Fatal},
        {"", ErrorKind::Fatal},
    };
    for (const auto& [state, kind] : table) {
        EXPECT_EQ(classifySqlState(state), kind) << "SQLSTATE '" << state << "'";
    }
}

// Messages below are what the drivers really returned (psqlODBC 13.02, sqliteodbc 0.9998, unixODBC 2.3.11).
TEST(OdbcDiagnostic, PsqlOdbcLoginFailuresAreConfigAndRefusalIsTransient) {
    EXPECT_EQ(classifyDiagnostic({"08001", 101,
                                  "connection to server at \"127.0.0.1\", port 21102 failed: FATAL:  password "
                                  "authentication failed for user \"postgres\""}),
              ErrorKind::Config);
    EXPECT_EQ(classifyDiagnostic({"08001", 101,
                                  "connection to server at \"127.0.0.1\", port 21102 failed: FATAL:  database "
                                  "\"nodb\" does not exist"}),
              ErrorKind::Config);
    EXPECT_EQ(classifyDiagnostic({"08001", 101, "fe_sendauth: no password supplied"}), ErrorKind::Config);
    EXPECT_EQ(classifyDiagnostic({"08001", 101,
                                  "connection to server at \"127.0.0.1\", port 1 failed: Connection refused Is the "
                                  "server running on that host and accepting TCP/IP connections?"}),
              ErrorKind::Transient);
    EXPECT_EQ(classifyDiagnostic({"08S01", 35, "SQLExecDirect unable due to the connection lost"}),
              ErrorKind::Transient);
    EXPECT_EQ(classifyDiagnostic({"57P01", 35,
                                  "FATAL: terminating connection due to administrator command; The connection has "
                                  "been lost"}),
              ErrorKind::Transient);
}

TEST(OdbcDiagnostic, LostConnectionUnderHY000IsTransient) {
    EXPECT_EQ(classifyDiagnostic({"HY000", 0, "server closed the connection unexpectedly"}), ErrorKind::Transient);
    EXPECT_EQ(classifyDiagnostic({"HY000", 0, "could not receive data from server: Connection reset by peer"}),
              ErrorKind::Transient);
    EXPECT_EQ(classifyDiagnostic({"HY000", 0, "out of memory"}), ErrorKind::Fatal);
}

TEST(OdbcDiagnostic, SqliteOdbcResultCodes) {
    EXPECT_EQ(classifyDiagnostic({"HY000", 19, "[SQLite]UNIQUE constraint failed: t.id (19)"}), ErrorKind::Data);
    EXPECT_EQ(classifyDiagnostic({"HY000", 1, "[SQLite]no such table: nosuch (1)"}), ErrorKind::Config);
    EXPECT_EQ(classifyDiagnostic({"HY000", 1, "[SQLite]near \"SELEC\": syntax error (1)"}), ErrorKind::Config);
    EXPECT_EQ(classifyDiagnostic({"HY000", 5, "[SQLite]database is locked (5)"}), ErrorKind::Transient);
    EXPECT_EQ(classifyDiagnostic({"HY000", 14, "[SQLite]connect failed"}), ErrorKind::Config);
    EXPECT_EQ(classifyDiagnostic({"HY000", 11, "[SQLite]database disk image is malformed (11)"}), ErrorKind::Fatal);
}

TEST(OdbcDiagnostic, MissingDriverLibraryIsConfig) {
    EXPECT_EQ(classifyDiagnostic({"01000", 0, "[unixODBC][Driver Manager]Can't open lib 'NoSuch' : file not found"}),
              ErrorKind::Config);
}

TEST(OdbcError, PrimaryRecordSkipsWarningsAndMessageListsAll) {
    const OdbcError error("SQLExecute",
                          {{"01000", 0, "[unixODBC]some warning"}, {"23505", 1, "ERROR: duplicate key value"}});
    EXPECT_EQ(error.sqlState(), "23505");
    EXPECT_EQ(error.kind(), ErrorKind::Data);
    EXPECT_EQ(error.operation(), "SQLExecute");
    EXPECT_STREQ(error.what(), "[01000] [unixODBC]some warning | [23505] ERROR: duplicate key value");

    const connector::Error value = toError(error);
    EXPECT_EQ(value.kind, ErrorKind::Data);
    EXPECT_EQ(value.code, "23505");
    EXPECT_EQ(value.message, error.what());
}

TEST(OdbcError, WithoutRecordsStillHasAPrimaryRecord) {
    const OdbcError error("SQLFetch", {});
    EXPECT_EQ(error.sqlState(), "HY000");
    EXPECT_EQ(error.kind(), ErrorKind::Fatal);
    EXPECT_STREQ(error.what(), "[HY000] SQLFetch failed without a diagnostic record");
}

}  // namespace
}  // namespace syncline::odbc
