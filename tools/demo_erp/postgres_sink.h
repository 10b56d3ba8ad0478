#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "sink.h"

typedef struct pg_conn PGconn;

namespace syncline::demo_erp {

/// Where libpq actually connected, for the ODBC DSN. Never holds the password.
struct PostgresEndpoint {
    std::string host;
    std::string port;
    std::string database;
    std::string user;
};

/// Writes the demo ERP into PostgreSQL through libpq: one transaction, each table loaded with COPY ... FROM STDIN
/// (text format) into a table created in that transaction; keys and indexes are built after the load.
class PostgresSink : public Sink {
  public:
    /// Connects with a libpq conninfo string. With `replace` the demo ERP's `tables` are dropped (CASCADE) inside the
    /// transaction; without it, a database whose current schema holds any table is refused (DemoErpError, config).
    PostgresSink(const std::string& conninfo, bool replace, std::span<const std::string_view> tables);
    ~PostgresSink() override = default;
    PostgresSink(const PostgresSink&) = delete;
    PostgresSink& operator=(const PostgresSink&) = delete;

    void createTables(std::string_view sql) override;
    void beginTable(const TableSpec& table) override;
    void writeRow(const Row& row) override;
    void endTable() override;
    void commit(std::string_view sql) override;
    std::string describe() const override;

    PostgresEndpoint endpoint() const;

  private:
    void exec(std::string_view sql, std::string_view step);
    std::string queryValue(const char* sql, std::string_view step);
    void flush();
    [[noreturn]] void fail(std::string_view step) const;

    struct ConnectionCloser {
        void operator()(PGconn* conn) const;
    };
    std::unique_ptr<PGconn, ConnectionCloser> connection_;  // closing without COMMIT rolls everything back
    PGconn* conn_;
    std::string table_list_;  // "UOMS, ITGR, ..."
    std::string buffer_;
    std::string table_;
};

}  // namespace syncline::demo_erp
