#include "tests/support/sql_client.h"

#include <libpq-fe.h>
#include <sqlite3.h>

#include <stdexcept>

namespace syncline::testing {

namespace {

class SqliteClient : public SqlClient {
  public:
    explicit SqliteClient(const std::string& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
            sqlite3_close(db_);
            throw std::runtime_error("SQLite " + path + ": " + why);
        }
        sqlite3_busy_timeout(db_, 10000);
    }
    ~SqliteClient() override { sqlite3_close(db_); }

    std::vector<SqlRow> rows(const std::string& sql) override {
        std::vector<SqlRow> out;
        const char* tail = sql.c_str();
        while (tail != nullptr && *tail != '\0') {
            sqlite3_stmt* statement = nullptr;
            if (sqlite3_prepare_v2(db_, tail, -1, &statement, &tail) != SQLITE_OK) {
                throw std::runtime_error("SQLite: " + sql + ": " + sqlite3_errmsg(db_));
            }
            if (statement == nullptr) {
                break;  // only whitespace or a comment was left
            }
            out.clear();
            int rc = SQLITE_ROW;
            while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
                SqlRow row;
                for (int c = 0; c < sqlite3_column_count(statement); ++c) {
                    const auto* text = sqlite3_column_text(statement, c);
                    row.push_back(text == nullptr ? std::nullopt
                                                  : std::optional<std::string>(reinterpret_cast<const char*>(text)));
                }
                out.push_back(std::move(row));
            }
            const std::string why = sqlite3_errmsg(db_);
            sqlite3_finalize(statement);
            if (rc != SQLITE_DONE) {
                throw std::runtime_error("SQLite: " + sql + ": " + why);
            }
        }
        return out;
    }

  private:
    sqlite3* db_ = nullptr;
};

class PostgresClient : public SqlClient {
  public:
    explicit PostgresClient(const std::string& conninfo) : conn_(PQconnectdb(conninfo.c_str())) {
        if (PQstatus(conn_) != CONNECTION_OK) {
            const std::string why = PQerrorMessage(conn_);
            PQfinish(conn_);
            throw std::runtime_error("PostgreSQL: " + why);
        }
    }
    ~PostgresClient() override { PQfinish(conn_); }

    std::vector<SqlRow> rows(const std::string& sql) override {
        std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn_, sql.c_str()), &PQclear);
        const auto status = PQresultStatus(result.get());
        if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
            throw std::runtime_error("PostgreSQL: " + sql + ": " + PQerrorMessage(conn_));
        }
        std::vector<SqlRow> out;
        for (int r = 0; r < PQntuples(result.get()); ++r) {
            SqlRow row;
            for (int c = 0; c < PQnfields(result.get()); ++c) {
                row.push_back(PQgetisnull(result.get(), r, c)
                                  ? std::nullopt
                                  : std::optional<std::string>(PQgetvalue(result.get(), r, c)));
            }
            out.push_back(std::move(row));
        }
        return out;
    }

  private:
    PGconn* conn_;
};

}  // namespace

std::unique_ptr<SqlClient> SqlClient::sqlite(const std::string& path) {
    return std::make_unique<SqliteClient>(path);
}

std::unique_ptr<SqlClient> SqlClient::postgres(const std::string& conninfo) {
    return std::make_unique<PostgresClient>(conninfo);
}

std::string SqlClient::value(const std::string& sql) {
    const auto result = rows(sql);
    if (result.empty() || result.front().empty()) {
        throw std::runtime_error("no row: " + sql);
    }
    return result.front().front().value_or("");
}

}  // namespace syncline::testing
