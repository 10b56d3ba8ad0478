#include "engine/audit/audit_log.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <sodium.h>

#include <stdexcept>

#include "engine/store/dialect.h"
#include "engine/store/sqlite_statement.h"

namespace syncline::audit {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::Backend;

const std::string kGenesisHash(64, '0');

namespace {

// Taken by every appender on PostgreSQL until its transaction ends ("audit" in ASCII).
constexpr Poco::Int64 kAuditLockKey = 0x6175646974LL;

// The length of the valid UTF-8 sequence starting at text[i], or 0.
std::size_t utf8Length(const std::string& text, std::size_t i) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    unsigned min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > text.size()) {
        return 0;
    }
    unsigned code = c & (0xFF >> (n + 1));
    for (std::size_t k = 1; k < n; ++k) {
        const auto d = static_cast<unsigned char>(text[i + k]);
        if ((d & 0xC0) != 0x80) {
            return 0;
        }
        code = (code << 6) | (d & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        return 0;
    }
    return n;
}

void appendValue(std::string& out, const std::optional<std::string>& value) {
    if (value) {
        appendJsonString(out, *value);
    } else {
        out += "null";
    }
}

void hashField(crypto_generichash_state& state, const std::string& field) {
    const std::string length = std::to_string(field.size()) + ":";
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(length.data()), length.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
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
        const std::size_t n = utf8Length(text, i);
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

std::string rowHash(const std::string& prev_hash, std::int64_t seq, const std::string& at, const std::string& actor,
                    const std::string& entity, const std::string& key, const std::string& action,
                    const std::string& changes) {
    static const bool ready = sodium_init() >= 0;
    if (!ready) {
        throw std::runtime_error("libsodium failed to initialize");
    }
    constexpr std::size_t kBytes = 32;
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, kBytes);
    for (const std::string* f : {&prev_hash, &at, &actor, &entity, &key, &action, &changes}) {
        hashField(state, *f);
    }
    hashField(state, std::to_string(seq));
    unsigned char digest[kBytes];
    crypto_generichash_final(&state, digest, kBytes);
    char hex[kBytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

AuditLog::AuditLog(store::Webstore& store) : store_(store) {}
AuditLog::~AuditLog() = default;

void AuditLog::append(const std::vector<AuditEntry>& entries) {
    startAppend(entries);
    finishAppend();
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
    const std::string head_sql = "SELECT seq, row_hash FROM audit_head WHERE id = 1";
    std::int64_t seq = 0;
    std::string prev = kGenesisHash;
    if (b == Backend::SQLite) {
        if (!sqlite_head_) {
            sqlite_head_ = std::make_unique<store::SqliteStatement>(session, head_sql);
        }
        store::SqliteReset reset(*sqlite_head_);
        if (sqlite_head_->step()) {
            seq = sqlite_head_->integer(0);
            prev = std::string(sqlite_head_->text(1));
        }
    } else {
        std::vector<Poco::Int64> head_seq;
        std::vector<std::string> head_hash;
        session << head_sql, into(head_seq), into(head_hash), now;
        if (!head_seq.empty()) {
            seq = head_seq.front();
            prev = head_hash.front();
        }
    }
    // Built in place: the helper reads the entries where they stay until finishAppend() is done with them.
    Pending& p = pending_.emplace();
    p.entries = std::move(entries);
    p.first_seq = seq + 1;
    p.prev = std::move(prev);
    p.at = store::Webstore::utcNow();
    // The chain is serial, but needs nothing from the webstore after the head: a large batch is hashed beside the
    // caller's own writes.
    const auto policy = p.entries.size() >= 64 ? std::launch::async : std::launch::deferred;
    p.hashes = std::async(policy, [&p] {
        std::vector<std::string> out;
        out.reserve(p.entries.size());
        const std::string* last = &p.prev;
        std::int64_t n = p.first_seq;
        for (const auto& e : p.entries) {
            out.push_back(rowHash(*last, n++, p.at, e.actor, e.entity, e.key, e.action, e.changes));
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
        std::optional<Pending>& pending;
        ~Done() { pending.reset(); }
    } done{pending_};
    Pending& p = *pending_;
    const std::vector<std::string> hashes = p.hashes.get();
    auto& session = store_.session();
    const auto b = store_.backend();
    const std::string head_update_sql =
        "INSERT INTO audit_head (id, seq, row_hash) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET "
        "seq = excluded.seq, row_hash = excluded.row_hash";
    const std::string insert =
        "INSERT INTO audit_log (seq, at, actor, entity, entity_key, action, changes, "
        "prev_hash, row_hash) VALUES ($1, " +
        store::typedParam(b, 2, store::SqlType::Timestamp) + ", $3, $4, $5, $6, $7, $8, $9)";
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
            sqlite_insert_->run();
        }
        if (!sqlite_head_update_) {
            sqlite_head_update_ = std::make_unique<store::SqliteStatement>(session, head_update_sql);
        }
        sqlite_head_update_->bind(1, last_seq);
        sqlite_head_update_->bind(2, hashes.back());
        sqlite_head_update_->run();
        return;
    }
    std::vector<Poco::Int64> seqs;
    std::vector<std::string> ats(n, p.at), actors, entities, keys, actions, changes, prevs;
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
        use(prevs), use(row_hashes);
    store::executeRepeated(std::move(statement));
    Poco::Int64 last = last_seq;
    std::string head = hashes.back();
    session << head_update_sql, use(last), use(head), now;
}

VerifyResult AuditLog::verify() {
    VerifyResult result;
    auto& session = store_.session();
    const std::string at_column = store::isoTimeColumn(store_.backend(), "at");
    std::int64_t expected = 1;
    std::string prev = kGenesisHash;
    auto broken = [&](std::int64_t seq, std::string why) {
        result.ok = false;
        result.broken_at = seq;
        result.why = std::move(why);
        return result;
    };
    for (;;) {
        Poco::Int64 after = expected - 1;
        int page = 5000;
        std::vector<Poco::Int64> seqs;
        std::vector<std::string> ats, actors, entities, keys, actions, changes, prevs, hashes;
        session << "SELECT seq, " + at_column +
                       ", actor, entity, entity_key, action, changes, prev_hash, row_hash FROM audit_log "
                       "WHERE seq > $1 ORDER BY seq LIMIT $2",
            use(after), use(page), into(seqs), into(ats), into(actors), into(entities), into(keys), into(actions),
            into(changes), into(prevs), into(hashes), now;
        for (std::size_t i = 0; i < seqs.size(); ++i) {
            const std::int64_t seq = seqs[i];
            if (seq != expected) {
                return broken(expected, "row " + std::to_string(expected) + " is missing (the next row is " +
                                            std::to_string(seq) + "): rows were deleted");
            }
            if (rowHash(prevs[i], seq, ats[i], actors[i], entities[i], keys[i], actions[i], changes[i]) != hashes[i]) {
                return broken(seq, "row " + std::to_string(seq) + " was changed: its content does not match its hash");
            }
            if (prevs[i] != prev) {
                return broken(seq, "row " + std::to_string(seq) + " does not follow row " + std::to_string(seq - 1) +
                                       ": its prev_hash is not that row's hash (a row was rewritten, "
                                       "inserted or moved)");
            }
            prev = hashes[i];
            ++expected;
            ++result.rows;
        }
        if (seqs.size() < static_cast<std::size_t>(page)) {
            break;
        }
    }
    std::vector<Poco::Int64> head_seq;
    std::vector<std::string> head_hash;
    session << "SELECT seq, row_hash FROM audit_head WHERE id = 1", into(head_seq), into(head_hash), now;
    const std::int64_t last = expected - 1;
    if (head_seq.empty()) {
        if (last > 0) {
            return broken(last, "audit_head is missing: the chain's end cannot be checked");
        }
    } else if (head_seq.front() != last) {
        if (head_seq.front() > last) {
            return broken(last + 1, "the log ends at row " + std::to_string(last) + " but its head is row " +
                                        std::to_string(head_seq.front()) + ": rows from " + std::to_string(last + 1) +
                                        " on were deleted (truncated)");
        }
        return broken(head_seq.front() + 1,
                      "rows after the head (row " + std::to_string(head_seq.front()) + ") were added outside Syncline");
    } else if (head_hash.front() != prev) {
        return broken(last, "row " + std::to_string(last) + " is not the row the head recorded");
    }
    result.ok = true;
    result.head_hash = prev;
    return result;
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
