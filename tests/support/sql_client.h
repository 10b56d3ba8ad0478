#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace syncline::testing {

/// One result row; every value as text, NULL as nullopt.
using SqlRow = std::vector<std::optional<std::string>>;

/// A plain SQL connection with which a test looks into, or changes, a database behind syncline's back:
/// an SQLite file (sqlite3 C API, busy timeout 10 s) or a PostgreSQL database (libpq).
/// Not thread-safe; errors throw std::runtime_error naming the statement.
class SqlClient {
  public:
    /// Opens an existing SQLite file (it is never created here).
    static std::unique_ptr<SqlClient> sqlite(const std::string& path);
    static std::unique_ptr<SqlClient> postgres(const std::string& conninfo);
    virtual ~SqlClient() = default;

    /// Runs `sql` (one statement or several separated by ';') and returns the rows of the last one.
    virtual std::vector<SqlRow> rows(const std::string& sql) = 0;
    void execute(const std::string& sql) { rows(sql); }
    /// The first column of the first row ("" for NULL); throws when there is no row.
    std::string value(const std::string& sql);
    std::int64_t count(const std::string& sql) { return std::stoll(value(sql)); }
};

}  // namespace syncline::testing
