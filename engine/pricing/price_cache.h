#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/pricing/price_quote.h"
#include "engine/store/webstore.h"

namespace syncline::pricing {

/// A price rule as the cache keeps it: what the resolver reads, in under a third of a Candidate's size (fixed-size
/// dates and currency, decimals as their units).
class CachedRule {
  public:
    /// Null when the rule does not fit (a date that is not YYYY-MM-DD, a currency code longer than 3): its item is
    /// then not cached.
    static std::optional<CachedRule> from(const Candidate& candidate);

    /// The rule as the resolver read it, for the item `sku`.
    Candidate candidate(const std::string& sku) const;

    bool active() const { return active_; }
    model::PriceScope scope() const { return static_cast<model::PriceScope>(scope_); }
    const std::string& scopeKey() const { return scope_key_; }

  private:
    CachedRule() = default;

    std::string rule_id_;
    std::string scope_key_;
    std::int64_t min_quantity_ = 0;
    std::int64_t max_quantity_ = 0;
    std::int64_t unit_price_ = 0;
    std::int64_t discount_percent_ = 0;
    std::array<char, 10> valid_from_{};
    std::array<char, 10> valid_to_{};
    std::array<char, 3> currency_{};
    std::uint8_t currency_length_ = 0;
    std::uint8_t scope_ = 0;  // a model::PriceScope
    bool active_ = false;
    bool has_max_quantity_ = false;
    bool has_unit_price_ = false;
    bool has_discount_percent_ = false;
    bool has_valid_to_ = false;
};

/// What the cache keeps of an item: its row and every one of its rules (active or not, of every scope), as the
/// webstore held them when read.
struct CachedItem {
    ItemTerms item;
    bool active = false;
    std::vector<CachedRule> rules;
    /// The item is not kept (more than max_rules_per_item rules, or one that does not fit a CachedRule): the entry
    /// only says so, and a look-up reads the customer's own rules from the webstore as without a cache.
    bool uncached = false;
};

/// What the cache keeps of a customer.
struct CachedCustomer {
    CustomerTerms terms;
    bool active = false;
};

struct PriceCacheSettings {
    std::size_t max_items = 100000;                  ///< [pricing] cache_items; 0: no cache
    std::chrono::milliseconds check_interval{1000};  ///< [pricing] cache_check_ms
    std::chrono::seconds max_age{600};               ///< [pricing] cache_max_age_s: an entry older is read again
    std::size_t max_rules_per_item = 256;            ///< an item with more rules is read from the webstore
};

struct PriceCacheStats {
    std::uint64_t hits = 0;         ///< items and customers found
    std::uint64_t misses = 0;       ///< ... not found (or too old), read from the webstore
    std::uint64_t invalidated = 0;  ///< entries dropped because the audit log showed a change
    std::uint64_t cleared = 0;      ///< times everything was dropped (too many changes at once)
    std::size_t items = 0;
    std::size_t customers = 0;
    std::int64_t audit_seq = -1;  ///< the audit log position the cache is checked up to; -1: not yet
};

/// Items and customers as the price resolver reads them, kept in memory between look-ups and shared by every
/// resolver of a process (docs/pricing.md, "The price cache"; many threads at once).
///
/// Every change syncline makes to products, price rules and customers is written with an audit row in the same
/// transaction (engine/audit). At most once per check_interval, refresh() reads the audit log's head and the rows
/// after the position it last saw, and drops the entries they name; when more than a bulk limit changed at once it
/// drops everything. A price therefore follows a committed change within check_interval. Changes made outside
/// syncline (SQL typed by hand) leave no audit row: they are seen when an entry reaches max_age.
///
/// An entry read from a snapshot older than an invalidation must not be kept: put() takes the generation() read
/// before the snapshot began, and drops the entry when an invalidation happened since.
class PriceCache {
  public:
    using Clock = std::chrono::steady_clock;

    explicit PriceCache(PriceCacheSettings settings);
    PriceCache(const PriceCache&) = delete;
    PriceCache& operator=(const PriceCache&) = delete;

    const PriceCacheSettings& settings() const { return settings_; }

    /// When check_interval has passed since the last check, brings the cache up to the webstore's audit log. One
    /// caller does it at a time; the others go on with the cache as it is. Throws Poco::Data exceptions when the
    /// webstore cannot be read; the cache is then left as it was, and the next call checks again.
    void refresh(store::Webstore& store, Clock::time_point now);

    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

    /// The entry, or null when there is none or it is older than max_age.
    std::shared_ptr<const CachedItem> item(const std::string& sku, Clock::time_point now);
    std::optional<CachedCustomer> customer(const std::string& code, Clock::time_point now);

    /// Keeps an entry read at `generation` (see the class comment); `loaded` is when its read began.
    void put(const std::string& sku, std::shared_ptr<const CachedItem> item, std::uint64_t generation,
             Clock::time_point loaded);
    void put(const std::string& code, const CachedCustomer& customer, std::uint64_t generation,
             Clock::time_point loaded);

    /// Drops everything.
    void clear();

    PriceCacheStats stats() const;

  private:
    template <typename Value>
    struct Entry {
        Value value;
        Clock::time_point loaded;
    };
    template <typename Value>
    using Map = std::unordered_map<std::string, Entry<Value>>;
    template <typename Value>
    std::optional<Value> find(const Map<Value>& map, const std::string& key, Clock::time_point now_at);
    template <typename Value>
    void keep(Map<Value>& map, const std::string& key, Value value, std::uint64_t generation, Clock::time_point loaded);
    void invalidate(const std::vector<std::string>& skus, const std::vector<std::string>& customers);

    PriceCacheSettings settings_;
    mutable std::shared_mutex mutex_;
    Map<std::shared_ptr<const CachedItem>> items_;
    Map<CachedCustomer> customers_;
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<std::uint64_t> hits_{0};
    std::atomic<std::uint64_t> misses_{0};
    std::atomic<std::uint64_t> invalidated_{0};
    std::atomic<std::uint64_t> cleared_{0};

    std::mutex refresh_mutex_;  // held by the one caller checking the audit log
    std::atomic<Clock::rep> next_check_{0};
    std::int64_t audit_seq_ = -1;  // under refresh_mutex_
    std::atomic<std::int64_t> audit_seq_seen_{-1};
};

}  // namespace syncline::pricing
