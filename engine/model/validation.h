#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/model/records.h"

namespace syncline::model {

/// One rule a record breaks. `field` is the struct member ("list_price", "lines[2].quantity" with the 0-based
/// index into Order::lines); `value` is a display-safe excerpt of the offending value (control characters, quotes,
/// backslashes and invalid UTF-8 bytes escaped, cut after 64 characters with "..."), amounts written with at least
/// the currency's minor digits; `reason` says what is wrong ("must not be negative").
struct FieldError {
    std::string field;
    std::string value;
    std::string reason;

    bool operator==(const FieldError&) const = default;
};

/// Length limits, in Unicode characters (code points), shared with the webstore schema.
inline constexpr std::size_t kMaxKeyLength = 64;  ///< sku, codes, ids, warehouse, group, price list, scope key
inline constexpr std::size_t kMaxNameLength = 255;
inline constexpr std::size_t kMaxUnitOfMeasureLength = 32;
inline constexpr std::size_t kMaxDescriptionLength = 65535;
inline constexpr std::size_t kMaxEmailLength = 254;
inline constexpr std::size_t kMaxNoteLength = 1000;

// The validate() functions return every broken rule, at most one per field, in field order; an empty vector means
// the record is valid. They never throw (except std::bad_alloc). Rules common to all records:
//  - text must be valid UTF-8 without control characters (C0, DEL, C1); only description and note may contain
//    tab, CR and LF;
//  - keys (sku, codes, ids, warehouse, customer_group, price_list, scope_key) must not start or end with
//    whitespace — usually CHAR padding from the ERP that would otherwise create a second, different key;
//  - currencies must be known ISO 4217 codes (Currency::fromCode);
//  - erp_modified and placed_at must satisfy isIsoDateTime(), valid_from/valid_to isIsoDate().

/// sku, name and unit_of_measure required; list_price >= 0; currency known; erp_modified a timestamp.
std::vector<FieldError> validate(const Product& product);

/// sku and warehouse required. Negative quantities are allowed on purpose: many ERPs let stock go negative when
/// goods are sold ahead of the goods receipt, and the webstore should see that as "none available", not an error.
std::vector<FieldError> validate(const StockLevel& stock);

/// code and name required; customer_group, price_list and email optional (email, if set, must look like
/// local@domain); currency known.
std::vector<FieldError> validate(const Customer& customer);

/// rule_id and sku required; scope_key empty iff scope is Everyone; min_quantity >= 0; max_quantity (exclusive)
/// > min_quantity; exactly one of unit_price (>= 0, needs a currency) and discount_percent (0 < d <= 100; currency
/// may be empty or known); valid_from a real date; valid_to a real date not before valid_from.
std::vector<FieldError> validate(const PriceRule& rule);

/// order_id, customer_code, currency, placed_at and at least one line required; per line: line_no > 0 and unique,
/// sku required, quantity > 0, unit_price >= 0, note at most kMaxNoteLength characters.
std::vector<FieldError> validate(const Order& order);

/// One line for an administrator: `field 'list_price' = "-1.00": must not be negative`.
std::string describe(const FieldError& error);

}  // namespace syncline::model
