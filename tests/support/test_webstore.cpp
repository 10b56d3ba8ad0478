#include "tests/support/test_webstore.h"

#include <algorithm>
#include <regex>
#include <stdexcept>

namespace syncline::testing {

namespace {

std::string comparable(const std::optional<std::string>& value) {
    if (!value) {
        return "\\N";
    }
    if (*value == "true") {
        return "1";
    }
    if (*value == "false") {
        return "0";
    }
    static const std::regex decimal("-?[0-9]+\\.[0-9]+");
    if (std::regex_match(*value, decimal)) {
        std::string text = *value;
        text.erase(text.find_last_not_of('0') + 1);
        if (text.back() == '.') {
            text.pop_back();
        }
        return text == "-0" ? "0" : text;
    }
    return *value;
}

}  // namespace

TestWebstore::TestWebstore(store::Backend backend, const std::filesystem::path& dir, const std::string& name,
                           TestPostgres* pg)
    : backend_(backend), pg_(pg) {
    if (backend == store::Backend::SQLite) {
        database_ = (dir / (name + ".db")).string();
    } else {
        if (pg == nullptr) {
            throw std::invalid_argument("a PostgreSQL webstore needs the test cluster");
        }
        database_ = pg->createDatabase(name);
    }
}

TestWebstore::~TestWebstore() {
    sql_.reset();
    if (backend_ == store::Backend::PostgreSQL) {
        pg_->dropDatabase(database_);
    }
}

std::string TestWebstore::configSection() const {
    if (backend_ == store::Backend::SQLite) {
        return "[webstore]\nbackend = \"sqlite\"\npath = \"" + database_ + "\"\n";
    }
    return "[webstore]\nbackend = \"postgresql\"\nhost = \"" + pg_->host() +
           "\"\nport = " + std::to_string(pg_->port()) + "\ndatabase = \"" + database_ + "\"\nuser = \"" + pg_->user() +
           "\"\npassword_env = \"" + kPasswordEnv + "\"\nsslmode = \"disable\"\n";
}

std::vector<std::string> TestWebstore::environment() const {
    if (backend_ == store::Backend::PostgreSQL) {
        return {std::string(kPasswordEnv) + "=" + pg_->password()};
    }
    return {};
}

SqlClient& TestWebstore::sql() {
    if (!sql_) {
        sql_ = backend_ == store::Backend::SQLite ? SqlClient::sqlite(database_)
                                                  : SqlClient::postgres(pg_->connInfo(database_));
    }
    return *sql_;
}

std::int64_t TestWebstore::count(const std::string& table, const std::string& where) {
    return sql().count("SELECT COUNT(*) FROM " + table + (where.empty() ? "" : " WHERE " + where));
}

std::string TestWebstore::dump(const std::string& table) {
    const std::string columns_sql =
        backend_ == store::Backend::SQLite
            ? "SELECT name FROM pragma_table_info('" + table + "') ORDER BY cid"
            : "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND "
              "table_name = '" +
                  table + "' ORDER BY ordinal_position";
    std::vector<std::string> columns;
    for (const auto& row : sql().rows(columns_sql)) {
        if (row.at(0) && *row.at(0) != "updated_at") {
            columns.push_back(*row.at(0));
        }
    }
    if (columns.empty()) {
        throw std::runtime_error("webstore table " + table + " has no columns");
    }
    std::string select;
    for (const auto& c : columns) {
        select += (select.empty() ? "" : ", ") + std::string("CAST(") + c + " AS TEXT)";
    }
    std::vector<std::string> lines;
    for (const auto& row : sql().rows("SELECT " + select + " FROM " + table)) {
        std::string line;
        for (std::size_t c = 0; c < columns.size(); ++c) {
            line += (c == 0 ? "" : "|") + columns[c] + "=" + comparable(row[c]);
        }
        lines.push_back(std::move(line));
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& line : lines) {
        out += line + "\n";
    }
    return out;
}

}  // namespace syncline::testing
