// The baseline of the pull benchmarks (issue 3, "Speed"): the least work that moves a stream's rows from the ERP
// into an SQLite file. It reads exactly the rows a `syncline run JOB --full` reads — the same config file, so the
// same DSN, the same [erp.streams.<stream>].query and the same streaming attributes — with ODBC array fetch
// (BatchReader, rows_per_fetch = the stream's batch_size, 5000 by default) and inserts every row, values as the
// driver returned them (text, CHAR padding kept), with ONE prepared INSERT in ONE transaction into a fresh table
// named after the stream: TEXT columns named after the result columns, PRIMARY KEY on the stream's key column(s),
// with the webstore's SQLite settings (WAL, synchronous=NORMAL, default page cache).
// No validation, no hashing, no sync state, no upsert: what Syncline does on top of this is what the ratio measures.
//
//   syncline_pull_baseline --config syncline.toml --sqlite /tmp/baseline.db --stream products --stream price_rules
//
// prints one JSON line: {"streams":[{"stream":"products","rows":100000,"seconds":0.81},...],"seconds":4.2}
// "seconds" of a stream runs from connecting to the ERP to the commit. Exit codes: 0 ok, 64 usage, 70 failure,
// 78 config.

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "connectors/builtin.h"
#include "connectors/odbc/batch_reader.h"
#include "connectors/odbc/connection.h"
#include "connectors/odbc/connection_string.h"
#include "connectors/odbc/odbc_error.h"
#include "connectors/odbc/odbc_settings.h"
#include "connectors/odbc/streaming_attributes.h"
#include "engine/config/config.h"

namespace {

using namespace syncline;
using Clock = std::chrono::steady_clock;

constexpr int kExitUsage = 64;
constexpr int kExitSoftware = 70;
constexpr int kExitConfig = 78;

struct StreamFigures {
    std::string stream;
    std::size_t rows = 0;
    double seconds = 0;
};

// The canonical key fields of each stream (the webstore tables' primary keys).
std::vector<std::string> keyFields(const std::string& stream) {
    if (stream == "products") {
        return {"sku"};
    }
    if (stream == "stock") {
        return {"sku", "warehouse"};
    }
    if (stream == "customers") {
        return {"code"};
    }
    if (stream == "price_rules") {
        return {"rule_id"};
    }
    throw std::invalid_argument("unknown stream '" + stream + "'");
}

bool equalsIgnoreCase(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

std::string quoted(const std::string& identifier) {
    std::string out = "\"";
    for (char c : identifier) {
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    }
    return out + "\"";
}

class SqliteFile {
  public:
    explicit SqliteFile(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
            throw std::runtime_error("cannot open " + path + ": " + sqlite3_errmsg(db_));
        }
        exec("PRAGMA page_size = 16384");  // the webstore's settings (store/webstore.cpp)
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = NORMAL");
    }
    ~SqliteFile() { sqlite3_close(db_); }
    SqliteFile(const SqliteFile&) = delete;
    SqliteFile& operator=(const SqliteFile&) = delete;

    void exec(const std::string& sql) {
        char* message = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
            const std::string text = message ? message : "unknown error";
            sqlite3_free(message);
            throw std::runtime_error("SQLite: " + text + " in: " + sql);
        }
    }
    sqlite3* handle() const { return db_; }

  private:
    sqlite3* db_ = nullptr;
};

class PreparedInsert {
  public:
    PreparedInsert(SqliteFile& file, const std::string& sql) : db_(file.handle()) {
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &statement_, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string("SQLite prepare: ") + sqlite3_errmsg(db_));
        }
    }
    ~PreparedInsert() { sqlite3_finalize(statement_); }
    PreparedInsert(const PreparedInsert&) = delete;
    PreparedInsert& operator=(const PreparedInsert&) = delete;

    // The views must stay valid until step() returns (they do: until the reader's next fetch).
    void bind(int index, std::optional<std::string_view> value) {
        const int rc =
            value ? sqlite3_bind_text(statement_, index, value->data(), static_cast<int>(value->size()), SQLITE_STATIC)
                  : sqlite3_bind_null(statement_, index);
        if (rc != SQLITE_OK) {
            throw std::runtime_error(std::string("SQLite bind: ") + sqlite3_errmsg(db_));
        }
    }
    void step() {
        if (sqlite3_step(statement_) != SQLITE_DONE) {
            throw std::runtime_error(std::string("SQLite insert: ") + sqlite3_errmsg(db_));
        }
        sqlite3_reset(statement_);
    }

  private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

