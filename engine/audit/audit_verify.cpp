// AuditLog::verify and AuditLog::head: the checks an admin runs on the chain (docs/architecture.md, "Anchors and a
// keyed audit chain").
#include <Poco/Data/Session.h>

#include <algorithm>
#include <cctype>

#include "engine/audit/audit_log.h"
#include "engine/store/dialect.h"

namespace syncline::audit {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

namespace {

std::string row(std::int64_t seq) {
    return "row " + std::to_string(seq);
}

// Runs that wrote audit rows: a manual run audits its request, and every applied change has its row (dry runs
// apply nothing). A scheduled run that found nothing to change writes none, so it does not count.
std::int64_t runsThatAudited(Poco::Data::Session& session) {
    Poco::Int64 n = 0;
    session << "SELECT COUNT(*) FROM job_runs WHERE triggered_by = 'manual' OR (rows_applied > 0 AND mode <> "
               "'dry_run')",
        into(n), now;
    return n;
}

}  // namespace

std::optional<Anchor> Anchor::parse(const std::string& text) {
    const auto colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon > 18) {
        return std::nullopt;
    }
    const std::string seq = text.substr(0, colon);
    std::string hash = text.substr(colon + 1);
    const auto digit = [](unsigned char c) { return std::isdigit(c) != 0; };
    const auto hex = [](unsigned char c) { return std::isxdigit(c) != 0; };
    if (!std::all_of(seq.begin(), seq.end(), digit) || hash.size() != kGenesisHash.size() ||
        !std::all_of(hash.begin(), hash.end(), hex)) {
        return std::nullopt;
    }
    std::transform(hash.begin(), hash.end(), hash.begin(), [](unsigned char c) { return std::tolower(c); });
    Anchor anchor{std::stoll(seq), hash};
    if (anchor.seq < 1) {
        return std::nullopt;
    }
    return anchor;
}

