#pragma once

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/store/webstore.h"

namespace syncline::store {
class SqliteStatement;
}

namespace syncline::audit {

/// One change to record: who, what, and the changed fields (a JSON object, see ChangeSet).
struct AuditEntry {
    std::string actor;   ///< "run:42" for a job run, "user:alice" for an admin
    std::string entity;  ///< "product", "conflict", "job"
    std::string key;     ///< the record's key (composite keys joined with U+001F)
    std::string action;  ///< insert, update, deactivate, resolve_conflict, run
    std::string changes = "{}";
};

/// A stored audit row.
struct AuditRow {
    std::int64_t seq = 0;
    std::string at;  ///< ISO-8601 UTC
    std::string actor;
    std::string entity;
    std::string key;
    std::string action;
    std::string changes;
    std::string prev_hash;
    std::string row_hash;
};

/// Builds the `changes` JSON of one entry: {"field": {"from": ..., "to": ...}, ...}; null for NULL. An insert
/// lists its non-NULL fields as {"field": {"to": ...}}.
/// Written by hand (not nlohmann) because a full pull writes one per applied row.
class ChangeSet {
  public:
    void add(const std::string& field, const std::optional<std::string>& from, const std::optional<std::string>& to);
    /// A field of an inserted record: {"to": value}; there is no "from".
    void addInserted(const std::string& field, const std::string& to);
    /// A field whose value both sides changed: the base, both values, the policy and what was kept.
    void addConflict(const std::string& field, const std::optional<std::string>& base,
                     const std::optional<std::string>& erp, const std::optional<std::string>& store,
                     const std::optional<std::string>& from, const std::optional<std::string>& to,
                     const std::string& policy, const std::string& outcome);
    bool empty() const { return count_ == 0; }
    std::string json() const { return body_ + "}"; }

  private:
    void field(const std::string& name);
    std::string body_ = "{";
    int count_ = 0;
};

/// Appends `text` as a JSON string literal (with quotes; invalid UTF-8 bytes become U+FFFD).
void appendJsonString(std::string& out, const std::string& text);

/// The hash of a row: BLAKE2b-256 (libsodium crypto_generichash, hex) over its fields and the previous
/// row's hash, each length-prefixed.
std::string rowHash(const std::string& prev_hash, std::int64_t seq, const std::string& at, const std::string& actor,
                    const std::string& entity, const std::string& key, const std::string& action,
                    const std::string& changes);

/// The prev_hash of the first row.
extern const std::string kGenesisHash;

struct VerifyResult {
    bool ok = false;
    std::int64_t rows = 0;                  ///< rows checked
    std::optional<std::int64_t> broken_at;  ///< the first sequence number that does not hold
    std::string why;                        ///< what is wrong there
    std::string head_hash;                  ///< the last row's hash when ok
};

struct AuditFilter {
    std::optional<std::string> entity;
    std::optional<std::string> key;
    std::optional<std::string> actor;
    std::optional<std::string> since;  ///< ISO-8601 UTC (or a prefix: "2026-11-27")
    int limit = 100;                   ///< newest first
};

/// The append-only, hash-chained audit log (`audit_log` + `audit_head`).
/// append() runs inside the caller's write transaction, so a change and its audit rows commit or
/// vanish together. Appenders are serialized by the transaction (SQLite's write lock, a PostgreSQL
/// advisory lock held until commit), so the chain never forks.
class AuditLog {
  public:
    explicit AuditLog(store::Webstore& store);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    void append(const std::vector<AuditEntry>& entries);
    void append(const AuditEntry& entry) { append(std::vector<AuditEntry>{entry}); }

    /// append() in two steps, for a bulk writer: startAppend() takes the chain's head in the caller's transaction
    /// and computes the rows' hashes on a helper thread (for 64 entries or more) while the caller goes on with its
    /// own writes; finishAppend() writes the rows and the new head. Both in the same transaction, with no other
    /// append in between. A start without a finish (the transaction failed) is dropped by the next start.
    void startAppend(std::vector<AuditEntry> entries);
    void finishAppend();

    /// Walks the whole chain in sequence order: numbering without gaps from 1, each prev_hash the
    /// previous row_hash, each row_hash recomputed, and the last row equal to audit_head.
    VerifyResult verify();

    std::vector<AuditRow> query(const AuditFilter& filter);

  private:
    struct Pending {
        std::vector<AuditEntry> entries;
        std::int64_t first_seq = 0;  ///< the sequence number of entries[0]
        std::string prev;            ///< the prev_hash of entries[0]
        std::string at;
        std::future<std::vector<std::string>> hashes;  ///< row_hash of each entry
    };

    store::Webstore& store_;
    std::optional<Pending> pending_;
    // On SQLite the statements of append() are prepared once per AuditLog: keep one AuditLog for many appends.
    std::unique_ptr<store::SqliteStatement> sqlite_head_;
    std::unique_ptr<store::SqliteStatement> sqlite_insert_;
    std::unique_ptr<store::SqliteStatement> sqlite_head_update_;
};

}  // namespace syncline::audit
