#include "engine/sync/pull_run.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "engine/connector/field_cursor.h"
#include "engine/connector/streams.h"
#include "engine/model/decimal.h"
#include "engine/store/transaction.h"
#include "engine/sync/fault_point.h"
#include "engine/sync/run_log.h"

namespace syncline::sync {

namespace {

std::uint64_t fnv1a(std::uint64_t hash, std::string_view text) {
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ULL;

std::string rawJson(const std::vector<std::string>& fields, const std::vector<std::optional<std::string>>& row,
                    const std::string& source) {
    nlohmann::json mapped = nlohmann::json::object();
    for (std::size_t i = 0; i < fields.size() && i < row.size(); ++i) {
        mapped[fields[i]] = row[i] ? nlohmann::json(*row[i]) : nlohmann::json(nullptr);
    }
    nlohmann::json raw = {{"fields", mapped}};
    if (!source.empty()) {
        raw["source"] = source;
    }
    return raw.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

PullRun::PullRun(store::Webstore& store, const EntityTable& entity, const PullOptions& options,
                 const std::vector<std::string>& fields, std::chrono::system_clock::time_point cap)
    : store_(store),
      entity_(entity),
      options_(options),
      fields_(fields),
      writer_(store, entity, fields),
      audit_(store) {
    for (const auto& key : entity.key_columns) {
        const auto it = std::find(fields.begin(), fields.end(), key);
        key_index_.push_back(it == fields.end() ? fields.size() : static_cast<std::size_t>(it - fields.begin()));
    }
    for (const auto& field : fields) {
        const auto& spec = connector::streamFields(entity.stream);
        const auto f = std::find_if(spec.begin(), spec.end(), [&](const auto& s) { return s.name == field; });
        null_as_.push_back(f == spec.end() ? std::nullopt : f->null_as);
        types_.push_back(f == spec.end() ? connector::FieldType::Text : f->default_type);
    }
    const auto active = std::find(fields.begin(), fields.end(), "active");
    active_index_ = static_cast<std::size_t>(active - fields.begin());
    modified_index_ =
        static_cast<std::size_t>(std::find(fields.begin(), fields.end(), "erp_modified") - fields.begin());
    if (modified_index_ < types_.size()) {
        modified_cap_ = connector::FieldCursor::limitOf(types_[modified_index_], cap);
    }
    const auto ownership = options.ownership ? *options.ownership : conflict::Ownership::defaults();
    const auto ownable = conflict::ownableFields(entity.entity);
    for (const auto& field : fields) {
        const bool can_own = std::find(ownable.begin(), ownable.end(), field) != ownable.end();
        policies_.push_back(can_own ? ownership.policy(entity.entity, field) : conflict::Policy::Erp);
        if (policies_.back() != conflict::Policy::Erp) {
            any_non_erp_ = true;
            base_keys_.push_back("\"" + field + "\":");
        }
    }
}

void PullRun::prepare(connector::RecordBatch& batch) {
    Prepared p;
    std::unordered_set<std::string> in_batch;
    for (std::size_t r = 0; r < batch.rows.size(); ++r) {
        ++p.read;
        auto& row = batch.rows[r];
        for (std::size_t i = 0; i < row.size() && i < null_as_.size(); ++i) {
            if (!row[i] && null_as_[i]) {
                row[i] = null_as_[i];  // an optional field the webstore keeps as '' (or its default)
            }
        }
        const std::string source = r < batch.raw.size() ? batch.raw[r] : "";
        std::string key = keyOf(row);
        if (r < batch.row_errors.size() && !batch.row_errors[r].empty()) {
            const auto& error = batch.row_errors[r];
            noteRejectedKey(key, row, {error.field});
            p.rejects.push_back({key, error.field, error.describe(), rawJson(fields_, row, source)});
            continue;
        }
        auto errors = entity_.validate(RowView(fields_, row));
        if (errors.empty()) {
            storeForm(row, errors);
        }
        if (!errors.empty()) {
            std::vector<std::string> bad;
            for (const auto& e : errors) {
                bad.push_back(e.field);
            }
            noteRejectedKey(key, row, bad);
            p.rejects.push_back(
                {key, errors.front().field, model::describe(errors.front()), rawJson(fields_, row, source)});
            continue;
        }
        const bool repeated = track_keys_ ? !seen_.insert(key) : !in_batch.insert(key).second;
        if (repeated) {
            p.rejects.push_back({key, entity_.key_columns.front(), kRepeatedKey, rawJson(fields_, row, source)});
            continue;
        }
        p.keys.push_back(std::move(key));
        p.hashes.push_back(contentHash(row));
        p.rows.push_back(r);
        if (first_load_) {
            p.insert_changes.push_back(insertChanges(row));
            p.bases.push_back(baseOf(row));
        }
    }
    // Applied like any row, but the connector's cursor did not follow them: one row dated 2099 would otherwise make
    // every later incremental pull start in 2099.
    for (const auto& [r, value] : batch.beyond_limit) {
        if (r < batch.rows.size() && p.future++ == 0) {
            p.first_future.emplace(keyOf(batch.rows[r]), value);
        }
    }
    // Upserts in key order touch neighbouring index pages instead of random ones.
    p.order.resize(p.keys.size());
    for (std::size_t i = 0; i < p.order.size(); ++i) {
        p.order[i] = i;
    }
    std::sort(p.order.begin(), p.order.end(), [&](std::size_t a, std::size_t b) { return p.keys[a] < p.keys[b]; });
    std::lock_guard<std::mutex> lock(prepared_mutex_);
    prepared_.push_back(std::move(p));
}

void PullRun::apply(std::int64_t run_id, connector::RecordBatch& batch) {
    Prepared p;
    {
        std::lock_guard<std::mutex> lock(prepared_mutex_);
        if (prepared_.empty()) {
            throw std::logic_error("PullRun::apply: a batch that was not prepared");
        }
        p = std::move(prepared_.front());
        prepared_.pop_front();
    }
    counts.read += p.read;
    counts.future_dated += p.future;
    if (p.first_future && !first_future) {
        first_future = std::move(p.first_future);
    }
    if (batch.cursor) {
        cursor = batch.cursor;  // batches are applied in the order the connector delivered them
    }
    auto& keys = p.keys;
    auto& hashes = p.hashes;
    const auto& rows = p.rows;
    const auto& order = p.order;
    auto& rejects = p.rejects;
    // A first load started from an empty table: a key can only be stored already if an earlier batch of this
    // run wrote it. When the ERP delivers keys in order, no batch can, and the look-up is skipped.
    const bool none_stored = first_load_ && (!max_written_ || (!order.empty() && keys[order.front()] > *max_written_));
    const auto stored = none_stored ? std::unordered_map<std::string, StoredState>{} : writer_.storedState(keys);
    if (!order.empty() && (!max_written_ || keys[order.back()] > *max_written_)) {
        max_written_ = keys[order.back()];
    }
    std::vector<std::string> existing;
    std::vector<bool> dropped(keys.size(), false);
    for (const std::size_t i : order) {
        const auto it = stored.find(keys[i]);
        if (it != stored.end() && first_load_ && !track_keys_) {
            // The table was empty when this first load started: only an earlier batch of it wrote the key.
            rejects.push_back({keys[i], entity_.key_columns.front(), kRepeatedKey, rawJsonOf(batch, rows[i])});
            dropped[i] = true;
        } else if (it != stored.end() && it->second.hash != hashes[i]) {
            existing.push_back(keys[i]);
        }
    }
    const auto current = writer_.currentRows(existing);
    ChangedRows changed;
    ChangedRows state_only;
    std::vector<HeldConflict> held;
    std::vector<audit::AuditEntry> audit;
    const std::string actor = "run:" + std::to_string(run_id);
    for (const std::size_t i : order) {
        if (dropped[i]) {
            continue;
        }
        const auto it = stored.find(keys[i]);
        if (it != stored.end() && it->second.hash == hashes[i]) {
            ++counts.unchanged;
            if (lacksABase(it->second.applied)) {
                // A field moved from the ERP to the shop (store, newest, manual) since this row was applied. The
                // ERP value is its base from now on; without one, the next shop edit would look like no edit at
                // all and the ERP's next change would overwrite it without a conflict.
                state_only.applied.push_back(baseOf(batch.rows[rows[i]]));
                state_only.keys.push_back(keys[i]);
                state_only.hashes.push_back(hashes[i]);
            }
            continue;
        }
        auto& row = batch.rows[rows[i]];
        const auto cur = it == stored.end() ? current.end() : current.find(keys[i]);
        if (cur != current.end()) {
            if (auto why = olderThanStored(row, cur->second)) {
                rejects.push_back({keys[i], "erp_modified", std::move(*why), rawJsonOf(batch, rows[i])});
                continue;
            }
        }
        if (cur == current.end()) {
            audit.push_back({actor, entity_.entity, keys[i], "insert",
                             i < p.insert_changes.size() ? std::move(p.insert_changes[i]) : insertChanges(row)});
            changed.applied.push_back(i < p.bases.size() ? std::move(p.bases[i]) : baseOf(row));
            changed.rows.push_back(std::move(row));
            changed.keys.push_back(std::move(keys[i]));
            changed.hashes.push_back(std::move(hashes[i]));
            continue;
        }
        const std::size_t held_before = held.size();
        audit::ChangeSet changes;
        auto merged = merge(keys[i], row, cur->second, it->second.applied, changes, held);
        counts.conflicted += static_cast<std::int64_t>(held.size() - held_before);
        ChangedRows& target = changes.empty() ? state_only : changed;
        if (!changes.empty()) {
            audit.push_back({actor, entity_.entity, keys[i], "update", changes.json()});
            target.rows.push_back(std::move(merged.row));
        } else {
            ++counts.unchanged;
        }
        target.applied.push_back(std::move(merged.base));
        target.keys.push_back(std::move(keys[i]));
        target.hashes.push_back(std::move(hashes[i]));
    }
    store::Transaction tx(store_);
    audit_.startAppend(std::move(audit));  // the audit rows are hashed while the rows are written
    writer_.upsert(changed);
    writer_.writeState(state_only);
    writer_.recordConflicts(run_id, held);
    writer_.recordRejects(run_id, rejects);
    audit_.finishAppend();
    counts.applied += static_cast<std::int64_t>(changed.rows.size());
    counts.rejected += static_cast<std::int64_t>(rejects.size());
    if (!options_.dry_run) {
        RunLog(store_).progress(run_id, counts);
        if (options_.before_commit) {
            options_.before_commit(store_);
        }
        faultPoint("pull_before_commit");
        tx.commit();
        faultPoint("pull_after_commit");
    }
}

std::vector<audit::AuditEntry> PullRun::deactivationAudit(std::int64_t run_id,
                                                          const std::vector<std::string>& keys) const {
    std::vector<audit::AuditEntry> out;
    audit::ChangeSet changes;
    changes.add("active", std::string("1"), std::string("0"));
    for (const auto& key : keys) {
        out.push_back({"run:" + std::to_string(run_id), entity_.entity, key, "deactivate", changes.json()});
    }
    return out;
}

void PullRun::trackKeys(std::int64_t expected) {
    track_keys_ = true;
    seen_.reserve(static_cast<std::size_t>(expected + expected / 10 + 1024));
}

std::vector<std::string> PullRun::missingKeys() {
    std::vector<std::string> missing;
    std::string after;
    for (;;) {
        const auto page = writer_.activeKeysAfter(after, 10000);
        for (const auto& key : page) {
            if (!seen_.contains(key)) {
                missing.push_back(key);
            }
        }
        if (page.size() < 10000) {
            return missing;
        }
        after = page.back();
    }
}

bool PullRun::lacksABase(const std::optional<std::string>& base) const {
    if (base_keys_.empty()) {
        return false;
    }
    return !base || std::any_of(base_keys_.begin(), base_keys_.end(),
                                [&](const std::string& key) { return base->find(key) == std::string::npos; });
}

void PullRun::noteRejectedKey(const std::string& key, const std::vector<std::optional<std::string>>& row,
                              const std::vector<std::string>& bad_fields) {
    if (!track_keys_) {
        return;
    }
    for (std::size_t k = 0; k < key_index_.size(); ++k) {
        const auto i = key_index_[k];
        if (i >= row.size() || !row[i] || row[i]->empty() ||
            std::find(bad_fields.begin(), bad_fields.end(), entity_.key_columns[k]) != bad_fields.end()) {
            return;
        }
    }
    seen_.insert(key);
}

std::optional<std::string> PullRun::olderThanStored(const std::vector<std::optional<std::string>>& erp,
                                                    const std::vector<std::optional<std::string>>& cur) const {
    if (modified_index_ >= fields_.size() || !erp[modified_index_] || !cur[modified_index_]) {
        return std::nullopt;
    }
    const std::string& incoming = *erp[modified_index_];
    const std::string& stored = *cur[modified_index_];
    // Older by more than the overlap window: an ERP on local time repeats an hour when daylight saving ends,
    // so a real later edit may carry a slightly earlier time.
    if (incoming >= connector::minusSeconds(stored, options_.overlap_seconds) ||
        (modified_cap_ && stored > *modified_cap_)) {
        return std::nullopt;
    }
    return "the row is older than the webstore's (erp_modified " + incoming + " is before the stored " + stored +
           "); not applied";
}

std::string PullRun::rawJsonOf(const connector::RecordBatch& batch, std::size_t r) const {
    return rawJson(fields_, batch.rows[r], r < batch.raw.size() ? batch.raw[r] : "");
}

PullRun::Merged PullRun::merge(const std::string& key, const std::vector<std::optional<std::string>>& erp,
                               const std::vector<std::optional<std::string>>& cur,
                               const std::optional<std::string>& applied, audit::ChangeSet& changes,
                               std::vector<HeldConflict>& held) const {
    Merged out{erp, std::nullopt};
    std::map<std::string, std::optional<std::string>> base;
    if (applied) {
        const auto json = nlohmann::json::parse(*applied, nullptr, false);
        if (json.is_object()) {
            for (const auto& [field, value] : json.items()) {
                base[field] = value.is_string() ? std::optional<std::string>(value.get<std::string>()) : std::nullopt;
            }
        }
    }
    std::map<std::string, std::optional<std::string>> kept_base;
    const bool erp_newer =
        conflict::erpIsNewer(modified_index_ < erp.size() ? erp[modified_index_] : std::nullopt, cur.back());
    for (std::size_t c = 0; c < fields_.size(); ++c) {
        const auto policy = policies_[c];
        const std::optional<std::string>& store = cur[c];
        if (policy == conflict::Policy::Erp) {
            if (erp[c] != store) {
                changes.add(fields_[c], store, erp[c]);
            }
            continue;
        }
        const auto b = base.find(fields_[c]);
        const auto d = conflict::decide(policy, b == base.end() ? nullptr : &b->second, erp[c], store, erp_newer);
        out.row[c] = d.value;
        kept_base[fields_[c]] = d.held ? b->second : erp[c];
        if (d.held) {
            held.push_back({key, fields_[c], b->second, erp[c], store});
        }
        if (d.conflict) {
            changes.addConflict(fields_[c], b->second, erp[c], store, store, d.value, conflict::policyName(policy),
                                d.winner);
        } else if (d.value != store) {
            changes.add(fields_[c], store, d.value);
        }
    }
    if (active_index_ == fields_.size() && cur[fields_.size()] == std::optional<std::string>("0")) {
        changes.add("active", std::string("0"), std::string("1"));  // the ERP returns a deactivated row again
    }
    if (any_non_erp_) {
        out.base = baseJson(kept_base);
    }
    return out;
}

std::optional<std::string> PullRun::baseOf(const std::vector<std::optional<std::string>>& row) const {
    if (!any_non_erp_) {
        return std::nullopt;
    }
    std::map<std::string, std::optional<std::string>> base;
    for (std::size_t c = 0; c < fields_.size(); ++c) {
        if (policies_[c] != conflict::Policy::Erp) {
            base[fields_[c]] = row[c];
        }
    }
    return baseJson(base);
}

std::string PullRun::baseJson(const std::map<std::string, std::optional<std::string>>& base) {
    std::string out = "{";
    for (const auto& [field, value] : base) {
        if (out.size() > 1) {
            out += ',';
        }
        audit::appendJsonString(out, field);
        out += ':';
        if (value) {
            audit::appendJsonString(out, *value);
        } else {
            out += "null";
        }
    }
    return out + "}";
}

std::string PullRun::insertChanges(const std::vector<std::optional<std::string>>& row) const {
    audit::ChangeSet changes;
    for (std::size_t c = 0; c < fields_.size() && c < row.size(); ++c) {
        if (row[c]) {
            changes.addInserted(fields_[c], *row[c]);
        }
    }
    return changes.json();
}

void PullRun::storeForm(std::vector<std::optional<std::string>>& row, std::vector<model::FieldError>& errors) const {
    for (std::size_t c = 0; c < row.size() && c < types_.size(); ++c) {
        if (!row[c]) {
            continue;
        }
        std::string& text = *row[c];
        if (types_[c] == connector::FieldType::Decimal) {
            std::string why;
            const auto value = model::Decimal::parse(text, &why);
            if (!value) {
                errors.push_back({fields_[c], text, why});
                return;
            }
            std::string canonical = value->toString();
            if (canonical != text) {
                text = std::move(canonical);
            }
        } else if (types_[c] == connector::FieldType::Flag && text != "1" && text != "0") {
            errors.push_back({fields_[c], text, "must be 1 or 0"});
            return;
        }
    }
}

std::string PullRun::keyOf(const std::vector<std::optional<std::string>>& row) const {
    std::string key;
    for (std::size_t k = 0; k < key_index_.size(); ++k) {
        if (k > 0) {
            key += BatchWriter::kKeySeparator;
        }
        const auto i = key_index_[k];
        if (i < row.size() && row[i]) {
            key += *row[i];
        }
    }
    return key;
}

std::string PullRun::contentHash(const std::vector<std::optional<std::string>>& row) const {
    std::uint64_t hash = kFnvOffset;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i == modified_index_) {
            continue;
        }
        if (row[i]) {  // "\x01" + value, or "\x00" for NULL; then "\x1e"
            hash = fnv1a(fnv1a(hash, std::string_view("\x01", 1)), *row[i]);
        } else {
            hash = fnv1a(hash, std::string_view("\x00", 1));
        }
        hash = fnv1a(hash, "\x1e");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out(16, '0');
    for (int d = 15; d >= 0; --d, hash >>= 4) {
        out[static_cast<std::size_t>(d)] = kHex[hash & 0xF];
    }
    return out;
}

}  // namespace syncline::sync
