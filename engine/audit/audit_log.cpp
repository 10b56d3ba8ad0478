#include "engine/audit/audit_log.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <future>
#include <stdexcept>

#include "engine/model/utf8.h"
#include "engine/store/dialect.h"
#include "engine/store/sqlite_statement.h"

namespace syncline::audit {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::Backend;

namespace {

// Taken by every appender on PostgreSQL until its transaction ends ("audit" in ASCII).
constexpr Poco::Int64 kAuditLockKey = 0x6175646974LL;

void appendValue(std::string& out, const std::optional<std::string>& value) {
    if (value) {
        appendJsonString(out, *value);
    } else {
        out += "null";
    }
}

}  // namespace

void appendJsonString(std::string& out, const std::string& text) {
    static const char* hex = "0123456789abcdef";
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        // A run of printable ASCII that needs no escape is copied at once.
        std::size_t plain = i;
        while (plain < text.size()) {
            const auto p = static_cast<unsigned char>(text[plain]);
            if (p < 0x20 || p >= 0x80 || p == '"' || p == '\\') {
                break;
            }
            ++plain;
        }
        if (plain > i) {
            out.append(text, i, plain - i);
            i = plain;
            continue;
        }
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20) {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xF];
            } else {
                out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        std::uint32_t code = 0;
        const std::size_t n = model::decodeUtf8(text, i, code);
        if (n == 0) {
            out += "\\ufffd";
            ++i;
        } else {
            out.append(text, i, n);
            i += n;
        }
    }
    out += '"';
}

void ChangeSet::field(const std::string& name) {
    if (count_++ > 0) {
        body_ += ',';
    }
    appendJsonString(body_, name);
    body_ += ':';
}

void ChangeSet::add(const std::string& name, const std::optional<std::string>& from,
                    const std::optional<std::string>& to) {
    field(name);
    body_ += "{\"from\":";
    appendValue(body_, from);
    body_ += ",\"to\":";
    appendValue(body_, to);
    body_ += '}';
}

void ChangeSet::addInserted(const std::string& name, const std::string& to) {
    field(name);
    body_ += "{\"to\":";
    appendJsonString(body_, to);
    body_ += '}';
}

void ChangeSet::addConflict(const std::string& name, const std::optional<std::string>& base,
                            const std::optional<std::string>& erp, const std::optional<std::string>& store,
                            const std::optional<std::string>& from, const std::optional<std::string>& to,
                            const std::string& policy, const std::string& outcome) {
    field(name);
    body_ += "{\"from\":";
    appendValue(body_, from);
    body_ += ",\"to\":";
    appendValue(body_, to);
    body_ += ",\"conflict\":{\"base\":";
    appendValue(body_, base);
    body_ += ",\"erp\":";
    appendValue(body_, erp);
    body_ += ",\"store\":";
    appendValue(body_, store);
    body_ += ",\"policy\":";
    appendJsonString(body_, policy);
    body_ += ",\"outcome\":";
    appendJsonString(body_, outcome);
    body_ += "}}";
}

struct AuditLog::Pending {
    std::vector<AuditEntry> entries;
    std::int64_t first_seq = 0;  ///< the sequence number of entries[0]
    std::string prev;            ///< the prev_hash of entries[0]
    std::string at;
    std::future<std::vector<std::string>> hashes;  ///< row_hash of each entry
};

AuditLog::AuditLog(store::Webstore& store) : store_(store) {
    if (!store.auditKey().empty()) {
        key_.emplace(store.auditKey());
    }
}
AuditLog::~AuditLog() = default;

void AuditLog::append(const std::vector<AuditEntry>& entries) {
    startAppend(entries);
    finishAppend();
}

void AuditLog::checkKey(const std::string& head_key, std::int64_t head_seq) const {
    if (head_key.empty()) {
        return;  // an unkeyed chain: it goes on keyed from here when this process has a key
    }
    if (!key_) {
        throw AuditKeyMismatch("the audit log is keyed (key " + head_key + ", up to row " + std::to_string(head_seq) +
                               ") and this process has no audit key: set audit.hmac_key_file or audit.hmac_key_env "
                               "to that key. Nothing was written.");
    }
    if (key_->id() != head_key) {
        throw AuditKeyMismatch("the audit log is keyed with key " + head_key + " (up to row " +
                               std::to_string(head_seq) + "), but audit.hmac_key is key " + key_->id() +
                               ": configure the key the log was started with. Nothing was written.");
    }
}

