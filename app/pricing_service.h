#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/live_prices.h"
#include "engine/config/config.h"
#include "engine/pricing/freshness.h"
#include "engine/pricing/price_cache.h"
#include "engine/pricing/price_resolver.h"
#include "engine/store/webstore.h"

namespace syncline::app {

/// Which source answered a price request and how old the synced prices are. Every API reply carries it.
struct Provenance {
    /// synced: the rules in the webstore; live: the ERP, asked now; cache: the ERP's answer of less than
    /// [pricing.live] cache_ttl_s ago; mixed: a cart whose lines were answered by more than one of these.
    std::string answered_by = "synced";
    pricing::Freshness freshness;
    std::vector<std::string> warnings;  ///< the freshness warning, and why live prices were not used
};

struct CartAnswer {
    pricing::CartQuote cart;
    std::vector<std::string> answered_by;  ///< per line of the cart: synced, live or cache
    Provenance provenance;
};

struct LineAnswer {
    pricing::PriceQuote quote;
    Provenance provenance;
};

/// The webstore could not be read (the server is down, the connection broke); the client may try again. The
/// message is safe to show: it names the webstore, never a password.
class PricingUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The price cache [pricing] asks for; null when cache_items is 0.
std::shared_ptr<pricing::PriceCache> makePriceCache(const config::PricingConfig& config);

/// Prices for the APIs of `syncline serve`, for many threads at once. Each call borrows a webstore session with its
/// own PriceResolver from a pool, which grows to the number of calls in flight (bounded by the servers' thread
/// limits) and drops a session whose database call failed, so the next call connects anew.
class PricingService {
  public:
    /// With `live`, each priced line is asked of the ERP too (live mode, docs/pricing.md); without, the synced
    /// rules answer. With `cache`, every session's resolver reads through it.
    PricingService(store::ConnectionSettings settings, std::int64_t max_age_s, int max_cart_lines,
                   std::unique_ptr<LivePrices> live = nullptr, std::shared_ptr<pricing::PriceCache> cache = nullptr);
    ~PricingService();
    PricingService(const PricingService&) = delete;
    PricingService& operator=(const PricingService&) = delete;

    /// Throws pricing::PricingError (a cart longer than max_cart_lines is InvalidRequest) or PricingUnavailable.
    CartAnswer priceCart(const pricing::CartRequest& cart);

    /// One line with every candidate. Throws pricing::PricingError or PricingUnavailable.
    LineAnswer explain(const pricing::PriceRequest& request);

  private:
    struct Session;
    template <typename Call>
    auto withSession(Call call);
    Provenance provenance(store::Webstore& store);
    /// Asks the ERP for `quote`'s line before `deadline`; on success the quote carries the live price. Returns
    /// what answered, and adds the reason to `warnings` when the synced price stays.
    std::string tryLive(pricing::PriceQuote& quote, std::chrono::steady_clock::time_point deadline,
                        std::vector<std::string>& warnings);

    store::ConnectionSettings settings_;
    std::int64_t max_age_s_;
    std::unique_ptr<LivePrices> live_;
    std::shared_ptr<pricing::PriceCache> cache_;
    std::size_t max_cart_lines_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Session>> idle_;
    // The freshness changes once per prices run: read at most once a second, not per request.
    std::chrono::steady_clock::time_point freshness_read_{};
    pricing::Freshness freshness_;
};

}  // namespace syncline::app
