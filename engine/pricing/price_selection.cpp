#include "engine/pricing/price_selection.h"

#include <algorithm>
#include <array>
#include <stdexcept>

namespace syncline::pricing {

namespace {

using model::Decimal;
using model::PriceScope;
using model::RoundingMode;

// Standard levels first: a special price's percentage is taken off the standard price, so those are needed first.
constexpr std::array<PriceScope, 4> kLevels = {PriceScope::Everyone, PriceScope::PriceList, PriceScope::CustomerGroup,
                                               PriceScope::Customer};

int rank(PriceScope scope) {
    switch (scope) {
        case PriceScope::Everyone:
            return 0;
        case PriceScope::PriceList:
            return 1;
        case PriceScope::CustomerGroup:
            return 2;
        case PriceScope::Customer:
            return 3;
    }
    return 0;
}

// The first reason why a rule does not apply, in the order Outcome lists them; none when it applies.
std::optional<Outcome> notApplicable(const QuoteBasis& basis, const Candidate& candidate) {
    const auto& r = candidate.rule;
    const auto& customer = basis.customer;
    if (!candidate.active) {
        return Outcome::Inactive;
    }
    if (r.scope == PriceScope::Customer && r.scope_key != customer.code) {
        return Outcome::OtherCustomer;
    }
    if (r.scope == PriceScope::CustomerGroup &&
        (customer.customer_group.empty() || r.scope_key != customer.customer_group)) {
        return Outcome::OtherGroup;
    }
    if (r.scope == PriceScope::PriceList && (customer.price_list.empty() || r.scope_key != customer.price_list)) {
        return Outcome::OtherPriceList;
    }
    // A percentage may come without a currency (model::PriceRule); with one, it is agreed in that currency only.
    if ((r.unit_price || !r.currency.empty()) && r.currency != basis.currency) {
        return Outcome::OtherCurrency;
    }
    if (basis.date < r.valid_from) {  // "YYYY-MM-DD" orders as text
        return Outcome::NotYetValid;
    }
    if (r.valid_to && basis.date > *r.valid_to) {
        return Outcome::Expired;
    }
    if (basis.quantity < r.min_quantity) {
        return Outcome::BelowMinQuantity;
    }
    if (r.max_quantity && basis.quantity >= *r.max_quantity) {
        return Outcome::AtOrAboveMaxQuantity;
    }
    return std::nullopt;
}

// Whether `a` goes before `b` within one scope; both gave a price. A total order: rule ids are unique.
bool precedes(const Candidate& a, const Candidate& b) {
    if (a.rule.valid_from != b.rule.valid_from) {
        return a.rule.valid_from > b.rule.valid_from;
    }
    if (a.rule.min_quantity != b.rule.min_quantity) {
        return a.rule.min_quantity > b.rule.min_quantity;
    }
    if (*a.price != *b.price) {
        return *a.price < *b.price;
    }
    return a.rule.rule_id < b.rule.rule_id;
}

Outcome lostTo(const Candidate& loser, const Candidate& winner) {
    if (loser.rule.valid_from != winner.rule.valid_from) {
        return Outcome::LostToNewer;
    }
    if (loser.rule.min_quantity != winner.rule.min_quantity) {
        return Outcome::LostToHigherTier;
    }
    return *loser.price != *winner.price ? Outcome::LostToLowerPrice : Outcome::LostOnRuleId;
}

Decimal percentOff(const Decimal& base, const model::PriceRule& rule) {
    const Decimal hundred = Decimal::fromInt(100);
    const Decimal& percent = *rule.discount_percent;
    if (percent.isNegative() || percent > hundred) {
        throw std::runtime_error("price rule " + rule.rule_id + ": discount_percent " + percent.toString() +
                                 " is outside 0..100");
    }
    // One exact scaling, rounded once (see model::Money::percentOff).
    return base.mulDiv(hundred - percent, hundred, RoundingMode::HalfUp);
}

// The price a level gives and the rule it comes from (none: the list price).
struct LevelPrice {
    std::optional<Decimal> price;
    std::optional<std::size_t> rule;
};

void sortForDisplay(std::vector<Candidate>& candidates) {
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        if (rank(a.rule.scope) != rank(b.rule.scope)) {
            return rank(a.rule.scope) > rank(b.rule.scope);
        }
        const bool a_applied = applied(a.outcome);
        const bool b_applied = applied(b.outcome);
        if (a_applied != b_applied) {
            return a_applied;
        }
        return a_applied ? precedes(a, b) : a.rule.rule_id < b.rule.rule_id;
    });
}

