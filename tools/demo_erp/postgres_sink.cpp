#include "postgres_sink.h"

#include <libpq-fe.h>

#include <charconv>

#include "demo_erp_error.h"

namespace syncline::demo_erp {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

// COPY text format: backslash, tab, newline and carriage return are escaped; everything else is sent as is.
void appendEscaped(std::string& out, std::string_view text) {
    size_t plain = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const char* escaped = c == '\\' ? "\\\\" : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r" : nullptr;
        if (escaped != nullptr) {
            out.append(text.substr(plain, i - plain)).append(escaped);
            plain = i + 1;
        }
    }
    out.append(text.substr(plain));
}

std::string trimmedError(const PGconn* conn) {
    std::string message = PQerrorMessage(conn);
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
        message.pop_back();
    }
    return message;
}

}  // namespace

PostgresSink::PostgresSink(const std::string& conninfo, bool replace, std::span<const std::string_view> tables)
    : connection_(PQconnectdb(conninfo.c_str())), conn_(connection_.get()) {
    if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
        throw DemoErpError(kExitUnavailable, "cannot connect to PostgreSQL: " + trimmedError(conn_));
    }
    buffer_.reserve(kFlushBytes + 4096);
    // Nothing to lose until the single COMMIT: skip the commit flush wait; give index builds memory.
    exec(
        "SET client_encoding = 'UTF8'; SET synchronous_commit = off; SET maintenance_work_mem = '256MB'; "
        "SET client_min_messages = warning; BEGIN",
        "start session");
    for (const auto& table : tables) {
        table_list_.append(table_list_.empty() ? "" : ", ").append(table);
    }
    if (replace) {
        exec("DROP TABLE IF EXISTS " + table_list_ + " CASCADE", "drop the old demo ERP tables");
    } else {
        const std::string count = queryValue(
            "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()", "inspect database");
        if (count != "0") {
            throw DemoErpError(kExitConfig, "database " + std::string(PQdb(conn_)) + " already holds " + count +
                                                " tables in schema " + queryValue("SELECT current_schema()", "") +
                                                "; pass --replace to drop the demo ERP tables and recreate them");
        }
    }
}

void PostgresSink::ConnectionCloser::operator()(PGconn* conn) const {
    PQfinish(conn);
}

void PostgresSink::createTables(std::string_view sql) {
    exec(sql, "create tables");
}

void PostgresSink::beginTable(const TableSpec& table) {
    table_ = table.name;
    std::string sql = "COPY " + table_ + " (";
    for (size_t i = 0; i < table.columns.size(); ++i) {
        sql.append(i == 0 ? "" : ", ").append(table.columns[i]);
    }
    // FREEZE: the table was created in this transaction, so its rows can be written already frozen, which spares the
    // first readers and VACUUM from rewriting every page.
    sql.append(") FROM STDIN WITH (FREEZE)");
    PGresult* result = PQexec(conn_, sql.c_str());
    const bool ok = PQresultStatus(result) == PGRES_COPY_IN;
    PQclear(result);
    if (!ok) {
        fail("start COPY");
    }
}

void PostgresSink::writeRow(const Row& row) {
    for (size_t i = 0; i < row.size(); ++i) {
        if (i > 0) {
            buffer_.push_back('\t');
        }
        const Row::Field& field = row.field(i);
        switch (field.kind) {
            case Row::Kind::kNull:
                buffer_.append("\\N");
                break;
            case Row::Kind::kInteger: {
                char digits[24];
                const auto end = std::to_chars(digits, digits + sizeof digits, field.integer).ptr;
                buffer_.append(digits, end);
                break;
            }
            case Row::Kind::kText:
                appendEscaped(buffer_, row.textOf(field));
                break;
        }
    }
    buffer_.push_back('\n');
    if (buffer_.size() >= kFlushBytes) {
        flush();
    }
}

void PostgresSink::endTable() {
    flush();
    if (PQputCopyEnd(conn_, nullptr) != 1) {
        fail("finish COPY");
    }
    bool ok = true;
    std::string message;
    while (PGresult* result = PQgetResult(conn_)) {
        if (PQresultStatus(result) != PGRES_COMMAND_OK) {
            ok = false;
            message = PQresultErrorMessage(result);
        }
        PQclear(result);
    }
    if (!ok) {
        throw DemoErpError(kExitSoftware, "COPY into " + table_ + " failed: " + message);
    }
}

void PostgresSink::commit(std::string_view sql) {
    table_.clear();
    // Statistics first: the foreign-key checks below are joins, planned far better with them.
    exec("ANALYZE " + table_list_, "analyze");
    exec(sql, "add keys and indexes");
    exec("COMMIT", "commit");
}

std::string PostgresSink::describe() const {
    const PostgresEndpoint e = endpoint();
    return "PostgreSQL database " + e.database + " on " + e.host + ":" + e.port + " as " + e.user;
}

PostgresEndpoint PostgresSink::endpoint() const {
    return PostgresEndpoint{PQhost(conn_), PQport(conn_), PQdb(conn_), PQuser(conn_)};
}

void PostgresSink::exec(std::string_view sql, std::string_view step) {
    PGresult* result = PQexec(conn_, std::string(sql).c_str());
    const ExecStatusType status = PQresultStatus(result);
    PQclear(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
        fail(step);
    }
}

std::string PostgresSink::queryValue(const char* sql, std::string_view step) {
    PGresult* result = PQexec(conn_, sql);
    if (PQresultStatus(result) != PGRES_TUPLES_OK || PQntuples(result) != 1) {
        PQclear(result);
        fail(step);
    }
    std::string value = PQgetvalue(result, 0, 0);
    PQclear(result);
    return value;
}

void PostgresSink::flush() {
    if (!buffer_.empty() && PQputCopyData(conn_, buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
        fail("send COPY data");
    }
    buffer_.clear();
}

void PostgresSink::fail(std::string_view step) const {
    const std::string where = table_.empty() ? std::string() : " (" + table_ + ")";
    throw DemoErpError(kExitSoftware, "PostgreSQL: " + std::string(step) + where + " failed: " + trimmedError(conn_));
}

}  // namespace syncline::demo_erp
