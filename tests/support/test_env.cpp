#include "tests/support/test_env.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <stdexcept>

namespace syncline::testing {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& prefix) {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            (prefix + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)));
    fs::remove_all(path_);
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

TestPostgres::TestPostgres() : TestPostgres(fs::path(SYNCLINE_BINARY_DIR) / "pgtest") {}

TestPostgres::TestPostgres(const fs::path& dir) {
    std::ifstream env(dir / "env");
    if (!env) {
        throw std::runtime_error("no test PostgreSQL cluster at " + dir.string() +
                                 ": run the integration tests through ctest (fixture 'pg' starts it)");
    }
    std::map<std::string, std::string> values;
    for (std::string line; std::getline(env, line);) {
        const auto eq = line.find('=');
        if (eq != std::string::npos) {
            values[line.substr(0, eq)] = line.substr(eq + 1);
        }
    }
    host_ = values["PGHOST"];
    port_ = std::stoi(values["PGPORT"]);
    user_ = values["PGUSER"];
    std::ifstream pw(values["PGPASSWORDFILE"]);
    std::getline(pw, password_);
}

std::string TestPostgres::connInfo(const std::string& database) const {
    return "host=" + host_ + " port=" + std::to_string(port_) + " user=" + user_ + " password=" + password_ +
           " dbname=" + database;
}

store::ConnectionSettings TestPostgres::settings(const std::string& database) const {
    store::ConnectionSettings s;
    s.backend = store::Backend::PostgreSQL;
    s.host = host_;
    s.port = port_;
    s.database = database;
    s.user = user_;
    s.password = password_;
    s.sslmode = "disable";
    return s;
}

void TestPostgres::execute(const std::string& sql) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(connInfo("postgres").c_str()), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        throw std::runtime_error(std::string("test PostgreSQL: ") + PQerrorMessage(conn.get()));
    }
    std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn.get(), sql.c_str()), &PQclear);
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
        throw std::runtime_error("test PostgreSQL: " + sql + ": " + PQerrorMessage(conn.get()));
    }
}

std::string TestPostgres::createDatabase(const std::string& prefix) {
    static std::atomic<int> counter{0};
    const std::string name = prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
    execute("DROP DATABASE IF EXISTS " + name);
    execute("CREATE DATABASE " + name);
    return name;
}

void TestPostgres::dropDatabase(const std::string& name) {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}

}  // namespace syncline::testing