std::string noPriceMessage(const QuoteBasis& basis) {
    return "no price for item " + basis.item.sku + " in " + basis.currency + " for customer " + basis.customer.code +
           " on " + basis.date + ": no rule applies and the list price is in " + basis.item.currency;
}

}  // namespace

PriceQuote selectPrice(QuoteBasis basis, std::vector<Candidate> candidates) {
    const model::Currency currency = model::Currency::of(basis.currency);
    const std::size_t n = candidates.size();
    std::vector<bool> applies(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        if (const auto why = notApplicable(basis, candidates[i])) {
            candidates[i].outcome = *why;
        } else {
            applies[i] = true;
        }
    }

    // `standard` cascades list price -> everyone -> price list; it is the base of the special levels.
    LevelPrice standard;
    if (basis.item.currency == basis.currency) {
        standard.price = basis.item.list_price;
    }
    std::array<std::optional<std::size_t>, 4> level_winner;
    std::vector<std::optional<std::size_t>> base_of(n);
    for (const PriceScope scope : kLevels) {
        const LevelPrice base = standard;
        std::optional<std::size_t> best;
        for (std::size_t i = 0; i < n; ++i) {
            auto& c = candidates[i];
            if (!applies[i] || c.rule.scope != scope) {
                continue;
            }
            if (c.rule.unit_price) {
                c.price = *c.rule.unit_price;
            } else if (base.price) {
                c.price = percentOff(*base.price, c.rule);
                c.base_price = base.price;
                base_of[i] = base.rule;
                if (base.rule) {
                    c.base_rule = candidates[*base.rule].rule.rule_id;
                }
            } else {
                c.outcome = Outcome::NoBasePrice;
                applies[i] = false;
                continue;
            }
            if (!best || precedes(c, candidates[*best])) {
                best = i;
            }
        }
        level_winner[static_cast<std::size_t>(rank(scope))] = best;
        if (best && (scope == PriceScope::Everyone || scope == PriceScope::PriceList)) {
            standard = {candidates[*best].price, best};
        }
    }

    LevelPrice final_price = standard;
    for (const PriceScope scope : {PriceScope::CustomerGroup, PriceScope::Customer}) {
        if (const auto w = level_winner[static_cast<std::size_t>(rank(scope))]) {
            final_price = {candidates[*w].price, w};
        }
    }
    if (!final_price.price) {
        sortForDisplay(candidates);
        std::string message = noPriceMessage(basis);
        throw PricingError(message, std::move(basis), std::move(candidates));
    }

    std::vector<bool> in_base_chain(n, false);
    for (auto i = final_price.rule ? base_of[*final_price.rule] : std::nullopt; i; i = base_of[*i]) {
        in_base_chain[*i] = true;
    }
    for (const auto& w : level_winner) {
        if (!w) {
            continue;
        }
        for (std::size_t i = 0; i < n; ++i) {
            auto& c = candidates[i];
            if (i == *w || !applies[i] || c.rule.scope != candidates[*w].rule.scope) {
                continue;
            }
            c.outcome = lostTo(c, candidates[*w]);
            c.beaten_by = candidates[*w].rule.rule_id;
        }
        auto& c = candidates[*w];
        if (*w == final_price.rule) {
            c.outcome = Outcome::Won;
        } else if (in_base_chain[*w]) {
            c.outcome = Outcome::BaseOfWinner;
        } else {
            c.outcome = Outcome::OutrankedByScope;
            c.beaten_by = candidates[*final_price.rule].rule.rule_id;  // a level winner means the final price is a rule
        }
    }

    const model::Money unit_price{*final_price.price, currency};
    std::optional<model::Money> line_total;
    try {
        line_total = model::lineTotal(unit_price, basis.quantity, RoundingMode::HalfUp);
    } catch (const std::overflow_error&) {
        throw PricingError(PricingErrorKind::InvalidRequest, "quantity " + basis.quantity.toString() +
                                                                 " times the unit price " + unit_price.toString() +
                                                                 " is out of range");
    }
    sortForDisplay(candidates);
    const PriceSource source = final_price.rule ? PriceSource::Rule : PriceSource::ListPrice;
    return PriceQuote{std::move(basis), unit_price, *line_total, source, std::move(candidates), std::nullopt};
}

}  // namespace syncline::pricing
