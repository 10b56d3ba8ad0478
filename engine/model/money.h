#pragma once

#include <iosfwd>
#include <stdexcept>
#include <string>

#include "engine/model/currency.h"
#include "engine/model/decimal.h"

namespace syncline::model {

/// Thrown when amounts in two different currencies are combined; the message names both codes.
class CurrencyMismatch : public std::invalid_argument {
  public:
    CurrencyMismatch(const Currency& left, const Currency& right);
};

/// An amount in a currency. The amount keeps Decimal's 6 places (unit prices often have 4); round to the
/// currency's minor unit with roundedToMinor() where a payable amount is needed. Equality is exact: 12.5 EUR and
/// 12.50 EUR are equal, 12.5 EUR and 12.5 USD are not. There is no ordering across currencies.
struct Money {
    Decimal amount;
    Currency currency;

    /// The amount rounded to the currency's minor digits (EUR 2, JPY 0, KWD 3) with `mode`.
    /// Throws std::overflow_error only if rounding leaves Decimal's range.
    Money roundedToMinor(RoundingMode mode) const;

    /// The amount reduced by `percent` percent (12.5 -> 87.5 % of the amount), computed exactly as
    /// amount × (100 − percent) ÷ 100 and rounded once to 6 places with `mode`; the caller rounds to the minor
    /// unit. Throws std::invalid_argument if percent is outside 0..100.
    Money percentOff(const Decimal& percent, RoundingMode mode) const;

    /// "12.50 EUR", "1500 JPY", "0.125 KWD". Shows at least the currency's minor digits and more when the amount
    /// has more (e.g. an unrounded 0.0125 EUR prints as "0.0125 EUR"); never rounds, so nothing is hidden.
    std::string toString() const;

    bool operator==(const Money&) const = default;
};

/// Exact sum and difference. Throw CurrencyMismatch when currencies differ, std::overflow_error out of range.
Money operator+(const Money& a, const Money& b);
Money operator-(const Money& a, const Money& b);

/// unit_price × quantity, rounded once (from the exact product) to the currency's minor digits with `mode`.
/// A quantity of 1 gives unit_price.roundedToMinor(mode). Negative quantities (returns) are computed, not
/// rejected; validation decides whether they are allowed. Throws std::overflow_error when out of range.
Money lineTotal(const Money& unit_price, const Decimal& quantity, RoundingMode mode);

/// Writes toString().
std::ostream& operator<<(std::ostream& out, const Money& money);

}  // namespace syncline::model
