#include "sqlite_sink.h"

#include <sqlite3.h>

#include <system_error>

#include "demo_erp_error.h"

namespace syncline::demo_erp {
namespace {

const char* const kCompanionSuffixes[] = {"-wal", "-shm", "-journal"};

void removeDatabaseFiles(const std::filesystem::path& path) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    for (const char* suffix : kCompanionSuffixes) {
        std::filesystem::remove(path.string() + suffix, ignored);
    }
}

// Whether a non-empty file is an SQLite database with at least one object in it (or not a database at all).
std::string describeExisting(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    std::string what;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
        sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) == SQLITE_OK) {
        sqlite3_stmt* count = nullptr;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'", -1, &count, nullptr);
        const int tables = sqlite3_step(count) == SQLITE_ROW ? sqlite3_column_int(count, 0) : 0;
        sqlite3_finalize(count);
        what = "an SQLite database with " + std::to_string(tables) + " tables";
    } else {
        what = "a file that is not an SQLite database";
    }
    sqlite3_close(db);
    return what;
}

}  // namespace

SqliteSink::SqliteSink(const std::filesystem::path& path, bool replace) : path_(std::filesystem::absolute(path)) {
    std::error_code error;
    if (replace) {
        removeDatabaseFiles(path_);
    } else if (std::filesystem::exists(path_, error) && std::filesystem::file_size(path_, error) > 0) {
        throw DemoErpError(kExitConfig, path_.string() + " already exists and is " + describeExisting(path_) +
                                            "; pass --replace to delete it and generate a new demo ERP");
    }
    if (sqlite3_open_v2(path_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw DemoErpError(kExitCantCreate, "cannot create " + path_.string() + ": " + message);
    }
    // A fresh file in one transaction: a rollback journal costs nothing (new pages are not journaled) and nothing
    // needs to survive a power cut until the commit. WAL is switched on afterwards, for the readers.
    // threads: CREATE INDEX may sort with a helper thread.
    try {
        exec("PRAGMA synchronous = OFF; PRAGMA cache_size = -131072; PRAGMA threads = 2; PRAGMA foreign_keys = OFF",
             "set pragmas");
    } catch (const DemoErpError&) {
        sqlite3_close(db_);  // the destructor does not run for a constructor that throws
        removeDatabaseFiles(path_);
        throw;
    }
}

SqliteSink::~SqliteSink() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
    if (!committed_) {
        removeDatabaseFiles(path_);  // never leave a half-generated ERP behind
    }
}

void SqliteSink::createTables(std::string_view sql) {
    exec("BEGIN", "begin transaction");
    exec(sql, "create tables");
}

void SqliteSink::beginTable(const TableSpec& table) {
    table_ = table.name;
    std::string sql = "INSERT INTO " + table_ + " (";
    std::string values;
    for (const auto& column : table.columns) {
        sql.append(values.empty() ? "" : ", ").append(column);
        values.append(values.empty() ? "?" : ", ?");
    }
    sql.append(") VALUES (").append(values).append(")");
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &insert_, nullptr) != SQLITE_OK) {
        fail("prepare insert");
    }
}

void SqliteSink::writeRow(const Row& row) {
    for (size_t i = 0; i < row.size(); ++i) {
        const Row::Field& field = row.field(i);
        const int index = static_cast<int>(i) + 1;
        int rc = SQLITE_OK;
        switch (field.kind) {
            case Row::Kind::kNull:
                rc = sqlite3_bind_null(insert_, index);
                break;
            case Row::Kind::kInteger:
                rc = sqlite3_bind_int64(insert_, index, field.integer);
                break;
            case Row::Kind::kText: {
                const std::string_view text = row.textOf(field);
                // SQLITE_STATIC: the row's buffer outlives the sqlite3_step below.
                rc = sqlite3_bind_text(insert_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
                break;
            }
        }
        if (rc != SQLITE_OK) {
            fail("bind");
        }
    }
    if (sqlite3_step(insert_) != SQLITE_DONE) {
        fail("insert");
    }
    sqlite3_reset(insert_);
}

void SqliteSink::endTable() {
    sqlite3_finalize(insert_);
    insert_ = nullptr;
}

void SqliteSink::commit(std::string_view sql) {
    table_.clear();
    exec(sql, "create indexes and triggers");
    exec("PRAGMA analysis_limit = 1000; ANALYZE", "analyze");
    exec("COMMIT", "commit");
    committed_ = true;
    exec("PRAGMA journal_mode = WAL", "switch to WAL");
}

std::string SqliteSink::describe() const {
    return "SQLite database " + path_.string();
}

void SqliteSink::exec(std::string_view sql, std::string_view step) {
    const std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string detail = message != nullptr ? message : "unknown error";
        sqlite3_free(message);
        throw DemoErpError(kExitSoftware, path_.string() + ": " + std::string(step) + " failed: " + detail);
    }
}

void SqliteSink::fail(std::string_view step) const {
    const std::string where = table_.empty() ? std::string() : " into " + table_;
    throw DemoErpError(kExitSoftware,
                       path_.string() + ": " + std::string(step) + where + " failed: " + sqlite3_errmsg(db_));
}

}  // namespace syncline::demo_erp
