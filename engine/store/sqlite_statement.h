#pragma once

#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

namespace syncline::store {

/// A statement prepared once on the webstore's SQLite connection and run many times: the bulk write
/// paths (pull upserts, audit rows) go straight to the sqlite3 API, because Poco::Data's per-value
/// binding costs more than SQLite's own work there. Errors are thrown as Poco::Data::SQLite exceptions.
class SqliteStatement {
  public:
    SqliteStatement(Poco::Data::Session& session, const std::string& sql)
        : db_(Poco::Data::SQLite::Utility::dbHandle(session)) {
        if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                               nullptr) != SQLITE_OK) {
            Poco::Data::SQLite::Utility::throwException(db_, sqlite3_errcode(db_), sql);
        }
    }
    ~SqliteStatement() { sqlite3_finalize(stmt_); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    /// SQLITE_STATIC: the value must live until run(); every caller binds values that outlive the step.
    void bind(int index, const std::optional<std::string>& value) {
        check(value ? bindText(index, *value) : sqlite3_bind_null(stmt_, index));
    }
    void bind(int index, const std::string& value) { check(bindText(index, value)); }
    void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(stmt_, index, value)); }

    /// Runs a statement that returns no rows.
    void run() {
        const int rc = sqlite3_step(stmt_);
        sqlite3_reset(stmt_);
        if (rc != SQLITE_DONE) {
            Poco::Data::SQLite::Utility::throwException(db_, rc);
        }
    }

  private:
    int bindText(int index, const std::string& value) {
        return sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
    }
    void check(int rc) {
        if (rc != SQLITE_OK) {
            Poco::Data::SQLite::Utility::throwException(db_, rc);
        }
    }
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace syncline::store
