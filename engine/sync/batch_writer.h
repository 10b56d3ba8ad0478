#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "engine/connector/stream_config.h"
#include "engine/store/dialect.h"
#include "engine/store/webstore.h"
#include "engine/sync/entity.h"

namespace syncline::store {
class SqliteStatement;
}

namespace syncline::sync {

/// A row that failed validation, kept for review.
struct Reject {
    std::string key;
    std::string field;
    std::string reason;
    std::string raw;  ///< JSON object text: the source values and the mapped fields
};

/// Rows to upsert, each aligned with the writer's columns, with their keys, content hashes and the
/// base values kept for three-way conflict detection (the row's sync_base, a JSON object or NULL).
struct ChangedRows {
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::vector<std::string> keys;
    std::vector<std::string> hashes;
    std::vector<std::optional<std::string>> applied;
};

/// The sync state a managed row carries (sync_hash, sync_base).
struct StoredState {
    std::string hash;                    ///< the ERP content hash last seen ('deactivated' when deactivated)
    std::optional<std::string> applied;  ///< the base values of fields not owned by the ERP (JSON object)
};

/// A field held for an admin (policy manual).
struct HeldConflict {
    std::string key;
    std::string field;
    std::optional<std::string> base;
    std::optional<std::string> erp;
    std::optional<std::string> store;
};

/// The SQL side of the pull pipeline for one entity: reads stored hashes, and upserts changed
/// rows with their sync state, and rejects. Every write runs inside the caller's transaction.
/// SQL is built once per writer from the entity and the delivered columns; values are always bound.
class BatchWriter {
  public:
    /// `columns`: the stream fields the connector delivers (canonical names = table columns).
    BatchWriter(store::Webstore& store, const EntityTable& entity, std::vector<std::string> columns);
    ~BatchWriter();
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    /// The sync state of each of `keys` whose row a pull manages (sync_hash set).
    std::unordered_map<std::string, StoredState> storedState(const std::vector<std::string>& keys);

    /// The webstore's current row for each of `keys` that exists: one value per writer column, then
    /// `active` and `updated_at`, as canonical text (decimals shortest, flags "1"/"0", ISO UTC times).
    std::unordered_map<std::string, std::vector<std::optional<std::string>>> currentRows(
        const std::vector<std::string>& keys);

    /// Upserts the rows with their sync state.
    void upsert(const ChangedRows& changed);
    /// Only the sync state of these rows (the ERP changed, the webstore keeps what it has).
    void writeState(const ChangedRows& changed);
    void recordConflicts(std::int64_t run_id, const std::vector<HeldConflict>& conflicts);
    const std::vector<std::string>& columns() const { return columns_; }
    void recordRejects(std::int64_t run_id, const std::vector<Reject>& rejects);

    /// Joined keys of this entity's active managed rows, in the order of the key columns, after `after`.
    std::vector<std::string> activeKeysAfter(const std::string& after, int limit);
    std::int64_t activeCount();
    /// Sets active = false on these rows and forgets their hash, so a row that comes back is applied again.
    void deactivate(const std::vector<std::string>& keys);

    /// The stored watermark of the entity's stream, and writing a new one.
    std::optional<std::string> watermark();
    void setWatermark(const std::string& value);
    /// The fields the ERP did not own (ownership store/newest/manual, comma-separated) when the stream's watermark
    /// row was last written; nullopt without a row, or when not recorded yet (a webstore from before schema 6). Set on an existing row only: without one every pull is full.
    std::optional<std::string> baseFields();
    void setBaseFields(const std::string& fields);

    /// Joins key column values with the unit separator (U+001F) into one key (rejects, conflicts, audit).
    static constexpr char kKeySeparator = '\x1f';
    static std::string joinKey(const std::vector<std::string>& parts);
    /// "k1 = $first AND k2 = $first+1 ...": a row picked by its key columns, bound in that order.
    static std::string keysEqual(const std::vector<std::string>& key_columns, int first);
    static std::vector<std::string> splitKey(const std::string& key);
    /// How a stream field's text is bound for its webstore column (PostgreSQL needs the type).
    static store::SqlType sqlTypeOf(connector::FieldType type);

  private:
    /// The keys as a JSON array of their column values: [["A1","W1"], ...].
    std::string keyPartsAsJson(const std::vector<std::string>& keys) const;
    /// The keys split into one vector per key column, for bulk binding.
    std::vector<std::vector<std::string>> keyColumns(const std::vector<std::string>& keys) const;
    /// SQL giving a row's joined key from its key columns (each prefixed with `prefix`).
    std::string keyExpression(const std::string& prefix) const;
    void upsertSqlite(const ChangedRows& changed);
    std::string canonical(std::size_t column, const nlohmann::json& value) const;

    std::unique_ptr<store::SqliteStatement> sqlite_upsert_;
    std::unique_ptr<store::SqliteStatement> sqlite_state_;

    store::Webstore& store_;
    const EntityTable& entity_;
    std::vector<std::string> columns_;
    std::string upsert_sql_;
    std::string state_sql_;
    std::string current_sql_;
    std::string stored_sql_;
    std::vector<store::SqlType> types_;  ///< per column, then active and updated_at
};

}  // namespace syncline::sync
