#include "engine/sync/batch_writer.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/connector/streams.h"
#include "engine/model/decimal.h"
#include "engine/store/dialect.h"
#include "engine/store/sqlite_statement.h"

namespace syncline::sync {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::Backend;
using store::SqlType;
using store::typedParam;

namespace {

SqlType columnType(const std::string& stream, const std::string& column) {
    for (const auto& f : connector::streamFields(stream)) {
        if (f.name == column) {
            return BatchWriter::sqlTypeOf(f.default_type);
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

std::vector<Poco::Nullable<std::string>> nullable(const std::vector<std::optional<std::string>>& values) {
    std::vector<Poco::Nullable<std::string>> out;
    out.reserve(values.size());
    for (const auto& v : values) {
        out.push_back(v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>());
    }
    return out;
}

}  // namespace

BatchWriter::~BatchWriter() = default;

SqlType BatchWriter::sqlTypeOf(connector::FieldType type) {
    switch (type) {
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

std::string BatchWriter::joinKey(const std::vector<std::string>& parts) {
    return join(parts, std::string(1, kKeySeparator));
}

std::vector<std::string> BatchWriter::splitKey(const std::string& key) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (;;) {
        const auto end = key.find(kKeySeparator, start);
        parts.push_back(key.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) {
            return parts;
        }
        start = end + 1;
    }
}

BatchWriter::BatchWriter(store::Webstore& store, const EntityTable& entity, std::vector<std::string> columns)
    : store_(store), entity_(entity), columns_(std::move(columns)) {
    const auto b = store_.backend();
    std::vector<std::string> names = columns_;
    std::vector<std::string> values;
    std::vector<std::string> updates;
    int index = 1;
    for (const auto& c : columns_) {
        values.push_back(typedParam(b, index++, columnType(entity_.stream, c)));
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
    values.push_back(typedParam(b, index++, SqlType::Timestamp));
    updates.push_back("updated_at = excluded.updated_at");
    for (const char* sync : {"sync_hash", "sync_base"}) {
        names.push_back(sync);
        values.push_back("$" + std::to_string(index++));
        updates.push_back(std::string(sync) + " = excluded." + sync);
    }
    upsert_sql_ = "INSERT INTO " + entity_.table + " (" + join(names, ", ") + ") VALUES (" + join(values, ", ") +
                  ") ON CONFLICT (" + join(entity_.key_columns, ", ") + ") DO UPDATE SET " + join(updates, ", ");
    state_sql_ =
        "UPDATE " + entity_.table + " SET sync_hash = $1, sync_base = $2 WHERE " + keysEqual(entity_.key_columns, 3);

    // The current rows of a batch's keys, each as one JSON array of text values: one statement per batch.
    std::vector<std::string> read = columns_;
    read.push_back("active");
    read.push_back("updated_at");
    std::vector<std::string> exprs;
    for (const auto& c : read) {
        types_.push_back(c == "active" ? SqlType::Boolean
                                       : (c == "updated_at" ? SqlType::Timestamp : columnType(entity_.stream, c)));
        if (c == "updated_at") {
            exprs.push_back(store::isoTimeColumn(b, "t.updated_at"));
        } else {
            exprs.push_back(b == Backend::SQLite ? "t." + c : "CAST(t." + c + " AS TEXT)");
        }
    }
    std::string on;
    for (std::size_t k = 0; k < entity_.key_columns.size(); ++k) {
        const std::string element = b == Backend::SQLite ? "json_extract(j.value, '$[" + std::to_string(k) + "]')"
                                                         : "(j.value ->> " + std::to_string(k) + ")";
        on += (k == 0 ? "" : " AND ") + std::string("t.") + entity_.key_columns[k] + " = " + element;
    }
    const std::string from =
        b == Backend::SQLite ? " FROM json_each($1) j JOIN " + entity_.table + " t ON " + on
                             : " FROM jsonb_array_elements(CAST($1 AS JSONB)) j JOIN " + entity_.table + " t ON " + on;
    current_sql_ = b == Backend::SQLite ? "SELECT json_array(" + join(exprs, ", ") + ")" + from
                                        : "SELECT CAST(json_build_array(" + join(exprs, ", ") + ") AS TEXT)" + from;
    stored_sql_ =
        "SELECT " + keyExpression("t.") + ", t.sync_hash, t.sync_base" + from + " AND t.sync_hash IS NOT NULL";
}

std::string BatchWriter::keyExpression(const std::string& prefix) const {
    // The key columns joined with U+001F, as joinKey() does.
    const std::string separator = store_.backend() == Backend::SQLite ? " || char(31) || " : " || chr(31) || ";
    std::string out;
    for (const auto& k : entity_.key_columns) {
        out += (out.empty() ? "" : separator) + prefix + k;
    }
    return out;
}

std::string BatchWriter::keysEqual(const std::vector<std::string>& key_columns, int first) {
    std::string out;
    for (std::size_t k = 0; k < key_columns.size(); ++k) {
        out += (k == 0 ? "" : " AND ") + key_columns[k] + " = $" + std::to_string(first + static_cast<int>(k));
    }
    return out;
}

std::string BatchWriter::keyPartsAsJson(const std::vector<std::string>& keys) const {
    nlohmann::json parts = nlohmann::json::array();
    for (const auto& key : keys) {
        auto split = splitKey(key);
        split.resize(entity_.key_columns.size());
        parts.push_back(std::move(split));
    }
    return parts.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<std::vector<std::string>> BatchWriter::keyColumns(const std::vector<std::string>& keys) const {
    const std::size_t n = entity_.key_columns.size();
    std::vector<std::vector<std::string>> out(n);
    for (const auto& key : keys) {
        auto split = splitKey(key);
        split.resize(n);
        for (std::size_t p = 0; p < n; ++p) {
            out[p].push_back(std::move(split[p]));
        }
    }
    return out;
}

std::unordered_map<std::string, StoredState> BatchWriter::storedState(const std::vector<std::string>& keys) {
    std::unordered_map<std::string, StoredState> out;
    if (keys.empty()) {
        return out;
    }
    // One parameter holding every key as a JSON array: one statement per batch on both backends.
    std::string json = keyPartsAsJson(keys);
    std::vector<std::string> found_keys;
    std::vector<std::string> found_hashes;
    std::vector<Poco::Nullable<std::string>> found_base;
    store_.session() << stored_sql_, use(json), into(found_keys), into(found_hashes), into(found_base), now;
    out.reserve(found_keys.size());
    for (std::size_t i = 0; i < found_keys.size(); ++i) {
        out.emplace(
            std::move(found_keys[i]),
            StoredState{std::move(found_hashes[i]),
                        found_base[i].isNull() ? std::nullopt : std::optional<std::string>(found_base[i].value())});
    }
    return out;
}

std::string BatchWriter::canonical(std::size_t column, const nlohmann::json& value) const {
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    switch (types_[column]) {
        case SqlType::Boolean:
            return text == "true" || text == "1" ? "1" : (text == "false" || text == "0" ? "0" : text);
        case SqlType::Numeric: {
            const auto d = model::Decimal::parse(text);
            return d ? d->toString() : text;
        }
        default:
            break;
    }
    return text;
}

std::unordered_map<std::string, std::vector<std::optional<std::string>>> BatchWriter::currentRows(
    const std::vector<std::string>& keys) {
    std::unordered_map<std::string, std::vector<std::optional<std::string>>> out;
    if (keys.empty()) {
        return out;
    }
    std::string json = keyPartsAsJson(keys);
    std::vector<std::string> rows;
    store_.session() << current_sql_, use(json), into(rows), now;
    std::vector<std::size_t> key_index;
    for (const auto& k : entity_.key_columns) {
        key_index.push_back(
            static_cast<std::size_t>(std::find(columns_.begin(), columns_.end(), k) - columns_.begin()));
    }
    for (const auto& text : rows) {
        const auto array = nlohmann::json::parse(text);
        std::vector<std::optional<std::string>> row;
        row.reserve(array.size());
        for (std::size_t c = 0; c < array.size(); ++c) {
            row.push_back(array[c].is_null() ? std::nullopt : std::optional<std::string>(canonical(c, array[c])));
        }
        std::vector<std::string> key_parts;
        for (const auto i : key_index) {
            key_parts.push_back(i < row.size() && row[i] ? *row[i] : "");
        }
        out.emplace(joinKey(key_parts), std::move(row));
    }
    return out;
}

namespace {

// Turns SQLite's CHECK constraints off on the webstore connection for one batch of the pipeline's upserts.
// Statements prepared with them off skip them until prepared again; SQLite re-prepares every statement of the
// connection after each switch, so nothing prepared outside the scope runs without them. NOT NULL, UNIQUE and
// the keys are still enforced.
class ChecksOff {
  public:
    explicit ChecksOff(Poco::Data::Session& session) : db_(Poco::Data::SQLite::Utility::dbHandle(session)) {
        exec("PRAGMA ignore_check_constraints = 1");
    }
    ~ChecksOff() { sqlite3_exec(db_, "PRAGMA ignore_check_constraints = 0", nullptr, nullptr, nullptr); }
    ChecksOff(const ChecksOff&) = delete;
    ChecksOff& operator=(const ChecksOff&) = delete;

  private:
    void exec(const char* sql) {
        const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
        if (rc != SQLITE_OK) {
            Poco::Data::SQLite::Utility::throwException(db_, rc, sql);
        }
    }
    sqlite3* db_;
};

}  // namespace

void BatchWriter::upsertSqlite(const ChangedRows& changed) {
    // The rows passed the job's validator and PullRun's store form, which demand more than the table's CHECKs
    // (price_rules: five pattern tests per decimal column). Evaluating those again took a fifth of a first full
    // pull (docs/performance.md); StoreFormTest checks that no row the pipeline accepts breaks one.
    ChecksOff checks_off(store_.session());
    if (!sqlite_upsert_) {
        sqlite_upsert_ = std::make_unique<store::SqliteStatement>(store_.session(), upsert_sql_);
    }
    const std::string now = store::Webstore::utcNow();
    const int n = static_cast<int>(columns_.size());
    for (std::size_t r = 0; r < changed.rows.size(); ++r) {
        const auto& row = changed.rows[r];
        for (int c = 0; c < n; ++c) {
            sqlite_upsert_->bind(c + 1, row[static_cast<std::size_t>(c)]);
        }
        sqlite_upsert_->bind(n + 1, now);
        sqlite_upsert_->bind(n + 2, changed.hashes[r]);
        sqlite_upsert_->bind(n + 3, changed.applied[r]);
        sqlite_upsert_->run();
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
    auto hashes = changed.hashes;
    auto bases = nullable(changed.applied);
    auto statement = std::make_unique<Poco::Data::Statement>(store_.session());
    *statement << upsert_sql_;
    for (auto& v : values) {
        *statement, use(v);
    }
    *statement, use(updated_at), use(hashes), use(bases);
    store::executeRepeated(std::move(statement));
}

void BatchWriter::writeState(const ChangedRows& changed) {
    if (changed.keys.empty()) {
        return;
    }
    if (store_.backend() == Backend::SQLite) {
        if (!sqlite_state_) {
            sqlite_state_ = std::make_unique<store::SqliteStatement>(store_.session(), state_sql_);
        }
        const std::size_t parts = entity_.key_columns.size();
        for (std::size_t r = 0; r < changed.keys.size(); ++r) {
            auto key = splitKey(changed.keys[r]);
            key.resize(parts);
            sqlite_state_->bind(1, changed.hashes[r]);
            sqlite_state_->bind(2, changed.applied[r]);
            for (std::size_t p = 0; p < parts; ++p) {
                sqlite_state_->bind(static_cast<int>(p + 3), key[p]);
            }
            sqlite_state_->run();
        }
        return;
    }
    auto hashes = changed.hashes;
    auto bases = nullable(changed.applied);
    auto key_values = keyColumns(changed.keys);
    auto statement = std::make_unique<Poco::Data::Statement>(store_.session());
    *statement << state_sql_, use(hashes), use(bases);
    for (auto& v : key_values) {
        *statement, use(v);
    }
    store::executeRepeated(std::move(statement));
}

void BatchWriter::recordConflicts(std::int64_t run_id, const std::vector<HeldConflict>& conflicts) {
    if (conflicts.empty()) {
        return;
    }
    const std::size_t n = conflicts.size();
    std::vector<Poco::Int64> run(n, run_id);
    std::vector<std::string> entity(n, entity_.entity);
    std::vector<std::string> keys, fields;
    std::vector<Poco::Nullable<std::string>> base, erp, shop;
    auto nullable = [](const std::optional<std::string>& v) {
        return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
    };
    for (const auto& c : conflicts) {
        keys.push_back(c.key);
        fields.push_back(c.field);
        base.push_back(nullable(c.base));
        erp.push_back(nullable(c.erp));
        shop.push_back(nullable(c.store));
    }
    std::vector<std::string> at(n, store::Webstore::utcNow());
    // A field already waiting keeps its base and gets the newest values on both sides.
    auto statement = std::make_unique<Poco::Data::Statement>(store_.session());
    *statement << "INSERT INTO conflicts (run_id, entity, entity_key, field, base_value, erp_value, "
                  "store_value, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', " +
                      typedParam(store_.backend(), 8, SqlType::Timestamp) +
                      ") ON CONFLICT (entity, entity_key, field) WHERE status = 'open' DO UPDATE SET "
                      "run_id = excluded.run_id, erp_value = excluded.erp_value, "
                      "store_value = excluded.store_value",
        use(run), use(entity), use(keys), use(fields), use(base), use(erp), use(shop), use(at);
    store::executeRepeated(std::move(statement));
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
    auto statement = std::make_unique<Poco::Data::Statement>(store_.session());
    *statement << "INSERT INTO rejects (run_id, entity, entity_key, field, reason, raw, created_at) VALUES "
                  "($1, $2, $3, $4, $5, $6, " +
                      typedParam(store_.backend(), 7, SqlType::Timestamp) + ")",
        use(run), use(entity), use(keys), use(fields), use(reasons), use(raws), use(at);
    store::executeRepeated(std::move(statement));
}

std::vector<std::string> BatchWriter::activeKeysAfter(const std::string& after, int limit) {
    const std::string managed = " WHERE sync_hash IS NOT NULL AND sync_hash <> 'deactivated'";
    const std::string order = " ORDER BY " + join(entity_.key_columns, ", ") + " LIMIT " + std::to_string(limit);
    std::vector<std::string> keys;
    Poco::Data::Statement statement(store_.session());
    if (after.empty()) {
        statement << "SELECT " + keyExpression("") + " FROM " + entity_.table + managed + order, into(keys);
    } else {
        // Row values page in the order of the key columns on both backends.
        std::string params;
        for (std::size_t k = 0; k < entity_.key_columns.size(); ++k) {
            params += (k == 0 ? "$" : ", $") + std::to_string(k + 1);
        }
        statement << "SELECT " + keyExpression("") + " FROM " + entity_.table + managed + " AND (" +
                         join(entity_.key_columns, ", ") + ") > (" + params + ")" + order,
            into(keys);
    }
    auto parts = splitKey(after);
    parts.resize(entity_.key_columns.size());
    if (!after.empty()) {
        for (auto& p : parts) {
            statement, use(p);
        }
    }
    statement.execute();
    return keys;
}

std::int64_t BatchWriter::activeCount() {
    Poco::Int64 count = 0;
    store_.session() << "SELECT COUNT(*) FROM " + entity_.table +
                            " WHERE sync_hash IS NOT NULL AND sync_hash <> 'deactivated'",
        into(count), now;
    return count;
}

void BatchWriter::deactivate(const std::vector<std::string>& keys) {
    if (keys.empty()) {
        return;
    }
    const auto b = store_.backend();
    auto key_values = keyColumns(keys);
    std::vector<std::string> at(keys.size(), store::Webstore::utcNow());
    // The hash is forgotten too, so a row that comes back is applied (and reactivated) again.
    auto statement = std::make_unique<Poco::Data::Statement>(store_.session());
    *statement << "UPDATE " + entity_.table + " SET active = " + (b == Backend::SQLite ? "0" : "FALSE") +
                      ", sync_hash = 'deactivated', updated_at = " + typedParam(b, 1, SqlType::Timestamp) + " WHERE " +
                      keysEqual(entity_.key_columns, 2),
        use(at);
    for (auto& v : key_values) {
        *statement, use(v);
    }
    store::executeRepeated(std::move(statement));
}

std::optional<std::string> BatchWriter::watermark() {
    std::string stream = entity_.stream;
    std::vector<std::string> cursor;
    store_.session() << "SELECT cursor FROM sync_cursors WHERE stream = $1", use(stream), into(cursor), now;
    return cursor.empty() ? std::nullopt : std::optional<std::string>(cursor.front());
}

std::optional<std::string> BatchWriter::baseFields() {
    std::string stream = entity_.stream;
    std::vector<Poco::Nullable<std::string>> fields;
    store_.session() << "SELECT base_fields FROM sync_cursors WHERE stream = $1", use(stream), into(fields), now;
    return fields.empty() || fields.front().isNull() ? std::nullopt : std::optional<std::string>(fields.front().value());
}

void BatchWriter::setBaseFields(const std::string& fields) {
    std::string stream = entity_.stream;
    std::string value = fields;
    store_.session() << "UPDATE sync_cursors SET base_fields = $1 WHERE stream = $2", use(value), use(stream), now;
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