void AuditLog::checkAppendable() {
    std::vector<Poco::Int64> seq;
    std::vector<std::string> key;
    store_.session() << "SELECT seq, COALESCE(key_id, '') FROM audit_head WHERE id = 1", into(seq), into(key), now;
    if (!seq.empty()) {
        checkKey(key.front(), seq.front());
    }
}

void AuditLog::startAppend(std::vector<AuditEntry> entries) {
    pending_.reset();  // waits for a helper left by a start whose transaction failed
    if (entries.empty()) {
        return;
    }
    auto& session = store_.session();
    const auto b = store_.backend();
    if (b == Backend::PostgreSQL) {
        Poco::Int64 key = kAuditLockKey;
        session << "SELECT pg_advisory_xact_lock($1)", use(key), now;
    }
    const std::string head_sql = "SELECT seq, row_hash, COALESCE(key_id, '') FROM audit_head WHERE id = 1";
    std::int64_t seq = 0;
    std::string prev = kGenesisHash;
    std::string head_key;
    if (b == Backend::SQLite) {
        if (!sqlite_head_) {
            sqlite_head_ = std::make_unique<store::SqliteStatement>(session, head_sql);
        }
        store::SqliteReset reset(*sqlite_head_);
        if (sqlite_head_->step()) {
            seq = sqlite_head_->integer(0);
            prev = std::string(sqlite_head_->text(1));
            head_key = std::string(sqlite_head_->text(2));
        }
    } else {
        std::vector<Poco::Int64> head_seq;
        std::vector<std::string> head_hash, head_keys;
        session << head_sql, into(head_seq), into(head_hash), into(head_keys), now;
        if (!head_seq.empty()) {
            seq = head_seq.front();
            prev = head_hash.front();
            head_key = head_keys.front();
        }
    }
    checkKey(head_key, seq);
    // Built in place: the helper reads the entries where they stay until finishAppend() is done with them.
    pending_ = std::make_unique<Pending>();
    Pending& p = *pending_;
    p.entries = std::move(entries);
    p.first_seq = seq + 1;
    p.prev = std::move(prev);
    p.at = store::Webstore::utcNow();
    // The chain is serial, but needs nothing from the webstore after the head: a large batch is hashed beside the
    // caller's own writes.
    const auto policy = p.entries.size() >= 64 ? std::launch::async : std::launch::deferred;
    const AuditKey* key = key_ ? &*key_ : nullptr;
    p.hashes = std::async(policy, [&p, key] {
        std::vector<std::string> out;
        out.reserve(p.entries.size());
        const std::string* last = &p.prev;
        std::int64_t n = p.first_seq;
        for (const auto& e : p.entries) {
            out.push_back(key ? key->rowHash(*last, n, p.at, e.actor, e.entity, e.key, e.action, e.changes)
                              : rowHash(*last, n, p.at, e.actor, e.entity, e.key, e.action, e.changes));
            ++n;
            last = &out.back();
        }
        return out;
    });
}

