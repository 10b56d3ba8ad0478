#include "engine/pricing/price_json.h"

#include <algorithm>

#include "engine/model/currency.h"

namespace syncline::pricing {

namespace {

nlohmann::json orNull(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

nlohmann::json amountOrNull(const std::optional<model::Decimal>& value, const std::string& currency) {
    return value ? nlohmann::json(amountText(*value, currency)) : nlohmann::json(nullptr);
}

}  // namespace

std::string amountText(const model::Decimal& amount, const std::string& currency) {
    const auto c = model::Currency::fromCode(currency);
    return c ? amount.toString(std::max(c->minorDigits(), amount.fractionalDigits())) : amount.toString();
}

nlohmann::json candidateJson(const QuoteBasis& basis, const Candidate& c) {
    const auto& r = c.rule;
    return {{"rule_id", r.rule_id},
            {"scope", std::string(model::toString(r.scope))},
            {"scope_key", r.scope_key},
            {"kind", r.unit_price ? "absolute" : "percent"},
            {"unit_price", amountOrNull(r.unit_price, r.currency)},
            {"discount_percent", r.discount_percent ? nlohmann::json(r.discount_percent->toString()) : nullptr},
            {"currency", r.currency},
            {"min_quantity", r.min_quantity.toString()},
            {"max_quantity", r.max_quantity ? nlohmann::json(r.max_quantity->toString()) : nullptr},
            {"valid_from", r.valid_from},
            {"valid_to", orNull(r.valid_to)},
            {"active", c.active},
            {"price", amountOrNull(c.price, basis.currency)},
            {"base_price", amountOrNull(c.base_price, basis.currency)},
            {"base_rule", orNull(c.base_rule)},
            {"outcome", std::string(toString(c.outcome))},
            {"reason", reason(basis, c)}};
}

nlohmann::json basisJson(const QuoteBasis& b, const std::vector<Candidate>& candidates) {
    auto list = nlohmann::json::array();
    for (const auto& c : candidates) {
        list.push_back(candidateJson(b, c));
    }
    return {{"customer",
             {{"code", b.customer.code},
              {"customer_group", b.customer.customer_group},
              {"price_list", b.customer.price_list},
              {"currency", b.customer.currency},
              {"blocked", b.customer.blocked}}},
            {"item",
             {{"sku", b.item.sku},
              {"list_price", amountText(b.item.list_price, b.item.currency)},
              {"currency", b.item.currency}}},
            {"quantity", b.quantity.toString()},
            {"date", b.date},
            {"currency", b.currency},
            {"candidates", std::move(list)}};
}

nlohmann::json quoteJson(const PriceQuote& quote) {
    auto out = basisJson(quote.basis, quote.candidates);
    out["unit_price"] = amountText(quote.unit_price.amount, quote.basis.currency);
    out["line_total"] = amountText(quote.line_total.amount, quote.basis.currency);
    out["source"] = std::string(toString(quote.source));
    out["rule"] = quote.winner() ? candidateJson(quote.basis, *quote.winner()) : nlohmann::json(nullptr);
    if (quote.synced_unit_price) {
        out["synced_unit_price"] = amountText(*quote.synced_unit_price, quote.basis.currency);
    }
    return out;
}

nlohmann::json cartJson(const CartQuote& cart, bool explain) {
    auto lines = nlohmann::json::array();
    for (const auto& line : cart.lines) {
        if (line.quote) {
            const auto& q = *line.quote;
            nlohmann::json l = {{"sku", q.basis.item.sku},
                                {"quantity", q.basis.quantity.toString()},
                                {"unit_price", amountText(q.unit_price.amount, cart.currency)},
                                {"line_total", amountText(q.line_total.amount, cart.currency)},
                                {"source", std::string(toString(q.source))},
                                {"rule_id", q.winner() ? nlohmann::json(q.winner()->rule.rule_id) : nullptr}};
            if (explain) {
                l["candidates"] = basisJson(q.basis, q.candidates)["candidates"];
            }
            lines.push_back(std::move(l));
        } else {
            auto l = errorJson(*line.error);
            l["sku"] = line.sku;
            l["quantity"] = line.quantity.toString();
            lines.push_back(std::move(l));
        }
    }
    return {{"customer", cart.customer.code}, {"blocked", cart.customer.blocked},
            {"currency", cart.currency},      {"date", cart.date},
            {"lines", std::move(lines)},      {"total", amountText(cart.total.amount, cart.currency)},
            {"complete", cart.complete}};
}

nlohmann::json errorJson(const PricingError& e) {
    nlohmann::json out = {{"error", std::string(toString(e.kind()))}, {"message", e.what()}};
    if (e.basis()) {
        out.update(basisJson(*e.basis(), e.candidates()));
    }
    return out;
}

nlohmann::json freshnessJson(const Freshness& f) {
    return {{"synced_at", orNull(f.synced_at)},
            {"synced_age_s", f.age_s ? nlohmann::json(*f.age_s) : nlohmann::json(nullptr)},
            {"warnings", f.warning ? nlohmann::json::array({*f.warning}) : nlohmann::json::array()}};
}

}  // namespace syncline::pricing