StreamFigures copyStream(const config::Config& config, const odbc::OdbcConnectorConfig& erp,
                         const odbc::OdbcStream& stream, SqliteFile& file) {
    const auto started = Clock::now();
    const auto batch_size = static_cast<std::size_t>(stream.batch_size);
    // What OdbcConnector::open does: the same streaming attributes with Fetch = the batch size.
    const std::string connection_string = odbc::withStreamingAttributes(erp.connection_string, batch_size);
    odbc::Connection connection(connection_string, std::chrono::seconds(config.erp.login_timeout_s));
    odbc::BatchReaderOptions options;
    options.rows_per_fetch = batch_size;
    options.query_timeout = std::chrono::seconds(config.erp.query_timeout_s);
    odbc::BatchReader reader(connection, stream.query, {}, options);
    if (!reader.arrayFetch()) {
        std::cerr << "pull_baseline: " << stream.stream << ": a long column forces row-by-row fetch\n";
    }

    // The key columns: the source columns mapped to the stream's key fields, as the reader labels them.
    std::vector<std::string> key_columns;
    for (const auto& key : keyFields(stream.stream)) {
        const auto mapping = std::find_if(stream.fields.begin(), stream.fields.end(),
                                          [&](const connector::FieldMapping& m) { return m.field == key; });
        if (mapping == stream.fields.end()) {
            throw std::invalid_argument(stream.stream + ": key field '" + key + "' is not mapped");
        }
        const auto column =
            std::find_if(reader.columns().begin(), reader.columns().end(),
                         [&](const odbc::ResultColumn& c) { return equalsIgnoreCase(c.name, mapping->column); });
        if (column == reader.columns().end()) {
            throw std::invalid_argument(stream.stream + ": key column '" + mapping->column + "' is not in the result");
        }
        key_columns.push_back(quoted(column->name));
    }
    std::string columns, placeholders, keys;
    for (std::size_t c = 0; c < reader.columns().size(); ++c) {
        columns += (c ? ", " : "") + quoted(reader.columns()[c].name) + " TEXT";
        placeholders += c ? ", ?" : "?";
    }
    for (const auto& k : key_columns) {
        keys += (keys.empty() ? "" : ", ") + k;
    }
    const std::string table = quoted(stream.stream);
    file.exec("CREATE TABLE " + table + " (" + columns + ", PRIMARY KEY (" + keys + "))");
    PreparedInsert insert(file, "INSERT INTO " + table + " VALUES (" + placeholders + ")");

    file.exec("BEGIN IMMEDIATE");
    const std::size_t width = reader.columns().size();
    std::size_t rows = 0;
    while (const std::size_t count = reader.fetch()) {
        for (std::size_t r = 0; r < count; ++r) {
            for (std::size_t c = 0; c < width; ++c) {
                insert.bind(static_cast<int>(c + 1), reader.value(r, c));
            }
            insert.step();
        }
        rows += count;
    }
    file.exec("COMMIT");
    return {stream.stream, rows, std::chrono::duration<double>(Clock::now() - started).count()};
}

std::string toJson(const std::vector<StreamFigures>& figures, double seconds) {
    std::string out = "{\"streams\":[";
    char buf[256];
    for (std::size_t i = 0; i < figures.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%s{\"stream\":\"%s\",\"rows\":%zu,\"seconds\":%.3f}", i ? "," : "",
                      figures[i].stream.c_str(), figures[i].rows, figures[i].seconds);
        out += buf;
    }
    std::snprintf(buf, sizeof buf, "],\"seconds\":%.3f}", seconds);
    return out + buf;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Pull benchmark baseline: ODBC array fetch of a stream's full query into one SQLite transaction"};
    std::string config_path;
    std::string sqlite_path;
    std::vector<std::string> stream_names;
    app.add_option("-c,--config", config_path, "syncline config: [erp] connection and [erp.streams.*] queries")
        ->required();
    app.add_option("--sqlite", sqlite_path, "SQLite file to create (an existing one is replaced)")->required();
    app.add_option("--stream", stream_names, "stream to copy (repeatable): products, stock, customers, price_rules")
        ->required();
    CLI11_PARSE(app, argc, argv);

    config::Config config;
    connectors::registerBuiltinConnectors();
    try {
        config = config::load(config_path);
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            std::cerr << issue.format() << "\n";
        }
        return kExitConfig;
    }
    if (config.erp.connector != "odbc") {
        std::cerr << "pull_baseline: " << config_path << " has no [erp] with connector = \"odbc\"\n";
        return kExitConfig;
    }
    const auto erp = odbc::odbcConfigOf(config.erp.settings);
    if (!erp.odbc_ini_dir.empty()) {
        // As syncline does: unixODBC reads these at the first ODBC call of the process.
        ::setenv("ODBCSYSINI", erp.odbc_ini_dir.c_str(), 1);
        ::setenv("ODBCINI", (erp.odbc_ini_dir + "/odbc.ini").c_str(), 1);
    }
    std::vector<const odbc::OdbcStream*> streams;
    for (const auto& name : stream_names) {
        const auto it = std::find_if(erp.streams.begin(), erp.streams.end(),
                                     [&](const odbc::OdbcStream& s) { return s.stream == name; });
        if (it == erp.streams.end()) {
            std::cerr << "pull_baseline: " << config_path << " has no [erp.streams." << name << "]\n";
            return kExitUsage;
        }
        streams.push_back(&*it);
    }

    const auto started = Clock::now();
    try {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::filesystem::remove(sqlite_path + suffix);
        }
        SqliteFile file(sqlite_path);
        std::vector<StreamFigures> figures;
        for (const auto* stream : streams) {
            figures.push_back(copyStream(config, erp, *stream, file));
        }
        std::cout << toJson(figures, std::chrono::duration<double>(Clock::now() - started).count()) << std::endl;
    } catch (const odbc::OdbcError& e) {
        std::cerr << "pull_baseline: " << e.what() << "\n";  // redacted by the ODBC layer
        return kExitSoftware;
    } catch (const std::exception& e) {
        std::cerr << "pull_baseline: " << e.what() << "\n";
        return kExitSoftware;
    }
    return 0;
}
