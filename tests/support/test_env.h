#pragma once

#include <filesystem>
#include <string>

#include "engine/store/webstore.h"

namespace syncline::testing {

/// A fresh folder under the system temp dir, removed with everything in it on destruction.
class TempDir {
  public:
    explicit TempDir(const std::string& prefix = "syncline-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

  private:
    std::filesystem::path path_;
};

/// The throwaway PostgreSQL cluster started by tests/support/pg_cluster.sh (ctest fixture "pg").
/// Reads ${SYNCLINE_BINARY_DIR}/pgtest/env. Each test gets its own database.
class TestPostgres {
  public:
    /// Throws std::runtime_error with a clear message when the cluster is not running
    /// (run the test through ctest, which starts it).
    TestPostgres();
    /// The cluster that `pg_cluster.sh start cluster_dir` started (a private one, e.g. to restart it).
    explicit TestPostgres(const std::filesystem::path& cluster_dir);

    /// Creates a new empty database with a unique name and returns its name.
    std::string createDatabase(const std::string& prefix);
    void dropDatabase(const std::string& name);
    /// Connection settings for `database` as the cluster's superuser, with the password.
    store::ConnectionSettings settings(const std::string& database) const;
    /// libpq conninfo for `database`.
    std::string connInfo(const std::string& database) const;

    const std::string& host() const { return host_; }
    int port() const { return port_; }
    const std::string& user() const { return user_; }
    const std::string& password() const { return password_; }

  private:
    void execute(const std::string& sql);

    std::string host_;
    int port_ = 0;
    std::string user_;
    std::string password_;
};

}  // namespace syncline::testing
