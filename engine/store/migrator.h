#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "engine/store/webstore.h"

namespace syncline::store {

/// A schema migration this build of syncline carries for a backend.
struct Migration {
    int version = 0;
    std::string name;
    std::string sql;
    /// FNV-1a 64 of the SQL text, hex: detects a migration that was changed after it was applied.
    std::string checksum() const;
};

/// The newest schema version this binary carries (the same for every backend).
int embeddedLatestVersion();

/// All migrations this binary carries for `backend`, in version order.
std::vector<Migration> bundledMigrations(Backend backend);

/// The database was migrated by a newer syncline: this binary refuses to touch it.
class SchemaTooNew : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// An applied migration differs from the one this binary carries (edited by hand, or another build).
class SchemaMismatch : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A migration statement failed; the migration was rolled back. The message names the statement.
class MigrationFailed : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Brings a webstore database to the schema version this binary knows. Each migration runs in its
/// own transaction together with its row in `schema_migrations`, so a crash leaves the database at
/// a whole version. On PostgreSQL concurrent migrators serialize on an advisory lock.
class Migrator {
  public:
    explicit Migrator(Webstore& store);

    /// All migrations compiled into this binary for the store's backend, in version order.
    const std::vector<Migration>& bundled() const { return bundled_; }
    int latestVersion() const;

    /// Highest applied version (0 for an empty database).
    int currentVersion();

    /// Migrations not yet applied. Throws SchemaTooNew or SchemaMismatch.
    std::vector<Migration> pending();

    /// Applies what is pending and returns it. Throws SchemaTooNew, SchemaMismatch, or
    /// Poco::Data exceptions from the database (the failed migration is rolled back).
    std::vector<Migration> migrate();
    /// The same, up to and including `version` only (tests of a migration's data steps).
    std::vector<Migration> migrateTo(int version);

  private:
    void lock();
    void ensureVersionTable();
    void checkApplied();
    void apply(const Migration& migration);

    Webstore& store_;
    std::vector<Migration> bundled_;
};

}  // namespace syncline::store