void AuditLog::finishAppend() {
    if (!pending_) {
        return;
    }
    struct Done {
        std::unique_ptr<Pending>& pending;
        ~Done() { pending.reset(); }
    } done{pending_};
    Pending& p = *pending_;
    const std::vector<std::string> hashes = p.hashes.get();
    auto& session = store_.session();
    const auto b = store_.backend();
    // '' stands for NULL: one statement for keyed and unkeyed rows.
    std::string key_id = key_ ? key_->id() : std::string();
    const std::string head_update_sql =
        "INSERT INTO audit_head (id, seq, row_hash, key_id) VALUES (1, $1, $2, NULLIF($3, '')) ON CONFLICT (id) DO "
        "UPDATE SET seq = excluded.seq, row_hash = excluded.row_hash, key_id = excluded.key_id";
    const std::string insert =
        "INSERT INTO audit_log (seq, at, actor, entity, entity_key, action, changes, "
        "prev_hash, row_hash, key_id) VALUES ($1, " +
        store::typedParam(b, 2, store::SqlType::Timestamp) + ", $3, $4, $5, $6, $7, $8, $9, NULLIF($10, ''))";
    const std::size_t n = p.entries.size();
    const std::int64_t last_seq = p.first_seq + static_cast<std::int64_t>(n) - 1;
    if (b == Backend::SQLite) {
        if (!sqlite_insert_) {
            sqlite_insert_ = std::make_unique<store::SqliteStatement>(session, insert);
        }
        for (std::size_t i = 0; i < n; ++i) {
            const auto& e = p.entries[i];
            sqlite_insert_->bind(1, p.first_seq + static_cast<std::int64_t>(i));
            sqlite_insert_->bind(2, p.at);
            sqlite_insert_->bind(3, e.actor);
            sqlite_insert_->bind(4, e.entity);
            sqlite_insert_->bind(5, e.key);
            sqlite_insert_->bind(6, e.action);
            sqlite_insert_->bind(7, e.changes);
            sqlite_insert_->bind(8, i == 0 ? p.prev : hashes[i - 1]);
            sqlite_insert_->bind(9, hashes[i]);
            sqlite_insert_->bind(10, key_id);
            sqlite_insert_->run();
        }
        if (!sqlite_head_update_) {
            sqlite_head_update_ = std::make_unique<store::SqliteStatement>(session, head_update_sql);
        }
        sqlite_head_update_->bind(1, last_seq);
        sqlite_head_update_->bind(2, hashes.back());
        sqlite_head_update_->bind(3, key_id);
        sqlite_head_update_->run();
        return;
    }
    std::vector<Poco::Int64> seqs;
    std::vector<std::string> ats(n, p.at), actors, entities, keys, actions, changes, prevs, key_ids(n, key_id);
    for (std::size_t i = 0; i < n; ++i) {
        auto& e = p.entries[i];
        seqs.push_back(p.first_seq + static_cast<Poco::Int64>(i));
        actors.push_back(std::move(e.actor));
        entities.push_back(std::move(e.entity));
        keys.push_back(std::move(e.key));
        actions.push_back(std::move(e.action));
        changes.push_back(std::move(e.changes));
        prevs.push_back(i == 0 ? p.prev : hashes[i - 1]);
    }
    auto row_hashes = hashes;
    auto statement = std::make_unique<Poco::Data::Statement>(session);
    *statement << insert, use(seqs), use(ats), use(actors), use(entities), use(keys), use(actions), use(changes),
        use(prevs), use(row_hashes), use(key_ids);
    store::executeRepeated(std::move(statement));
    Poco::Int64 last = last_seq;
    std::string head = hashes.back();
    session << head_update_sql, use(last), use(head), use(key_id), now;
}

std::vector<AuditRow> AuditLog::query(const AuditFilter& filter) {
    const auto b = store_.backend();
    std::string where;
    std::vector<std::string> values;
    auto add = [&](const std::string& column, const std::optional<std::string>& value, const std::string& op,
                   store::SqlType type) {
        if (value) {
            values.push_back(*value);
            where += (where.empty() ? " WHERE " : " AND ") + column + " " + op + " " +
                     store::typedParam(b, static_cast<int>(values.size()), type);
        }
    };
    add("entity", filter.entity, "=", store::SqlType::Text);
    add("entity_key", filter.key, "=", store::SqlType::Text);
    add("actor", filter.actor, "=", store::SqlType::Text);
    add("at", filter.since, ">=", store::SqlType::Timestamp);
    Poco::Int64 limit = filter.limit;
    std::vector<Poco::Int64> seqs;
    std::vector<std::string> ats, actors, entities, keys, actions, changes, prevs, hashes;
    Poco::Data::Statement statement(store_.session());
    statement << "SELECT seq, " + store::isoTimeColumn(b, "at") +
                     ", actor, entity, entity_key, action, changes, prev_hash, row_hash FROM audit_log" + where +
                     " ORDER BY seq DESC LIMIT $" + std::to_string(values.size() + 1);
    for (auto& v : values) {
        statement, use(v);
    }
    statement, use(limit), into(seqs), into(ats), into(actors), into(entities), into(keys), into(actions),
        into(changes), into(prevs), into(hashes);
    statement.execute();
    std::vector<AuditRow> rows;
    for (std::size_t i = 0; i < seqs.size(); ++i) {
        rows.push_back(
            AuditRow{seqs[i], ats[i], actors[i], entities[i], keys[i], actions[i], changes[i], prevs[i], hashes[i]});
    }
    return rows;
}

}  // namespace syncline::audit
