#pragma once

#include <vector>

#include "engine/pricing/price_quote.h"

namespace syncline::pricing {

/// Picks the price for `basis` among the item's rules by the precedence of docs/pricing.md:
/// customer > customer group > price list > everyone > list price; within a scope the latest valid_from, then
/// the highest min_quantity, then the lower price, then the smaller rule_id. A percentage of a customer or group
/// rule is taken off the standard price (the price-list rule, else the everyone rule, else the list price); one of
/// a price-list rule off the everyone rule or the list price; one of an everyone rule off the list price.
///
/// `candidates` are every rule read for the item, in any order, with `rule` and `active` set; each one's outcome is
/// set here. `basis.currency` must be a known ISO 4217 code. A pure function: no I/O, thread-safe.
/// Throws PricingError(NoPrice) with the candidates when no rule applies and the list price is in another
/// currency, PricingError(InvalidRequest) when the line total leaves Decimal's range, std::runtime_error naming the
/// rule when a stored discount is outside 0..100.
PriceQuote selectPrice(QuoteBasis basis, std::vector<Candidate> candidates);

}  // namespace syncline::pricing
