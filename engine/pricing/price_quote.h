#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/decimal.h"
#include "engine/model/money.h"
#include "engine/model/records.h"

namespace syncline::pricing {

// The values of a price look-up: what was asked, the rules considered and the price. docs/pricing.md has the
// precedence, the rounding and worked examples.

/// A customer's pricing terms as the webstore holds them.
struct CustomerTerms {
    std::string code;
    std::string customer_group;  ///< empty: no group, so no customer-group rule applies
    std::string price_list;      ///< empty: no price list, so no price-list rule applies
    std::string currency;        ///< the customer's currency, the default of a request
    bool blocked = false;        ///< blocked in the ERP: priced, but must not order (docs/pricing.md)
};

/// An item's list price as the webstore holds it.
struct ItemTerms {
    std::string sku;
    model::Decimal list_price;
    std::string currency;  ///< of the list price
};

/// What a price is resolved for: the customer and item as read, the quantity, the currency and the day.
struct QuoteBasis {
    CustomerTerms customer;
    ItemTerms item;
    model::Decimal quantity;
    std::string currency;  ///< ISO 4217 code: requested, or the customer's
    std::string date;      ///< "YYYY-MM-DD"
};

/// Why a rule did or did not give the price. The first seven applied to the request and competed; the others did
/// not apply, for the first reason found in the order listed.
enum class Outcome {
    Won,                   ///< gave the price
    BaseOfWinner,          ///< gave the base price that the winning percentage was taken off
    OutrankedByScope,      ///< applied, but a rule of a higher scope gave the price
    LostToNewer,           ///< same scope, a rule with a later valid_from won
    LostToHigherTier,      ///< same scope and valid_from, a rule with a higher min_quantity won
    LostToLowerPrice,      ///< same scope, valid_from and min_quantity, a rule giving a lower price won
    LostOnRuleId,          ///< the same in every respect, and the rule with the smaller rule_id won
    NoBasePrice,           ///< a percentage, but no base price in the currency to take it off
    Inactive,              ///< deactivated: the ERP no longer has it
    OtherCustomer,         ///< a customer rule of another customer
    OtherGroup,            ///< a customer-group rule of another group (or the customer has none)
    OtherPriceList,        ///< a price-list rule of another price list (or the customer has none)
    OtherCurrency,         ///< in another currency than the one asked for
    NotYetValid,           ///< valid_from is after the day
    Expired,               ///< valid_to is before the day
    BelowMinQuantity,      ///< the quantity is below min_quantity (inclusive)
    AtOrAboveMaxQuantity,  ///< the quantity is at or above max_quantity (exclusive)
};

/// "won", "base_of_winner", "outranked_by_scope", "lost_to_newer", "lost_to_higher_tier", "lost_to_lower_price",
/// "lost_on_rule_id", "no_base_price", "inactive", "other_customer", "other_group", "other_price_list",
/// "other_currency", "not_yet_valid", "expired", "below_min_quantity", "at_or_above_max_quantity".
std::string_view toString(Outcome outcome);

/// True for the outcomes of rules that applied to the request and gave a price (Won up to LostOnRuleId).
bool applied(Outcome outcome);

/// One price rule of the item as the resolver read it, and what became of it.
struct Candidate {
    model::PriceRule rule;
    bool active = true;
    Outcome outcome = Outcome::Inactive;
    std::optional<model::Decimal> price;       ///< the unit price it gives, when it applied
    std::optional<model::Decimal> base_price;  ///< a percentage that applied: the price it was taken off
    std::optional<std::string> base_rule;      ///< ... and the rule that gave that base (none: the list price)
    std::string beaten_by;                     ///< Outranked and Lost*: the rule_id that won over it
};

/// Whether the price came from a rule, from the item's list price, or live from the ERP (the pricing APIs' live
/// mode; the candidates then say what the synced rules give, and synced_unit_price holds it).
enum class PriceSource { Rule, ListPrice, Live };

/// "rule", "list_price", "live".
std::string_view toString(PriceSource source);

/// A price: the unit price (exact, up to 6 places), the line total (rounded to the currency's minor unit, half up)
/// and every candidate rule with its outcome, highest scope first, then in precedence order.
struct PriceQuote {
    QuoteBasis basis;
    model::Money unit_price;
    model::Money line_total;
    PriceSource source = PriceSource::ListPrice;
    std::vector<Candidate> candidates;
    std::optional<model::Decimal> synced_unit_price;  ///< source Live: the unit price of the synced rules

    /// The rule that gave the price; nullptr when it is the list price or a live price.
    const Candidate* winner() const;
};

/// One sentence for sales staff on why `candidate` won, lost or did not apply to `basis`, e.g.
/// "quantity 10 is below the minimum 25" or "applies, but rule SP-12 of the same scope is newer (a later
/// valid_from)".
std::string reason(const QuoteBasis& basis, const Candidate& candidate);

enum class PricingErrorKind {
    InvalidRequest,    ///< a malformed date, currency code or quantity
    UnknownCustomer,   ///< no such customer code in the webstore
    InactiveCustomer,  ///< the customer was deactivated (the ERP no longer has it)
    UnknownItem,       ///< no such SKU in the webstore
    InactiveItem,      ///< the item was deactivated
    NoPrice,           ///< no rule applies and the list price is not in the requested currency
};

/// "invalid_request", "unknown_customer", "inactive_customer", "unknown_item", "inactive_item", "no_price".
std::string_view toString(PricingErrorKind kind);

/// Why a price could not be given. The message names the customer, the item and the reason. A NoPrice error also
/// carries the basis and the candidates, each with why it did not apply.
class PricingError : public std::runtime_error {
  public:
    PricingError(PricingErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    PricingError(const std::string& message, QuoteBasis basis, std::vector<Candidate> candidates)
        : std::runtime_error(message),
          kind_(PricingErrorKind::NoPrice),
          basis_(std::move(basis)),
          candidates_(std::move(candidates)) {}

    PricingErrorKind kind() const { return kind_; }
    const std::optional<QuoteBasis>& basis() const { return basis_; }
    const std::vector<Candidate>& candidates() const { return candidates_; }

  private:
    PricingErrorKind kind_;
    std::optional<QuoteBasis> basis_;
    std::vector<Candidate> candidates_;
};

}  // namespace syncline::pricing
