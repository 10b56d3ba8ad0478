// Syncline PricingService: live customer prices for a storefront (docs/pricing.md, "Thrift API").
//
// Transport: TFramedTransport over TCP, TBinaryProtocol. Served by `syncline serve` when [api] thrift_port is set.
// Every amount and quantity is a decimal string ("12.50", "0.0125", "3"): never a floating-point number.
// Dates are "YYYY-MM-DD", currencies ISO 4217 codes.

namespace cpp syncline.thrift_api

struct CartLine {
  1: required string sku,
  2: required string quantity,            // > 0
}

struct CartRequest {
  1: required string token,               // the API token ([api] token_env / token_file)
  2: required string customer,            // customer code
  3: required list<CartLine> lines,       // at most [api] max_cart_lines
  4: optional string date,                // default: today (UTC)
  5: optional string currency,            // default: the customer's currency
}

struct LineRequest {
  1: required string token,
  2: required string customer,
  3: required string sku,
  4: optional string quantity,            // default "1"
  5: optional string date,
  6: optional string currency,
}

// One rule the resolver considered, and what became of it.
struct Candidate {
  1: required string rule_id,
  2: required string scope,               // customer, price_list, customer_group, everyone
  3: required string scope_key,
  4: optional string unit_price,          // an absolute rule
  5: optional string discount_percent,    // a percentage rule
  6: required string currency,
  7: required string min_quantity,
  8: optional string max_quantity,        // exclusive
  9: required string valid_from,
  10: optional string valid_to,
  11: required bool active,
  12: optional string price,              // the unit price it gives, when it applied
  13: required string outcome,            // won, base_of_winner, outranked_by_scope, ..., expired (docs/pricing.md)
  14: required string reason,             // one sentence for people
}

// A priced line, or why it has no price (error_kind set, the price fields unset).
struct LinePrice {
  1: required string sku,
  2: required string quantity,
  3: optional string unit_price,          // exact, up to 6 places
  4: optional string line_total,          // rounded to the currency's minor unit, half up
  5: optional string source,              // rule, list_price, live
  6: optional string rule_id,             // the rule that gave the price; unset: the list price
  7: optional string error_kind,          // unknown_item, inactive_item, no_price, invalid_request
  8: optional string error,               // names the item and the reason
  9: optional string answered_by,         // synced, live or cache (live mode)
  10: optional string synced_unit_price,  // source live: what the synced rules give
}

// Which source answered and how old the synced prices are.
struct Provenance {
  1: required string answered_by,         // synced, live, cache, or mixed (a cart's lines answered by several)
  2: optional string synced_at,           // when the prices job last applied the ERP's rules ("...Z")
  3: optional i64 synced_age_s,
  4: list<string> warnings,               // the synced prices are older than [pricing] max_age_s; why a
                                          // live price was not used
}

struct CartPrices {
  1: required string customer,
  2: required bool customer_blocked,      // priced, but must not place orders
  3: required string currency,
  4: required string date,
  5: required list<LinePrice> lines,      // in the order of the request
  6: required string total,               // the sum of the priced lines
  7: required bool complete,              // every line has a price
  8: required Provenance provenance,
}

struct Explanation {
  1: required string customer,
  2: required string customer_group,      // empty: none
  3: required string price_list,          // empty: none
  4: required string currency,
  5: required string date,
  6: required string list_price,          // the item's list price ...
  7: required string list_currency,       // ... and its currency
  8: required LinePrice line,
  9: required list<Candidate> candidates, // highest scope first, then in precedence order
  10: required Provenance provenance,
}

// kind: unauthorized, invalid_request, unknown_customer, inactive_customer, unknown_item, inactive_item,
// no_price, unavailable (the webstore cannot be read; try again).
exception PricingFault {
  1: required string kind,
  2: required string message,
}

service PricingService {
  // Every line of a cart in one call, without candidates.
  CartPrices priceCart(1: CartRequest request) throws (1: PricingFault fault),

  // One line with every candidate rule and why it won, lost or did not apply.
  Explanation explain(1: LineRequest request) throws (1: PricingFault fault),
}
