#include "engine/store/migrator.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <cstdint>
#include <tuple>

#include <fmt/format.h>

#include "engine/store/embedded_migrations.h"
#include "engine/store/sql_script.h"
#include "engine/store/transaction.h"

namespace syncline::store {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

namespace {

// Any fixed number: the key of the PostgreSQL advisory lock that serializes migrators.
constexpr std::int64_t kMigrationLockKey = 0x53594e434c494e45;  // "SYNCLINE"

}  // namespace

std::vector<Migration> bundledMigrations(Backend backend) {
    const auto& source = backend == Backend::SQLite ? embedded::kSqliteMigrations : embedded::kPostgresMigrations;
    std::vector<Migration> out;
    for (const auto& m : source) {
        out.push_back(Migration{m.version, std::string(m.name), std::string(m.sql)});
    }
    return out;
}

int embeddedLatestVersion() {
    const auto& all = embedded::kSqliteMigrations;
    return all.empty() ? 0 : all.back().version;
}

std::string Migration::checksum() const {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : sql) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return fmt::format("{:016x}", hash);
}

Migrator::Migrator(Webstore& store) : store_(store), bundled_(bundledMigrations(store.backend())) {}

int Migrator::latestVersion() const {
    return bundled_.empty() ? 0 : bundled_.back().version;
}

void Migrator::lock() {
    if (store_.backend() == Backend::PostgreSQL) {
        // Wrapped in a sub-select because the function returns void, which the driver cannot extract.
        store_.session() << "SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLockKey) +
                                ")) AS locked",
            now;
    }
}

void Migrator::ensureVersionTable() {
    Transaction tx(store_);
    lock();  // concurrent CREATE TABLE IF NOT EXISTS can collide on PostgreSQL
    store_.session() << "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
                        " applied_at TEXT NOT NULL)",
        now;
    tx.commit();
}

int Migrator::currentVersion() {
    ensureVersionTable();
    Poco::Nullable<int> version;
    store_.session() << "SELECT MAX(version) FROM schema_migrations", into(version), now;
    return version.isNull() ? 0 : version.value();
}

void Migrator::checkApplied() {
    const int current = currentVersion();
    if (current > latestVersion()) {
        throw SchemaTooNew(fmt::format(
            "webstore {} has schema version {}, but this syncline knows versions up to {}: it was migrated by a "
            "newer syncline. Upgrade syncline (or restore a backup) before using this database.",
            store_.description(), current, latestVersion()));
    }
    std::vector<int> versions;
    std::vector<std::string> checksums;
    store_.session() << "SELECT version, checksum FROM schema_migrations ORDER BY version", into(versions),
        into(checksums), now;
    for (std::size_t i = 0; i < versions.size(); ++i) {
        const auto it = std::find_if(bundled_.begin(), bundled_.end(),
                                     [&](const Migration& m) { return m.version == versions[i]; });
        if (it == bundled_.end() || it->checksum() != checksums[i]) {
            throw SchemaMismatch(
                fmt::format("webstore {}: applied migration {} differs from the one in this syncline "
                            "build (checksum {} in the database); the schema was changed outside "
                            "syncline",
                            store_.description(), versions[i], checksums[i]));
        }
    }
}

std::vector<Migration> Migrator::pending() {
    checkApplied();
    const int current = currentVersion();
    std::vector<Migration> out;
    std::copy_if(bundled_.begin(), bundled_.end(), std::back_inserter(out),
                 [&](const Migration& m) { return m.version > current; });
    return out;
}

void Migrator::apply(const Migration& migration) {
    auto& session = store_.session();
    Transaction tx(store_);
    lock();
    // Another process may have applied it while we waited for the lock.
    int already = 0;
    int version = migration.version;
    session << "SELECT COUNT(*) FROM schema_migrations WHERE version = $1", use(version), into(already), now;
    if (already == 0) {
        const auto statements = splitSqlStatements(migration.sql);
        for (std::size_t i = 0; i < statements.size(); ++i) {
            try {
                session << statements[i], now;
            } catch (const Poco::Exception& e) {
                throw MigrationFailed(fmt::format("webstore {}: migration {} ({}) failed at statement {}: {}",
                                                  store_.description(), migration.version, migration.name, i + 1,
                                                  e.displayText()));
            }
        }
        std::string name = migration.name;
        std::string checksum = migration.checksum();
        std::string applied_at = Webstore::utcNow();
        session << "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)",
            use(version), use(name), use(checksum), use(applied_at), now;
    }
    tx.commit();
}

std::vector<Migration> Migrator::migrate() {
    return migrateTo(latestVersion());
}

std::vector<Migration> Migrator::migrateTo(int version) {
    auto todo = pending();
    todo.erase(std::remove_if(todo.begin(), todo.end(), [&](const Migration& m) { return m.version > version; }),
               todo.end());
    for (const auto& migration : todo) {
        apply(migration);
    }
    return todo;
}

}  // namespace syncline::store
