#include "engine/sync/batch_writer.h"

#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>
#include <sqlite3.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/connector/streams.h"
#include "engine/store/dialect.h"

namespace syncline::sync {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::Backend;
using store::SqlType;
using store::typedParam;

namespace {

constexpr char kKeySeparator = '\x1f';

SqlType sqlTypeOf(const std::string& stream, const std::string& column) {
    for (const auto& f : connector::streamFields(stream)) {
        if (f.name == column) {
            switch (f.default_type) {
                case connector::FieldType::Decimal:
                    return SqlType::Numeric;
                case connector::FieldType::Flag:
                    return SqlType::Boolean;
                case connector::FieldType::Date:
                    return SqlType::Date;
                default:
                    return SqlType::Text;
            }
        }
    }
    return SqlType::Text;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : separator) + item;
    }
    return out;
}

std::vector<Poco::Nullable<std::string>> column(const ChangedRows& changed, std::size_t index) {
    std::vector<Poco::Nullable<std::string>> out;
    out.reserve(changed.rows.size());
    for (const auto& row : changed.rows) {
        out.push_back(row[index] ? Poco::Nullable<std::string>(*row[index]) : Poco::Nullable<std::string>());
    }
    return out;
}

}  // namespace

// On SQLite the hot path (two upserts per changed row) goes straight to the sqlite3 API with
// statements prepared once per run: Poco's per-row binding costs more than SQLite's own work here.
class BatchWriter::SqliteStatement {
  public:
    SqliteStatement(sqlite3* db, const std::string& sql) : db_(db) {
        if (sqlite3_prepare_v3(db, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                               nullptr) != SQLITE_OK) {
            Poco::Data::SQLite::Utility::throwException(db, sqlite3_errcode(db), sql);
        }
    }
    ~SqliteStatement() { sqlite3_finalize(stmt_); }
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    // SQLITE_STATIC: the value must live until run(); every caller binds values that outlive the step.
    void bind(int index, const std::optional<std::string>& value) {
        check(value ? bindText(index, *value) : sqlite3_bind_null(stmt_, index));
    }
    void bind(int index, const std::string& value) { check(bindText(index, value)); }
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

BatchWriter::~BatchWriter() = default;

std::string BatchWriter::joinKey(const std::vector<std::string>& parts) {
    return join(parts, std::string(1, kKeySeparator));
}

BatchWriter::BatchWriter(store::Webstore& store, const EntityTable& entity, std::vector<std::string> columns)
    : store_(store), entity_(entity), columns_(std::move(columns)) {
    const auto b = store_.backend();
    std::vector<std::string> names = columns_;
    std::vector<std::string> values;
    std::vector<std::string> updates;
    int index = 1;
    for (const auto& c : columns_) {
        values.push_back(typedParam(b, index++, sqlTypeOf(entity_.stream, c)));
        if (std::find(entity_.key_columns.begin(), entity_.key_columns.end(), c) == entity_.key_columns.end()) {
            updates.push_back(c + " = excluded." + c);
        }
    }
    if (std::find(columns_.begin(), columns_.end(), "active") == columns_.end()) {
        // Not mapped: a row the ERP returns is active (and a row that comes back is reactivated).
        names.push_back("active");
        values.push_back(b == Backend::SQLite ? "1" : "TRUE");
        updates.push_back("active = excluded.active");
    }
    names.push_back("updated_at");
    values.push_back(typedParam(b, index, SqlType::Timestamp));
    updates.push_back("updated_at = excluded.updated_at");
    upsert_sql_ = "INSERT INTO " + entity_.table + " (" + join(names, ", ") + ") VALUES (" + join(values, ", ") +
                  ") ON CONFLICT (" + join(entity_.key_columns, ", ") + ") DO UPDATE SET " + join(updates, ", ");
    state_sql_ =
        "INSERT INTO sync_state (entity, entity_key, erp_hash, applied_hash, updated_at) VALUES ($1, $2, $3, $3, " +
        typedParam(b, 4, SqlType::Timestamp) +
        ") ON CONFLICT (entity, entity_key) DO UPDATE SET erp_hash = excluded.erp_hash, "
        "applied_hash = excluded.applied_hash, updated_at = excluded.updated_at";
}

std::string BatchWriter::keysAsJson(const std::vector<std::string>& keys) const {
    return nlohmann::json(keys).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::unordered_map<std::string, std::string> BatchWriter::storedHashes(const std::vector<std::string>& keys) {
    std::unordered_map<std::string, std::string> out;
    if (keys.empty()) {
        return out;
    }
    // One parameter holding every key as a JSON array: one statement per batch on both backends.
    const std::string list = store_.backend() == Backend::SQLite
                                 ? "SELECT value FROM json_each($2)"
                                 : "SELECT jsonb_array_elements_text(CAST($2 AS JSONB))";
    std::string entity = entity_.entity;
    std::string json = keysAsJson(keys);
    std::vector<std::string> found_keys;
    std::vector<std::string> found_hashes;
    store_.session() << "SELECT entity_key, erp_hash FROM sync_state WHERE entity = $1 AND entity_key IN (" + list +
                            ")",
        use(entity), use(json), into(found_keys), into(found_hashes), now;
    out.reserve(found_keys.size());
    for (std::size_t i = 0; i < found_keys.size(); ++i) {
        out.emplace(std::move(found_keys[i]), std::move(found_hashes[i]));
    }
    return out;
}

void BatchWriter::upsertSqlite(const ChangedRows& changed) {
    sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(store_.session());
    if (!sqlite_upsert_) {
        sqlite_upsert_ = std::make_unique<SqliteStatement>(db, upsert_sql_);
        sqlite_state_ = std::make_unique<SqliteStatement>(db, state_sql_);
    }
    const std::string now = store::Webstore::utcNow();
    const std::string& entity = entity_.entity;
    for (std::size_t r = 0; r < changed.rows.size(); ++r) {
        const auto& row = changed.rows[r];
        for (std::size_t c = 0; c < columns_.size(); ++c) {
            sqlite_upsert_->bind(static_cast<int>(c + 1), row[c]);
        }
        sqlite_upsert_->bind(static_cast<int>(columns_.size() + 1), now);
        sqlite_upsert_->run();
        sqlite_state_->bind(1, entity);
        sqlite_state_->bind(2, changed.keys[r]);
        sqlite_state_->bind(3, changed.hashes[r]);
        sqlite_state_->bind(4, now);
        sqlite_state_->run();
    }
}

void BatchWriter::upsert(const ChangedRows& changed) {
    if (changed.rows.empty()) {
        return;
    }
    if (store_.backend() == Backend::SQLite) {
        upsertSqlite(changed);
        return;
    }
    const std::size_t n = changed.rows.size();
    std::vector<std::vector<Poco::Nullable<std::string>>> values;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        values.push_back(column(changed, c));
    }
    std::vector<std::string> updated_at(n, store::Webstore::utcNow());
    Poco::Data::Statement statement(store_.session());
    statement << upsert_sql_;
    for (auto& v : values) {
        statement, use(v);
    }
    statement, use(updated_at);
    statement.execute();

    std::vector<std::string> entity(n, entity_.entity);
    auto keys = changed.keys;
    auto hashes = changed.hashes;
    store_.session() << state_sql_, use(entity), use(keys), use(hashes), use(updated_at), now;
}

void BatchWriter::recordRejects(std::int64_t run_id, const std::vector<Reject>& rejects) {
    if (rejects.empty()) {
        return;
    }
    const std::size_t n = rejects.size();
    std::vector<Poco::Int64> run(n, run_id);
    std::vector<std::string> entity(n, entity_.entity);
    std::vector<std::string> keys, fields, reasons, raws;
    for (const auto& r : rejects) {
        keys.push_back(r.key);
        fields.push_back(r.field);
        reasons.push_back(r.reason);
        raws.push_back(r.raw);
    }
    std::vector<std::string> at(n, store::Webstore::utcNow());
    store_.session() << "INSERT INTO rejects (run_id, entity, entity_key, field, reason, raw, created_at) VALUES "
                        "($1, $2, $3, $4, $5, $6, " +
                            typedParam(store_.backend(), 7, SqlType::Timestamp) + ")",
        use(run), use(entity), use(keys), use(fields), use(reasons), use(raws), use(at), now;
}

std::vector<std::string> BatchWriter::activeKeysAfter(const std::string& after, int limit) {
    std::string entity = entity_.entity;
    std::string from = after;
    int count = limit;
    std::vector<std::string> keys;
    store_.session() << "SELECT entity_key FROM sync_state WHERE entity = $1 AND entity_key > $2 AND "
                        "erp_hash <> 'deactivated' ORDER BY entity_key LIMIT $3",
        use(entity), use(from), use(count), into(keys), now;
    return keys;
}

std::int64_t BatchWriter::activeCount() {
    std::string entity = entity_.entity;
    Poco::Int64 count = 0;
    store_.session() << "SELECT COUNT(*) FROM sync_state WHERE entity = $1 AND erp_hash <> 'deactivated'", use(entity),
        into(count), now;
    return count;
}

void BatchWriter::deactivate(const std::vector<std::string>& keys) {
    if (keys.empty()) {
        return;
    }
    const auto b = store_.backend();
    const std::size_t parts = entity_.key_columns.size();
    std::vector<std::vector<std::string>> key_values(parts);
    for (const auto& key : keys) {
        std::size_t start = 0;
        for (std::size_t p = 0; p < parts; ++p) {
            const auto end = p + 1 < parts ? key.find(kKeySeparator, start) : std::string::npos;
            key_values[p].push_back(key.substr(start, end == std::string::npos ? std::string::npos : end - start));
            start = end == std::string::npos ? key.size() : end + 1;
        }
    }
    std::vector<std::string> at(keys.size(), store::Webstore::utcNow());
    std::string where;
    for (std::size_t p = 0; p < parts; ++p) {
        where += (p == 0 ? "" : " AND ") + entity_.key_columns[p] + " = $" + std::to_string(p + 2);
    }
    Poco::Data::Statement statement(store_.session());
    statement << "UPDATE " + entity_.table + " SET active = " + (b == Backend::SQLite ? "0" : "FALSE") +
                     ", updated_at = " + typedParam(b, 1, SqlType::Timestamp) + " WHERE " + where,
        use(at);
    for (auto& v : key_values) {
        statement, use(v);
    }
    statement.execute();
    std::vector<std::string> entity(keys.size(), entity_.entity);
    auto k = keys;
    store_.session() << "UPDATE sync_state SET erp_hash = 'deactivated', applied_hash = 'deactivated', updated_at = " +
                            typedParam(b, 1, SqlType::Timestamp) + " WHERE entity = $2 AND entity_key = $3",
        use(at), use(entity), use(k), now;
}

std::optional<std::string> BatchWriter::watermark() {
    std::string stream = entity_.stream;
    std::vector<std::string> cursor;
    store_.session() << "SELECT cursor FROM sync_cursors WHERE stream = $1", use(stream), into(cursor), now;
    return cursor.empty() ? std::nullopt : std::optional<std::string>(cursor.front());
}

void BatchWriter::setWatermark(const std::string& value) {
    std::string stream = entity_.stream;
    std::string cursor = value;
    std::string at = store::Webstore::utcNow();
    store_.session() << "INSERT INTO sync_cursors (stream, cursor, updated_at) VALUES ($1, $2, " +
                            typedParam(store_.backend(), 3, SqlType::Timestamp) +
                            ") ON CONFLICT (stream) DO UPDATE SET cursor = excluded.cursor, "
                            "updated_at = excluded.updated_at",
        use(stream), use(cursor), use(at), now;
}

}  // namespace syncline::sync