VerifyResult AuditLog::verify(const std::vector<Anchor>& anchors) {
    VerifyResult result;
    auto& session = store_.session();
    const std::string at_column = store::isoTimeColumn(store_.backend(), "at");
    std::int64_t expected = 1;
    std::string prev = kGenesisHash;
    std::string chain_key;  // the key id of the keyed part of the chain, once it began
    std::int64_t keyed_from = 0;
    auto broken = [&](std::int64_t seq, std::string why) {
        result.ok = false;
        result.broken_at = seq;
        result.unverified_from.reset();
        result.why = std::move(why);
        return result;
    };
    // The first reason wins; the walk goes on, since a break further on says more than a missing key.
    auto unverified = [&](std::int64_t seq, std::string why) {
        if (!result.unverified_from) {
            result.unverified_from = seq;
            result.why = std::move(why);
        }
    };
    for (;;) {
        Poco::Int64 after = expected - 1;
        int page = 5000;
        std::vector<Poco::Int64> seqs;
        std::vector<std::string> ats, actors, entities, keys, actions, changes, prevs, hashes, key_ids;
        session << "SELECT seq, " + at_column +
                       ", actor, entity, entity_key, action, changes, prev_hash, row_hash, COALESCE(key_id, '') "
                       "FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            use(after), use(page), into(seqs), into(ats), into(actors), into(entities), into(keys), into(actions),
            into(changes), into(prevs), into(hashes), into(key_ids), now;
        for (std::size_t i = 0; i < seqs.size(); ++i) {
            const std::int64_t seq = seqs[i];
            if (seq != expected) {
                return broken(expected, row(expected) + " is missing (the next row is " + std::to_string(seq) +
                                            "): rows were deleted");
            }
            const std::string& key_id = key_ids[i];
            std::optional<std::string> own_hash;  // what row_hash must be, when this process can compute it
            if (key_id.empty()) {
                if (!chain_key.empty()) {
                    return broken(seq, row(seq) + " is not keyed, but the rows from " + std::to_string(keyed_from) +
                                           " on are (key " + chain_key +
                                           "): rows were re-written without the key (Syncline never writes an "
                                           "unkeyed row after a keyed one)");
                }
                own_hash = rowHash(prevs[i], seq, ats[i], actors[i], entities[i], keys[i], actions[i], changes[i]);
            } else {
                if (chain_key.empty()) {
                    chain_key = key_id;
                    keyed_from = seq;
                } else if (key_id != chain_key) {
                    return broken(seq, row(seq) + " is keyed with key " + key_id + ", the rows before it with key " +
                                           chain_key + ": rows were re-written (Syncline keeps one key per log)");
                }
                if (key_ && key_->id() == key_id) {
                    own_hash =
                        key_->rowHash(prevs[i], seq, ats[i], actors[i], entities[i], keys[i], actions[i], changes[i]);
                    ++result.keyed_rows;
                } else if (key_) {
                    unverified(seq, "the rows from " + std::to_string(seq) + " on are keyed with key " + key_id +
                                        ", but audit.hmac_key is key " + key_->id() +
                                        ": their content cannot be checked with this key");
                } else {
                    unverified(seq, "the rows from " + std::to_string(seq) + " on are keyed (key " + key_id +
                                        ") and this config has no audit key: their content cannot be checked; set "
                                        "audit.hmac_key_file or audit.hmac_key_env to verify them");
                }
            }
            if (own_hash && *own_hash != hashes[i]) {
                return broken(seq, row(seq) + " was changed: its content does not match its " +
                                       (key_id.empty() ? "hash" : "keyed hash (it was edited without the key)"));
            }
            if (prevs[i] != prev) {
                return broken(seq, row(seq) + " does not follow row " + std::to_string(seq - 1) +
                                       ": its prev_hash is not that row's hash (a row was rewritten, inserted or "
                                       "moved)");
            }
            for (const auto& a : anchors) {
                if (a.seq == seq && a.hash != hashes[i]) {
                    return broken(seq, row(seq) + " is not the row anchor " + a.text() +
                                           " recorded: it was re-written since that anchor was exported");
                }
            }
            prev = hashes[i];
            ++expected;
            ++result.rows;
        }
        if (seqs.size() < static_cast<std::size_t>(page)) {
            break;
        }
    }
    const std::int64_t last = expected - 1;
    std::int64_t anchored = 0;
    for (const auto& a : anchors) {
        anchored = std::max(anchored, a.seq);
    }
    if (anchored > last) {
        return broken(last + 1, "the log ends at row " + std::to_string(last) + ", but an anchor names row " +
                                    std::to_string(anchored) + ": rows " + std::to_string(last + 1) + " to " +
                                    std::to_string(anchored) +
                                    " were deleted since it was exported (the tail was cut and audit_head moved "
                                    "back, or the log was wiped)");
    }
    if (last == 0) {
        if (const auto runs = runsThatAudited(session); runs > 0) {
            return broken(1, "the audit log is empty, but job_runs shows " + std::to_string(runs) +
                                 (runs == 1 ? " run" : " runs") +
                                 " that wrote audit rows (started by hand, or changed data): the log was wiped");
        }
    }
    std::vector<Poco::Int64> head_seq;
    std::vector<std::string> head_hash, head_key;
    session << "SELECT seq, row_hash, COALESCE(key_id, '') FROM audit_head WHERE id = 1", into(head_seq),
        into(head_hash), into(head_key), now;
    if (head_seq.empty()) {
        // Migration 5 creates the head for an empty log too: it is never legitimately missing.
        return broken(std::max<std::int64_t>(last, 1),
                      last > 0 ? "audit_head is missing: the chain's end cannot be checked (it was deleted)"
                               : "the audit log is empty and audit_head is missing: both were wiped");
    }
    if (head_seq.front() != last) {
        if (head_seq.front() > last) {
            return broken(last + 1, "the log ends at row " + std::to_string(last) + " but its head is row " +
                                        std::to_string(head_seq.front()) + ": rows from " + std::to_string(last + 1) +
                                        " on were deleted (truncated)");
        }
        return broken(head_seq.front() + 1,
                      "rows after the head (row " + std::to_string(head_seq.front()) + ") were added outside Syncline");
    }
    if (head_hash.front() != prev) {
        return broken(last, row(last) + " is not the row the head recorded");
    }
    if (last > 0 && head_key.front() != chain_key) {
        return broken(last, "audit_head names key '" + head_key.front() + "', but row " + std::to_string(last) +
                                " is keyed with '" + chain_key + "': the head was changed outside Syncline");
    }
    if (key_ && last > 0 && chain_key.empty()) {
        unverified(1, "audit.hmac_key is set (key " + key_->id() +
                          "), but no row is keyed: the key applies from the "
                          "next audited change on. If keyed rows were written before, they were re-written without the "
                          "key");
    }
    if (result.unverified_from) {
        result.ok = false;
        return result;
    }
    result.ok = true;
    result.head_hash = prev;
    return result;
}

AuditHead AuditLog::head() {
    auto& session = store_.session();
    std::vector<Poco::Int64> seqs;
    std::vector<std::string> head_hashes, key_ids, row_hashes, ats;
    session << "SELECT h.seq, h.row_hash, COALESCE(h.key_id, ''), COALESCE(l.row_hash, ''), COALESCE(" +
                   store::isoTimeColumn(store_.backend(), "l.at") +
                   ", '') FROM audit_head h LEFT JOIN audit_log l ON l.seq = h.seq WHERE h.id = 1",
        into(seqs), into(head_hashes), into(key_ids), into(row_hashes), into(ats), now;
    if (seqs.empty()) {
        throw std::runtime_error(
            "audit_head is missing: the audit log was altered outside Syncline (syncline audit "
            "verify says more)");
    }
    AuditHead head{seqs.front(), head_hashes.front(), ats.front(), std::nullopt};
    if (!key_ids.front().empty()) {
        head.key_id = key_ids.front();
    }
    if (head.seq > 0 && row_hashes.front() != head.hash) {
        throw std::runtime_error(
            "audit_head names row " + std::to_string(head.seq) +
            (row_hashes.front().empty() ? ", which is missing" : ", which has another hash than the head recorded") +
            ": the audit log was altered outside Syncline (syncline audit verify says more)");
    }
    return head;
}

}  // namespace syncline::audit
