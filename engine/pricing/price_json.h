#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model/decimal.h"
#include "engine/pricing/freshness.h"
#include "engine/pricing/price_resolver.h"

namespace syncline::pricing {

// The JSON of price replies, shared by `syncline price --json` and the HTTP API (docs/pricing.md has the
// contract). Amounts are strings ("12.50"), never JSON numbers.

/// An amount with at least its currency's minor digits ("12.50"), and more when it has them ("0.0125"): never
/// rounded.
std::string amountText(const model::Decimal& amount, const std::string& currency);

/// One candidate rule with its outcome and reason.
nlohmann::json candidateJson(const QuoteBasis& basis, const Candidate& candidate);

/// customer, item, quantity, date, currency and candidates.
nlohmann::json basisJson(const QuoteBasis& basis, const std::vector<Candidate>& candidates);

/// A priced line: the basis, unit_price, line_total, source and the winning rule.
nlohmann::json quoteJson(const PriceQuote& quote);

/// A priced cart: customer, currency, date, total, complete, and per line either the quote or the error. With
/// `explain` off the lines carry no candidates.
nlohmann::json cartJson(const CartQuote& cart, bool explain);

/// {"error": kind, "message": ...} and, for NoPrice, the basis and candidates.
nlohmann::json errorJson(const PricingError& error);

/// synced_at, synced_age_s and warnings.
nlohmann::json freshnessJson(const Freshness& freshness);

}  // namespace syncline::pricing
