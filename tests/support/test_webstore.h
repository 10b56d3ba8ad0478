#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/store/webstore.h"
#include "tests/support/sql_client.h"
#include "tests/support/test_env.h"

namespace syncline::testing {

/// A webstore database for syncline to fill: the SQLite file `dir`/`name`.db, or a new, empty database of
/// the test PostgreSQL cluster (dropped at the end). syncline itself creates and migrates it.
class TestWebstore {
  public:
    /// The password of a PostgreSQL webstore reaches syncline through this variable (webstore.password_env).
    static constexpr const char* kPasswordEnv = "SYNCLINE_TEST_WEBSTORE_PASSWORD";

    TestWebstore(store::Backend backend, const std::filesystem::path& dir, const std::string& name,
                 TestPostgres* pg = nullptr);
    ~TestWebstore();
    TestWebstore(const TestWebstore&) = delete;
    TestWebstore& operator=(const TestWebstore&) = delete;

    store::Backend backend() const { return backend_; }
    /// The [webstore] section of a syncline config that writes here.
    std::string configSection() const;
    /// What the syncline process needs in its environment ("NAME=value").
    std::vector<std::string> environment() const;
    /// Plain SQL on the webstore; connects on first use, so after syncline created the database.
    SqlClient& sql();
    std::int64_t count(const std::string& table, const std::string& where = "");
    /// SQL for a true flag ("1" or "TRUE").
    std::string sqlTrue() const { return backend_ == store::Backend::SQLite ? "1" : "TRUE"; }

    /// Every row of `table`, each as one line "column=value|...", sorted; without updated_at (the time of the
    /// write). Values are made comparable across backends: decimals without trailing zeros ("12.500000" and
    /// "12.5" give "12.5"), flags as 1/0, NULL as \N.
    std::string dump(const std::string& table);

  private:
    store::Backend backend_;
    TestPostgres* pg_;
    std::string database_;
    std::unique_ptr<SqlClient> sql_;
};

}  // namespace syncline::testing
