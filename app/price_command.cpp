// syncline price: what a customer pays for an item, and why (docs/pricing.md).
#include <algorithm>
#include <iostream>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "engine/pricing/freshness.h"
#include "engine/pricing/price_json.h"
#include "engine/pricing/price_resolver.h"

namespace syncline::app {

namespace {

using model::Decimal;
using pricing::amountText;
using pricing::Candidate;
using pricing::QuoteBasis;

std::string terms(const model::PriceRule& r) {
    return r.unit_price ? amountText(*r.unit_price, r.currency) + " " + r.currency
                        : r.discount_percent->toString() + " % off";
}

std::string quantityBand(const model::PriceRule& r) {
    return ">=" + r.min_quantity.toString() + (r.max_quantity ? " <" + r.max_quantity->toString() : "");
}

std::string validity(const model::PriceRule& r) {
    return r.valid_from + ".." + r.valid_to.value_or("");
}

std::string heading(const QuoteBasis& b) {
    auto part = [](const std::string& what, const std::string& value) {
        return value.empty() ? "no " + what : what + " " + value;
    };
    return "customer " + b.customer.code + " (" + part("group", b.customer.customer_group) + ", " +
           part("price list", b.customer.price_list) + "), item " + b.item.sku + ", quantity " + b.quantity.toString() +
           ", on " + b.date + ", in " + b.currency + "\n";
}

// The candidates as an aligned table; the reason, last, is never cut.
std::string candidateTable(const QuoteBasis& basis, const std::vector<Candidate>& candidates) {
    std::vector<std::vector<std::string>> rows = {
        {"OUTCOME", "RULE", "SCOPE", "KEY", "TERMS", "QUANTITY", "VALID", "PRICE", "REASON"}};
    for (const auto& c : candidates) {
        const auto& r = c.rule;
        rows.push_back({std::string(pricing::toString(c.outcome)), r.rule_id, std::string(model::toString(r.scope)),
                        r.scope_key.empty() ? "-" : r.scope_key, terms(r), quantityBand(r), validity(r),
                        c.price ? amountText(*c.price, basis.currency) : "-", pricing::reason(basis, c)});
    }
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    std::string out;
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            out += row[i];
            out += i + 1 < row.size() ? std::string(widths[i] - row[i].size() + 2, ' ') : "\n";
        }
    }
    return out;
}

void printFreshness(const pricing::Freshness& f) {
    if (f.synced_at) {
        std::cout << "synced      " << *f.synced_at << " (" << pricing::describeAge(*f.age_s) << " ago)\n";
    }
    if (f.warning) {
        std::cout << "warning     " << *f.warning << "\n";
    }
}

void printQuote(const pricing::PriceQuote& q, const pricing::Freshness& freshness) {
    const auto& b = q.basis;
    std::cout << heading(b);
    std::cout << "unit price  " << amountText(q.unit_price.amount, b.currency) << " " << b.currency << "\n";
    std::cout << "line total  " << amountText(q.line_total.amount, b.currency) << " " << b.currency << "\n";
    if (const Candidate* w = q.winner()) {
        const auto& r = w->rule;
        std::cout << "from        rule " << r.rule_id << " (" << model::toString(r.scope)
                  << (r.scope_key.empty() ? "" : " " + r.scope_key) << ", " << terms(r);
        if (w->base_price) {
            std::cout << " " << amountText(*w->base_price, b.currency) << " " << b.currency << " of "
                      << (w->base_rule ? "rule " + *w->base_rule : std::string("the list price"));
        }
        std::cout << ", quantity " << quantityBand(r) << ", valid " << validity(r) << ")\n";
    } else {
        std::cout << "from        the list price (no rule applies)\n";
    }
    if (b.customer.blocked) {
        std::cout << "blocked     customer " << b.customer.code
                  << " is blocked in the ERP: this is its price, but it must not place orders\n";
    }
    printFreshness(freshness);
    if (q.candidates.empty()) {
        std::cout << "\nthe item has no price rules\n";
    } else {
        std::cout << "\n" << candidateTable(b, q.candidates);
    }
}

int refuse(const GlobalOptions& options, const pricing::PricingError& e) {
    std::cerr << "syncline price: " << e.what() << "\n";
    if (options.json) {
        std::cout << pricing::errorJson(e).dump(2) << "\n";
    } else if (e.basis() && !e.candidates().empty()) {
        std::cout << heading(*e.basis()) << "\n" << candidateTable(*e.basis(), e.candidates());
    }
    return e.kind() == pricing::PricingErrorKind::InvalidRequest ? kExitUsage : kExitData;
}

}  // namespace

int commandPrice(const GlobalOptions& options, const PriceOptions& price) {
    std::string why;
    const auto quantity = Decimal::parse(price.quantity, &why);
    if (!quantity) {
        std::cerr << "syncline price: quantity '" << price.quantity << "': " << why << "\n";
        return kExitUsage;
    }
    pricing::PriceRequest request;
    request.customer = price.customer;
    request.sku = price.item;
    request.quantity = *quantity;
    request.date = price.date;
    request.currency = price.currency;
    try {
        const auto config = loadConfig(options);
        auto webstore = openWebstore(config);
        const auto quote = pricing::PriceResolver(*webstore).price(request);
        const auto freshness = pricing::pricesFreshness(*webstore, config.pricing.max_age_s);
        if (freshness.warning) {
            std::cerr << "syncline price: warning: " << *freshness.warning << "\n";
        }
        if (options.json) {
            auto out = pricing::quoteJson(quote);
            out.update(pricing::freshnessJson(freshness));
            std::cout << out.dump(2) << "\n";
        } else {
            printQuote(quote, freshness);
        }
        return kExitOk;
    } catch (const pricing::PricingError& e) {
        return refuse(options, e);
    }
}

}  // namespace syncline::app
