#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/audit/audit_log.h"
#include "engine/conflict/ownership.h"
#include "engine/connector/connector.h"
#include "engine/connector/stream_config.h"
#include "engine/model/validation.h"
#include "engine/store/webstore.h"
#include "engine/sync/batch_writer.h"
#include "engine/sync/entity.h"
#include "engine/sync/key_set.h"
#include "engine/sync/pull_pipeline.h"

namespace syncline::sync {

/// The per-run state of one pull, PullPipeline::run's worker: prepare() on the read-ahead thread, apply() and the
/// rest on the job's thread (engine/sync/pull_pipeline.cpp). Not part of the module's face.
class PullRun {
  public:
    PullRun(store::Webstore& store, const EntityTable& entity, const PullOptions& options,
            const std::vector<std::string>& fields, std::chrono::system_clock::time_point cap);

    BatchWriter& writer() { return writer_; }
    PullProgress counts;
    /// The cursor of the last batch applied that carried one (connector::RecordBatch::cursor).
    std::optional<std::string> cursor;
    /// The first row whose cursor value lies beyond the cap (now plus the tolerance): key, value.
    std::optional<std::pair<std::string, std::string>> first_future;

    /// What prepare() found in one batch, for apply().
    struct Prepared {
        std::int64_t read = 0;
        std::vector<Reject> rejects;
        std::vector<std::string> keys;                  ///< the valid rows' keys
        std::vector<std::string> hashes;                ///< their content hashes
        std::vector<std::size_t> rows;                  ///< their rows in the batch
        std::vector<std::size_t> order;                 ///< indexes into keys, in key order
        std::vector<std::string> insert_changes;        ///< per key, the audit changes of an insert (first loads only)
        std::vector<std::optional<std::string>> bases;  ///< per key, the base of an insert (first loads only)
        std::int64_t future = 0;                        ///< rows whose cursor value lies beyond the cap
        std::optional<std::pair<std::string, std::string>> first_future;
    };

    /// The work on a batch that needs no webstore: storage defaults, validation, store form, keys and hashes,
    /// and on a first load the audit changes of the inserts. Runs on the read-ahead thread, one batch after
    /// another, so the job's thread is left with the webstore; apply() takes the results in the same order.
    void prepare(connector::RecordBatch& batch);

    /// Writes a batch prepare() has seen: one transaction with its rows and their sync state, conflicts, rejects and
    /// audit rows. Batches come in the order they were prepared.
    void apply(std::int64_t run_id, connector::RecordBatch& batch);

    /// The audit rows of deactivated keys.
    std::vector<audit::AuditEntry> deactivationAudit(std::int64_t run_id, const std::vector<std::string>& keys) const;

    audit::AuditLog& audit() { return audit_; }

    /// A first load: prepare() writes the audit changes of every row as an insert, which nearly all will be.
    void firstLoad() { first_load_ = true; }

    /// Remembers every key the run sees, to reject a key's second row and, for a full pull, to deactivate the keys
    /// it did not see at its end. A first load that commits does without: its table was empty at the start, so
    /// a key apply() finds stored came from an earlier batch of the same run. `expected`: the keys there will be.
    void trackKeys(std::int64_t expected);

    // Active keys of this entity that the full pull did not see. Called after the last batch was applied.
    std::vector<std::string> missingKeys();

  private:
    // Whether a stored base misses a field the ERP does not own now. Base JSON escapes every quote inside a value,
    // so `"field":` only matches a key.
    bool lacksABase(const std::optional<std::string>& base) const;

    static constexpr const char* kRepeatedKey =
        "the ERP returned this key more than once in one run; its first row is used, this one is not";

    // A rejected row whose key is whole and not itself in error still counts as seen: a full pull keeps the record
    // with its last good values instead of deactivating it (an e-mail typo must not take a customer out of the
    // shop), and a later row with the same key is a repeat.
    void noteRejectedKey(const std::string& key, const std::vector<std::optional<std::string>>& row,
                         const std::vector<std::string>& bad_fields);

    // Why an ERP row must not replace the stored one: its change time is before the stored row's. A stored time
    // beyond the cap is not trusted (a future-dated row applied before must not block every later change).
    std::optional<std::string> olderThanStored(const std::vector<std::optional<std::string>>& erp,
                                               const std::vector<std::optional<std::string>>& cur) const;

    std::string rawJsonOf(const connector::RecordBatch& batch, std::size_t r) const;

    struct Merged {
        std::vector<std::optional<std::string>> row;
        std::optional<std::string> base;
    };

    // Three-way merge of one ERP row with the webstore's current row (`cur`: the writer's columns, then
    // active and updated_at) against the base values of the fields the ERP does not own.
    Merged merge(const std::string& key, const std::vector<std::optional<std::string>>& erp,
                 const std::vector<std::optional<std::string>>& cur, const std::optional<std::string>& applied,
                 audit::ChangeSet& changes, std::vector<HeldConflict>& held) const;

    // The base values to keep for a row as the ERP delivered it (the fields not owned by the ERP).
    std::optional<std::string> baseOf(const std::vector<std::optional<std::string>>& row) const;

    static std::string baseJson(const std::map<std::string, std::optional<std::string>>& base);

    std::string insertChanges(const std::vector<std::optional<std::string>>& row) const;

    // Puts decimals and flags in the one form the webstore's CHECKs accept ("12.5", "1"/"0"), whatever form the
    // connector delivered them in; a value that has none becomes an error. BatchWriter skips those CHECKs on
    // SQLite, so this and the job's validator are what keep the tables valid (tests: StoreFormTest).
    void storeForm(std::vector<std::optional<std::string>>& row, std::vector<model::FieldError>& errors) const;

    // The key columns joined as BatchWriter::joinKey does, without building the parts first.
    std::string keyOf(const std::vector<std::optional<std::string>>& row) const;

    // The content hash covers every delivered field but erp_modified, so a row whose ModifiedDate
    // moved without a real change costs nothing.
    std::string contentHash(const std::vector<std::optional<std::string>>& row) const;

    store::Webstore& store_;
    const EntityTable& entity_;
    const PullOptions& options_;
    const std::vector<std::string>& fields_;
    BatchWriter writer_;
    std::vector<std::size_t> key_index_;
    KeySet seen_;                              ///< used by prepare() on the read-ahead thread, then by missingKeys()
    bool track_keys_ = false;                  ///< set before reading starts, then only read
    std::optional<std::string> modified_cap_;  ///< a stored erp_modified beyond this is not trusted
    bool first_load_ = false;                  ///< set before reading starts, then only read
    std::optional<std::string> max_written_;   ///< the largest key a batch of this run wrote
    std::mutex prepared_mutex_;
    std::deque<Prepared> prepared_;  ///< from the read-ahead thread to the job's, oldest first
    std::vector<std::optional<std::string>> null_as_;
    std::vector<connector::FieldType> types_;  ///< per field, as the stream defines it
    std::vector<conflict::Policy> policies_;   ///< per field
    bool any_non_erp_ = false;
    std::vector<std::string> base_keys_;  ///< `"field":` of every field the ERP does not own
    std::size_t active_index_;            ///< fields_.size() when the stream does not map it
    std::size_t modified_index_;          ///< the ERP change time (erp_modified), or fields_.size()
    audit::AuditLog audit_;
};

}  // namespace syncline::sync
