#include "engine/pricing/price_cache.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>

namespace syncline::pricing {

namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

// More audit rows than this since the last check (a full pull, a first load): everything is dropped instead of
// reading them.
constexpr std::int64_t kBulkChange = 20000;

// The audit rows that concern prices since a position: the item of a rule (its current one), and whether a change
// of a rule other than its insert (an update, a conflict resolved) changed its item: then the item it had is not
// known here, and everything is dropped.
constexpr const char* kChangesSql =
    "SELECT a.entity, a.entity_key, r.sku, CASE WHEN a.entity = 'price_rule' AND a.action <> 'insert' AND "
    "CAST(a.changes AS TEXT) LIKE '%\"sku\"%' THEN 1 ELSE 0 END FROM audit_log a LEFT JOIN price_rules r ON "
    "a.entity = 'price_rule' AND r.rule_id = a.entity_key WHERE a.seq > $1 AND a.seq <= $2 AND a.entity IN "
    "('product', 'price_rule', 'customer')";

}  // namespace

std::optional<CachedRule> CachedRule::from(const Candidate& candidate) {
    const auto& r = candidate.rule;
    if (r.valid_from.size() != 10 || (r.valid_to && r.valid_to->size() != 10) || r.currency.size() > 3) {
        return std::nullopt;
    }
    CachedRule out;
    out.rule_id_ = r.rule_id;
    out.scope_key_ = r.scope_key;
    out.scope_ = static_cast<std::uint8_t>(r.scope);
    out.active_ = candidate.active;
    out.min_quantity_ = r.min_quantity.units();
    out.has_max_quantity_ = r.max_quantity.has_value();
    out.max_quantity_ = r.max_quantity ? r.max_quantity->units() : 0;
    out.has_unit_price_ = r.unit_price.has_value();
    out.unit_price_ = r.unit_price ? r.unit_price->units() : 0;
    out.has_discount_percent_ = r.discount_percent.has_value();
    out.discount_percent_ = r.discount_percent ? r.discount_percent->units() : 0;
    std::copy(r.valid_from.begin(), r.valid_from.end(), out.valid_from_.begin());
    out.has_valid_to_ = r.valid_to.has_value();
    if (r.valid_to) {
        std::copy(r.valid_to->begin(), r.valid_to->end(), out.valid_to_.begin());
    }
    out.currency_length_ = static_cast<std::uint8_t>(r.currency.size());
    std::copy(r.currency.begin(), r.currency.end(), out.currency_.begin());
    return out;
}

Candidate CachedRule::candidate(const std::string& sku) const {
    using model::Decimal;
    Candidate c;
    c.active = active_;
    auto& r = c.rule;
    r.rule_id = rule_id_;
    r.sku = sku;
    r.scope = scope();
    r.scope_key = scope_key_;
    r.min_quantity = Decimal::fromUnits(min_quantity_);
    if (has_max_quantity_) {
        r.max_quantity = Decimal::fromUnits(max_quantity_);
    }
    if (has_unit_price_) {
        r.unit_price = Decimal::fromUnits(unit_price_);
    }
    if (has_discount_percent_) {
        r.discount_percent = Decimal::fromUnits(discount_percent_);
    }
    r.currency.assign(currency_.data(), currency_length_);
    r.valid_from.assign(valid_from_.data(), valid_from_.size());
    if (has_valid_to_) {
        r.valid_to.emplace(valid_to_.data(), valid_to_.size());
    }
    return c;
}

PriceCache::PriceCache(PriceCacheSettings settings) : settings_(settings) {}

