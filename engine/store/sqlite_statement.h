#pragma once

#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace syncline::store {

/// A statement prepared once on the webstore's SQLite connection and run many times: the bulk write
/// paths (pull upserts, audit rows) and the price look-ups go straight to the sqlite3 API, because
/// Poco::Data's per-value binding costs more than SQLite's own work there. Errors are thrown as
/// Poco::Data::SQLite exceptions.
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

    /// Steps a query: true with a row to read (text(), integer(), isNull()), false when it is done. The statement is
    /// reset when done or on an error (which throws); stop early with reset() (or SqliteReset), so that no read
    /// transaction stays open.
    bool step() {
        const int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) {
            return true;
        }
        sqlite3_reset(stmt_);
        if (rc != SQLITE_DONE) {
            Poco::Data::SQLite::Utility::throwException(db_, rc);
        }
        return false;
    }
    void reset() { sqlite3_reset(stmt_); }
    /// Rows changed by the connection's last INSERT, UPDATE or DELETE: after run(), this statement's.
    std::int64_t changes() const { return sqlite3_changes64(db_); }

    /// Column values of the current row; text() is valid until the next step() or reset().
    bool isNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
    std::string_view text(int column) const {
        const auto* p = sqlite3_column_text(stmt_, column);
        return p == nullptr ? std::string_view()
                            : std::string_view(reinterpret_cast<const char*>(p),
                                               static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
    }
    std::int64_t integer(int column) const { return sqlite3_column_int64(stmt_, column); }

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

/// Resets a statement when a query ends early, however it ends (a return, an exception).
class SqliteReset {
  public:
    explicit SqliteReset(SqliteStatement& statement) : statement_(statement) {}
    ~SqliteReset() { statement_.reset(); }
    SqliteReset(const SqliteReset&) = delete;
    SqliteReset& operator=(const SqliteReset&) = delete;

  private:
    SqliteStatement& statement_;
};

}  // namespace syncline::store
