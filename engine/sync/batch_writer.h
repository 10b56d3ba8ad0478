#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/store/webstore.h"
#include "engine/sync/entity.h"

namespace syncline::sync {

/// A row that failed validation, kept for review.
struct Reject {
    std::string key;
    std::string field;
    std::string reason;
    std::string raw;  ///< JSON object text: the source values and the mapped fields
};

/// Rows to upsert, each aligned with the writer's columns, with their keys and content hashes.
struct ChangedRows {
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::vector<std::string> keys;
    std::vector<std::string> hashes;
};

/// The SQL side of the pull pipeline for one entity: reads stored hashes, and upserts changed
/// rows, their sync_state rows and rejects. Every write runs inside the caller's transaction.
/// SQL is built once per writer from the entity and the delivered columns; values are always bound.
class BatchWriter {
  public:
    /// `columns`: the stream fields the connector delivers (canonical names = table columns).
    BatchWriter(store::Webstore& store, const EntityTable& entity, std::vector<std::string> columns);
    ~BatchWriter();
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    /// sync_state.erp_hash of each of `keys` that has one.
    std::unordered_map<std::string, std::string> storedHashes(const std::vector<std::string>& keys);

    void upsert(const ChangedRows& changed);
    void recordRejects(std::int64_t run_id, const std::vector<Reject>& rejects);

    /// Keys (sync_state.entity_key) of this entity's active managed rows, in key order, after `after`.
    std::vector<std::string> activeKeysAfter(const std::string& after, int limit);
    std::int64_t activeCount();
    /// Sets active = false on these rows and forgets their hash, so a row that comes back is applied again.
    void deactivate(const std::vector<std::string>& keys);

    /// The stored watermark of the entity's stream, and writing a new one.
    std::optional<std::string> watermark();
    void setWatermark(const std::string& value);

    /// Joins key column values with the unit separator (U+001F) into one sync_state key.
    static std::string joinKey(const std::vector<std::string>& parts);

  private:
    std::string keysAsJson(const std::vector<std::string>& keys) const;
    void upsertSqlite(const ChangedRows& changed);

    class SqliteStatement;
    std::unique_ptr<SqliteStatement> sqlite_upsert_;
    std::unique_ptr<SqliteStatement> sqlite_state_;

    store::Webstore& store_;
    const EntityTable& entity_;
    std::vector<std::string> columns_;
    std::string upsert_sql_;
    std::string state_sql_;
};

}  // namespace syncline::sync
