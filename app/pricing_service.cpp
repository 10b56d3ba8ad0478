#include "app/pricing_service.h"

#include <set>

#include <Poco/Exception.h>

namespace syncline::app {

struct PricingService::Session {
    std::unique_ptr<store::Webstore> store;
    std::unique_ptr<pricing::PriceResolver> resolver;
};

std::shared_ptr<pricing::PriceCache> makePriceCache(const config::PricingConfig& config) {
    if (config.cache_items <= 0) {
        return nullptr;
    }
    pricing::PriceCacheSettings settings;
    settings.max_items = static_cast<std::size_t>(config.cache_items);
    settings.check_interval = std::chrono::milliseconds(config.cache_check_ms);
    settings.max_age = std::chrono::seconds(config.cache_max_age_s);
    return std::make_shared<pricing::PriceCache>(settings);
}

PricingService::PricingService(store::ConnectionSettings settings, std::int64_t max_age_s, int max_cart_lines,
                               std::unique_ptr<LivePrices> live, std::shared_ptr<pricing::PriceCache> cache)
    : settings_(std::move(settings)),
      max_age_s_(max_age_s),
      live_(std::move(live)),
      cache_(std::move(cache)),
      max_cart_lines_(static_cast<std::size_t>(max_cart_lines)) {}

PricingService::~PricingService() = default;

template <typename Call>
auto PricingService::withSession(Call call) {
    std::unique_ptr<Session> session;
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            session = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    try {
        if (!session) {
            session = std::make_unique<Session>();
            session->store = store::Webstore::open(settings_);
            session->resolver = std::make_unique<pricing::PriceResolver>(*session->store, cache_);
        }
        auto result = call(*session);
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(session));
        return result;
    } catch (const pricing::PricingError&) {
        // The request's own problem: the session is fine.
        std::lock_guard lock(mutex_);
        if (session && session->resolver) {
            idle_.push_back(std::move(session));
        }
        throw;
    } catch (const store::StoreUnavailable& e) {
        throw PricingUnavailable(e.what());
    } catch (const Poco::Exception& e) {
        // The session may be broken: it is dropped, and the next call opens a new one.
        throw PricingUnavailable("cannot read the webstore " + settings_.describe() + ": " + e.displayText());
    } catch (const std::exception& e) {
        throw PricingUnavailable("cannot read the webstore " + settings_.describe() + ": " + e.what());
    }
}

Provenance PricingService::provenance(store::Webstore& store) {
    using Clock = std::chrono::steady_clock;
    const auto now = Clock::now();
    std::lock_guard lock(mutex_);
    if (now - freshness_read_ >= std::chrono::seconds(1)) {
        freshness_ = pricing::pricesFreshness(store, max_age_s_);
        freshness_read_ = now;
    }
    Provenance out;
    out.freshness = freshness_;
    if (out.freshness.age_s) {
        // Aged by the time since it was read, so a cached age is still right to the second.
        *out.freshness.age_s += std::chrono::duration_cast<std::chrono::seconds>(now - freshness_read_).count();
    }
    if (out.freshness.warning) {
        out.warnings.push_back(*out.freshness.warning);
    }
    return out;
}

std::string PricingService::tryLive(pricing::PriceQuote& quote, std::chrono::steady_clock::time_point deadline,
                                    std::vector<std::string>& warnings) {
    const auto& b = quote.basis;
    const std::string line = "item " + b.item.sku + ", quantity " + b.quantity.toString();
    try {
        const auto result =
            live_->price({b.customer.code, b.item.sku, b.quantity.toString(), b.currency, b.date}, deadline);
        if (!result.answer) {
            warnings.push_back(line + ": the ERP has no live price; the synced rules answered");
            return "synced";
        }
        std::string why;
        const auto price = model::Decimal::parse(result.answer->unit_price, &why);
        if (!price || price->isNegative()) {
            throw LiveUnavailable("the ERP's live price '" + result.answer->unit_price + "' is not a price" +
                                  (why.empty() ? std::string() : ": " + why));
        }
        if (result.answer->currency && !result.answer->currency->empty() && *result.answer->currency != b.currency) {
            throw LiveUnavailable("the ERP's live price is in " + *result.answer->currency + ", not " + b.currency);
        }
        quote.synced_unit_price = quote.unit_price.amount;
        quote.source = pricing::PriceSource::Live;
        quote.unit_price.amount = *price;
        quote.line_total = model::lineTotal(quote.unit_price, b.quantity, model::RoundingMode::HalfUp);
        return result.source == LivePrices::Source::Cache ? "cache" : "live";
    } catch (const LiveUnavailable& e) {
        warnings.push_back(line + ": " + e.what() + "; the synced rules answered");
        return "synced";
    }
}

CartAnswer PricingService::priceCart(const pricing::CartRequest& cart) {
    if (cart.lines.empty()) {
        throw pricing::PricingError(pricing::PricingErrorKind::InvalidRequest, "the cart has no lines");
    }
    if (cart.lines.size() > max_cart_lines_) {
        throw pricing::PricingError(pricing::PricingErrorKind::InvalidRequest,
                                    "the cart has " + std::to_string(cart.lines.size()) + " lines; at most " +
                                        std::to_string(max_cart_lines_) + " are accepted ([api] max_cart_lines)");
    }
    auto out = withSession([&](Session& s) {
        CartAnswer answer{s.resolver->priceCart(cart), {}, {}};
        answer.provenance = provenance(*s.store);
        return answer;
    });
    out.answered_by.assign(out.cart.lines.size(), "synced");
    if (live_) {
        // One deadline for the whole cart; lines the ERP has not answered by then keep the synced price.
        const auto deadline = std::chrono::steady_clock::now() + live_->settings().timeout;
        std::set<std::string> sources;
        out.cart.total.amount = model::Decimal();
        for (std::size_t i = 0; i < out.cart.lines.size(); ++i) {
            auto& line = out.cart.lines[i];
            if (line.quote) {
                out.answered_by[i] = tryLive(*line.quote, deadline, out.provenance.warnings);
                sources.insert(out.answered_by[i]);
                out.cart.total = out.cart.total + line.quote->line_total;
            }
        }
        out.provenance.answered_by = sources.size() == 1 ? *sources.begin() : sources.empty() ? "synced" : "mixed";
    }
    return out;
}

LineAnswer PricingService::explain(const pricing::PriceRequest& request) {
    auto out = withSession([&](Session& s) {
        LineAnswer answer{s.resolver->price(request), {}};
        answer.provenance = provenance(*s.store);
        return answer;
    });
    if (live_) {
        out.provenance.answered_by =
            tryLive(out.quote, std::chrono::steady_clock::now() + live_->settings().timeout, out.provenance.warnings);
    }
    return out;
}

}  // namespace syncline::app
