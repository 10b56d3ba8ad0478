#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/webstore.h"
#include "tests/support/sql_client.h"
#include "tests/support/test_env.h"

namespace syncline::testing {

struct DemoErpOptions {
    int items = 300;
    std::optional<int> customers;  ///< default: the generator's max(50, items/20)
    int seed = 1;
    std::string as_of = "2026-11-27";
};

/// A demo ERP made by `syncline-demo-erp`: an SQLite file in `dir` (reached through sqliteodbc) or a new
/// database of the test PostgreSQL cluster (psqlODBC), with the DSN SynclineDemoERP in `dir`/odbc.
/// The generator's output is in the exception when it fails. The PostgreSQL database is dropped at the end.
class DemoErp {
  public:
    /// The password of a PostgreSQL ERP reaches syncline through this variable (erp.password_env).
    static constexpr const char* kPasswordEnv = "SYNCLINE_TEST_ERP_PASSWORD";

    DemoErp(store::Backend backend, const std::filesystem::path& dir, const DemoErpOptions& options = {},
            TestPostgres* pg = nullptr);
    ~DemoErp();
    DemoErp(const DemoErp&) = delete;
    DemoErp& operator=(const DemoErp&) = delete;

    store::Backend backend() const { return backend_; }
    /// The PostgreSQL database name, or the SQLite file.
    const std::string& database() const { return database_; }
    /// The [erp] section of a syncline config that reaches this ERP.
    std::string configSection() const;
    /// What the syncline process needs in its environment ("NAME=value").
    std::vector<std::string> environment() const;
    /// Plain SQL on the ERP, for looking and for changing it as an ERP user would.
    SqlClient& sql() { return *sql_; }

  private:
    store::Backend backend_;
    std::filesystem::path odbc_dir_;
    TestPostgres* pg_;
    std::string database_;
    std::unique_ptr<SqlClient> sql_;
};

}  // namespace syncline::testing
