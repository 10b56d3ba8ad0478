#include "connectors/odbc/tests/odbc_test_environment.h"

#include <cstdlib>
#include <fstream>
#include <memory>

#include "tests/support/test_env.h"

namespace syncline::odbc::testing {

namespace {

// A project-local odbcinst.ini: Debian's names a missing library for [SQLite] and sets CommLog=1 for psqlODBC
// (a /tmp/psqlodbc_*.log per process). Full driver paths, no logging.
constexpr const char* kOdbcInst = R"([SQLite3]
Description=SQLite3 ODBC driver (sqliteodbc)
Driver=/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so

[PostgreSQL Unicode]
Description=PostgreSQL ODBC driver (psqlODBC, Unicode)
Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so
)";

std::unique_ptr<syncline::testing::TempDir> config_dir;

class OdbcTestEnvironment : public ::testing::Environment {
  public:
    // unixODBC reads ODBCSYSINI/ODBCINI once, at the first ODBC call of the process: this runs before any test.
    void SetUp() override {
        config_dir = std::make_unique<syncline::testing::TempDir>("syncline-odbc-ini");
        std::ofstream(config_dir->file("odbcinst.ini")) << kOdbcInst;
        std::ofstream(config_dir->file("odbc.ini"))
            << "[" << kSqliteDataSource << "]\nDriver=SQLite3\nDatabase=" << dataSourceDatabase() << "\nStepAPI=1\n";
        ::setenv("ODBCSYSINI", config_dir->path().c_str(), 1);
        ::setenv("ODBCINI", config_dir->file("odbc.ini").c_str(), 1);
    }

    void TearDown() override { config_dir.reset(); }
};

[[maybe_unused]] const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new OdbcTestEnvironment);

}  // namespace

const std::filesystem::path& odbcConfigDir() {
    return config_dir->path();
}

std::string dataSourceDatabase() {
    return config_dir->file("dsn.db");
}

}  // namespace syncline::odbc::testing
