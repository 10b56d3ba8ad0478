#include "engine/pricing/price_quote.h"

namespace syncline::pricing {

std::string_view toString(Outcome outcome) {
    switch (outcome) {
        case Outcome::Won:
            return "won";
        case Outcome::BaseOfWinner:
            return "base_of_winner";
        case Outcome::OutrankedByScope:
            return "outranked_by_scope";
        case Outcome::LostToNewer:
            return "lost_to_newer";
        case Outcome::LostToHigherTier:
            return "lost_to_higher_tier";
        case Outcome::LostToLowerPrice:
            return "lost_to_lower_price";
        case Outcome::LostOnRuleId:
            return "lost_on_rule_id";
        case Outcome::NoBasePrice:
            return "no_base_price";
        case Outcome::Inactive:
            return "inactive";
        case Outcome::OtherCustomer:
            return "other_customer";
        case Outcome::OtherGroup:
            return "other_group";
        case Outcome::OtherPriceList:
            return "other_price_list";
        case Outcome::OtherCurrency:
            return "other_currency";
        case Outcome::NotYetValid:
            return "not_yet_valid";
        case Outcome::Expired:
            return "expired";
        case Outcome::BelowMinQuantity:
            return "below_min_quantity";
        case Outcome::AtOrAboveMaxQuantity:
            return "at_or_above_max_quantity";
    }
    return "unknown";
}

bool applied(Outcome outcome) {
    return outcome <= Outcome::LostOnRuleId;
}

std::string_view toString(PriceSource source) {
    switch (source) {
        case PriceSource::Rule:
            return "rule";
        case PriceSource::ListPrice:
            return "list_price";
        case PriceSource::Live:
            break;
    }
    return "live";
}

std::string_view toString(PricingErrorKind kind) {
    switch (kind) {
        case PricingErrorKind::InvalidRequest:
            return "invalid_request";
        case PricingErrorKind::UnknownCustomer:
            return "unknown_customer";
        case PricingErrorKind::InactiveCustomer:
            return "inactive_customer";
        case PricingErrorKind::UnknownItem:
            return "unknown_item";
        case PricingErrorKind::InactiveItem:
            return "inactive_item";
        case PricingErrorKind::NoPrice:
            return "no_price";
    }
    return "unknown";
}

const Candidate* PriceQuote::winner() const {
    if (source == PriceSource::Live) {
        return nullptr;
    }
    for (const auto& c : candidates) {
        if (c.outcome == Outcome::Won) {
            return &c;
        }
    }
    return nullptr;
}

namespace {

std::string scopeName(model::PriceScope scope) {
    switch (scope) {
        case model::PriceScope::Customer:
            return "customer";
        case model::PriceScope::PriceList:
            return "price list";
        case model::PriceScope::CustomerGroup:
            return "customer group";
        case model::PriceScope::Everyone:
            return "everyone";
    }
    return "?";
}

// "22.00 EUR": at least the currency's minor digits.
std::string shownPrice(const model::Decimal& amount, const std::string& currency) {
    const auto c = model::Currency::fromCode(currency);
    return c ? model::Money{amount, *c}.toString() : amount.toString() + " " + currency;
}

std::string theCustomers(const std::string& what, const std::string& value) {
    return value.empty() ? "the customer has no " + what : "the customer's is " + value;
}

}  // namespace

std::string reason(const QuoteBasis& basis, const Candidate& candidate) {
    const auto& r = candidate.rule;
    const std::string& by = candidate.beaten_by;
    switch (candidate.outcome) {
        case Outcome::Won: {
            std::string text =
                "gives the price: the highest-ranked rule that applies (scope " + scopeName(r.scope) + ")";
            if (r.discount_percent && candidate.base_price) {
                text += "; " + r.discount_percent->toString() + " % off the base price " +
                        shownPrice(*candidate.base_price, basis.currency) + " of " +
                        (candidate.base_rule ? "rule " + *candidate.base_rule : std::string("the list price"));
            }
            return text;
        }
        case Outcome::BaseOfWinner:
            return "gives the base price that the winning rule's percentage is taken off";
        case Outcome::OutrankedByScope:
            return "applies, but rule " + by + " has a higher scope";
        case Outcome::LostToNewer:
            return "applies, but rule " + by + " of the same scope is newer (a later valid_from)";
        case Outcome::LostToHigherTier:
            return "applies, but rule " + by + " of the same scope has a higher quantity tier";
        case Outcome::LostToLowerPrice:
            return "applies, but rule " + by + " of the same scope and tier gives a lower price";
        case Outcome::LostOnRuleId:
            return "ties with rule " + by + " in every respect; the smaller rule_id wins";
        case Outcome::NoBasePrice:
            return "a percentage, but there is no base price in " + basis.currency +
                   " to take it off (the list price is in " + basis.item.currency + ")";
        case Outcome::Inactive:
            return "inactive: the ERP no longer has this rule";
        case Outcome::OtherCustomer:
            return "for customer " + r.scope_key + ", not " + basis.customer.code;
        case Outcome::OtherGroup:
            return "for customer group " + r.scope_key + "; " + theCustomers("group", basis.customer.customer_group);
        case Outcome::OtherPriceList:
            return "for price list " + r.scope_key + "; " + theCustomers("price list", basis.customer.price_list);
        case Outcome::OtherCurrency:
            return "in " + r.currency + ", not " + basis.currency;
        case Outcome::NotYetValid:
            return "valid from " + r.valid_from + ", after " + basis.date;
        case Outcome::Expired:
            return "expired on " + r.valid_to.value_or("?") + ", before " + basis.date;
        case Outcome::BelowMinQuantity:
            return "quantity " + basis.quantity.toString() + " is below the minimum " + r.min_quantity.toString();
        case Outcome::AtOrAboveMaxQuantity:
            return "quantity " + basis.quantity.toString() + " is at or above the maximum " +
                   (r.max_quantity ? r.max_quantity->toString() : std::string("?")) + " (exclusive)";
    }
    return "";
}

}  // namespace syncline::pricing