void PriceCache::refresh(store::Webstore& store, Clock::time_point now_at) {
    if (now_at.time_since_epoch().count() < next_check_.load(std::memory_order_relaxed)) {
        return;
    }
    std::unique_lock lock(refresh_mutex_, std::try_to_lock);
    if (!lock.owns_lock()) {
        return;  // another thread is checking
    }
    auto& session = store.session();
    Poco::Int64 head = 0;
    session << "SELECT COALESCE((SELECT seq FROM audit_head WHERE id = 1), 0)", into(head), now;
    if (audit_seq_ < 0 || head < audit_seq_ || head - audit_seq_ > kBulkChange) {
        // The first check (entries may have been read before it), an audit log that went back (a restored
        // database), or too many changes to read one by one.
        if (audit_seq_ >= 0) {
            cleared_.fetch_add(1, std::memory_order_relaxed);
        }
        clear();
    } else if (head > audit_seq_) {
        Poco::Int64 from = audit_seq_;
        Poco::Data::Statement statement(session);
        statement << kChangesSql, use(from), use(head);
        statement.execute();
        Poco::Data::RecordSet rs(statement);
        std::vector<std::string> skus;
        std::vector<std::string> customers;
        bool moved = false;
        for (std::size_t i = 0; i < rs.rowCount(); ++i) {
            const auto entity = rs.value(0, i).convert<std::string>();
            const auto key = rs.value(1, i).convert<std::string>();
            if (entity == "customer") {
                customers.push_back(key);
            } else if (entity == "product") {
                skus.push_back(key);
            } else if (!rs.value(2, i).isEmpty()) {
                skus.push_back(rs.value(2, i).convert<std::string>());
            }
            moved = moved || rs.value(3, i).convert<int>() != 0;
        }
        if (moved) {
            cleared_.fetch_add(1, std::memory_order_relaxed);
            clear();
        } else if (!skus.empty() || !customers.empty()) {
            invalidate(skus, customers);
        }
    }
    audit_seq_ = head;
    audit_seq_seen_.store(head, std::memory_order_relaxed);
    next_check_.store((now_at + settings_.check_interval).time_since_epoch().count(), std::memory_order_relaxed);
}

void PriceCache::invalidate(const std::vector<std::string>& skus, const std::vector<std::string>& customers) {
    std::unique_lock lock(mutex_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    std::uint64_t dropped = 0;
    for (const auto& sku : skus) {
        dropped += items_.erase(sku);
    }
    for (const auto& code : customers) {
        dropped += customers_.erase(code);
    }
    invalidated_.fetch_add(dropped, std::memory_order_relaxed);
}

void PriceCache::clear() {
    std::unique_lock lock(mutex_);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    items_.clear();
    customers_.clear();
}

template <typename Value>
std::optional<Value> PriceCache::find(const Map<Value>& map, const std::string& key, Clock::time_point now_at) {
    {
        std::shared_lock lock(mutex_);
        const auto it = map.find(key);
        if (it != map.end() && now_at - it->second.loaded < settings_.max_age) {
            hits_.fetch_add(1, std::memory_order_relaxed);
            return it->second.value;
        }
    }
    misses_.fetch_add(1, std::memory_order_relaxed);
    return std::nullopt;
}

// When full, a tenth of the entries go, whichever the map lists first (not the least recently used: keeping that
// order would make every hit a write).
template <typename Value>
void PriceCache::keep(Map<Value>& map, const std::string& key, Value value, std::uint64_t generation,
                      Clock::time_point loaded) {
    if (settings_.max_items == 0) {
        return;
    }
    std::unique_lock lock(mutex_);
    if (generation != generation_.load(std::memory_order_acquire)) {
        return;  // read before a change that is now known: it may be stale
    }
    if (map.size() >= settings_.max_items) {
        std::size_t drop = std::max<std::size_t>(1, settings_.max_items / 10);
        for (auto it = map.begin(); it != map.end() && drop > 0; --drop) {
            it = map.erase(it);
        }
    }
    map.insert_or_assign(key, Entry<Value>{std::move(value), loaded});
}

std::shared_ptr<const CachedItem> PriceCache::item(const std::string& sku, Clock::time_point now_at) {
    return find(items_, sku, now_at).value_or(nullptr);
}

std::optional<CachedCustomer> PriceCache::customer(const std::string& code, Clock::time_point now_at) {
    return find(customers_, code, now_at);
}

void PriceCache::put(const std::string& sku, std::shared_ptr<const CachedItem> item, std::uint64_t generation,
                     Clock::time_point loaded) {
    keep(items_, sku, std::move(item), generation, loaded);
}

void PriceCache::put(const std::string& code, const CachedCustomer& customer, std::uint64_t generation,
                     Clock::time_point loaded) {
    keep(customers_, code, customer, generation, loaded);
}

PriceCacheStats PriceCache::stats() const {
    PriceCacheStats out;
    out.hits = hits_.load(std::memory_order_relaxed);
    out.misses = misses_.load(std::memory_order_relaxed);
    out.invalidated = invalidated_.load(std::memory_order_relaxed);
    out.cleared = cleared_.load(std::memory_order_relaxed);
    out.audit_seq = audit_seq_seen_.load(std::memory_order_relaxed);
    std::shared_lock lock(mutex_);
    out.items = items_.size();
    out.customers = customers_.size();
    return out;
}

}  // namespace syncline::pricing
