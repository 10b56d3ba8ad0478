#pragma once

#include <filesystem>
#include <string>

#include "sink.h"

struct sqlite3;
struct sqlite3_stmt;

namespace syncline::demo_erp {

/// Writes the demo ERP into an SQLite file through the sqlite3 C API: one transaction, one prepared INSERT per table.
class SqliteSink : public Sink {
  public:
    /// Opens `path` for writing. With `replace` an existing file (and its -wal/-shm/-journal) is deleted first;
    /// without it, a file that already holds an SQLite database is refused (DemoErpError, config).
    SqliteSink(const std::filesystem::path& path, bool replace);
    ~SqliteSink() override;
    SqliteSink(const SqliteSink&) = delete;
    SqliteSink& operator=(const SqliteSink&) = delete;

    void createTables(std::string_view sql) override;
    void beginTable(const TableSpec& table) override;
    void writeRow(const Row& row) override;
    void endTable() override;
    void commit(std::string_view sql) override;
    std::string describe() const override;

  private:
    void exec(std::string_view sql, std::string_view step);
    [[noreturn]] void fail(std::string_view step) const;

    std::filesystem::path path_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_ = nullptr;
    std::string table_;
    bool committed_ = false;
};

}  // namespace syncline::demo_erp
