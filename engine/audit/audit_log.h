#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/audit/row_hash.h"
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

/// A head kept outside the database (`syncline audit head --export`): the hash row `seq` had then. A chain that no
/// longer has that row with that hash was cut or re-written since.
struct Anchor {
    std::int64_t seq = 0;
    std::string hash;  ///< 64 lowercase hex digits

    /// "SEQ:HASH" as exported; nullopt when `text` is not of that form (SEQ >= 1, HASH 64 hex digits).
    static std::optional<Anchor> parse(const std::string& text);
    std::string text() const { return std::to_string(seq) + ":" + hash; }
};

/// The end of the chain as audit_head records it, checked against its row.
struct AuditHead {
    std::int64_t seq = 0;  ///< 0: the log is empty
    std::string hash;
    std::string at;                     ///< the row's time (empty for an empty log)
    std::optional<std::string> key_id;  ///< the key the row is keyed with
};

/// What verify() found. ok: every row checked and holds. Otherwise either broken_at (tampering: the row named does
/// not hold, or rows are missing) or unverified_from (the rows from there on hold together but their content could
/// not be checked: they are keyed and this process lacks that key, or a key is configured and no row uses it yet).
struct VerifyResult {
    bool ok = false;
    std::int64_t rows = 0;                        ///< rows checked
    std::int64_t keyed_rows = 0;                  ///< of those, rows whose keyed hash was checked with the key
    std::optional<std::int64_t> broken_at;        ///< the first sequence number that does not hold
    std::optional<std::int64_t> unverified_from;  ///< the first row whose content could not be checked
    std::string why;                              ///< what is wrong there
    std::string head_hash;                        ///< the last row's hash when ok
};

/// Thrown by an append that would weaken a keyed chain: the chain is keyed and this process has no key, or another
/// one. Nothing was written; the message names the key ids and the config keys, never the secret.
class AuditKeyMismatch : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
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
/// When the store carries an audit key (Webstore::auditKey), rows are keyed with it. Once a row is keyed, every later
/// row must be keyed with the same key: an append without it throws AuditKeyMismatch rather than weaken the chain.
class AuditLog {
  public:
    /// Uses the store's audit key, if any. Throws std::invalid_argument when that key is too short.
    explicit AuditLog(store::Webstore& store);
    ~AuditLog();
    AuditLog(const AuditLog&) = delete;
    AuditLog& operator=(const AuditLog&) = delete;

    void append(const std::vector<AuditEntry>& entries);
    void append(const AuditEntry& entry) { append(std::vector<AuditEntry>{entry}); }

    /// Throws AuditKeyMismatch when an append would: the chain is keyed and this process has no key or another
    /// one. For a daemon's start, so that the admin hears of it before a job fails.
    void checkAppendable();

    /// append() in two steps, for a bulk writer: startAppend() takes the chain's head in the caller's transaction
    /// and computes the rows' hashes on a helper thread (for 64 entries or more) while the caller goes on with its
    /// own writes; finishAppend() writes the rows and the new head. Both in the same transaction, with no other
    /// append in between. A start without a finish (the transaction failed) is dropped by the next start.
    void startAppend(std::vector<AuditEntry> entries);
    void finishAppend();

    /// Walks the whole chain in sequence order: numbering without gaps from 1, each prev_hash the
    /// previous row_hash, each row_hash recomputed (keyed rows with the key), no unkeyed row after a keyed one, the
    /// last row equal to audit_head, each anchor's row with the anchor's hash, and a log that is not empty while
    /// job_runs shows runs that changed something. Reads only; takes time in proportion to the log.
    VerifyResult verify(const std::vector<Anchor>& anchors = {});

    /// The head as audit_head records it. Throws std::runtime_error when audit_head is missing or does not match
    /// its row (run verify() to find out more).
    AuditHead head();

    std::vector<AuditRow> query(const AuditFilter& filter);

  private:
    struct Pending;  // a started append (audit_log.cpp)

    /// Throws AuditKeyMismatch when appending with this process's key (or none) would weaken the chain whose head
    /// is keyed with `head_key` (empty: not keyed).
    void checkKey(const std::string& head_key, std::int64_t head_seq) const;

    store::Webstore& store_;
    std::optional<AuditKey> key_;
    std::unique_ptr<Pending> pending_;
    // On SQLite the statements of append() are prepared once per AuditLog: keep one AuditLog for many appends.
    std::unique_ptr<store::SqliteStatement> sqlite_head_;
    std::unique_ptr<store::SqliteStatement> sqlite_insert_;
    std::unique_ptr<store::SqliteStatement> sqlite_head_update_;
};

}  // namespace syncline::audit
