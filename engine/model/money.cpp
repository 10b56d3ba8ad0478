#include "engine/model/money.h"

#include <algorithm>
#include <ostream>

namespace syncline::model {
namespace {

void requireSameCurrency(const Money& a, const Money& b) {
    if (a.currency != b.currency) {
        throw CurrencyMismatch(a.currency, b.currency);
    }
}

}  // namespace

CurrencyMismatch::CurrencyMismatch(const Currency& left, const Currency& right)
    : std::invalid_argument("currency mismatch: " + std::string(left.code()) + " and " + std::string(right.code())) {}

Money Money::roundedToMinor(RoundingMode mode) const {
    return Money{amount.round(currency.minorDigits(), mode), currency};
}

Money Money::percentOff(const Decimal& percent, RoundingMode mode) const {
    const Decimal hundred = Decimal::fromInt(100);
    if (percent.isNegative() || percent > hundred) {
        throw std::invalid_argument("percent off must be between 0 and 100, got " + percent.toString());
    }
    // One exact scaling instead of "amount - discount": a single rounding, so the mode applies to the result.
    return Money{amount.mulDiv(hundred - percent, hundred, mode), currency};
}

std::string Money::toString() const {
    const int places = std::max(currency.minorDigits(), amount.fractionalDigits());
    return amount.toString(places) + " " + std::string(currency.code());
}

Money operator+(const Money& a, const Money& b) {
    requireSameCurrency(a, b);
    return Money{a.amount + b.amount, a.currency};
}

Money operator-(const Money& a, const Money& b) {
    requireSameCurrency(a, b);
    return Money{a.amount - b.amount, a.currency};
}

Money lineTotal(const Money& unit_price, const Decimal& quantity, RoundingMode mode) {
    const Currency& currency = unit_price.currency;
    return Money{unit_price.amount.multiply(quantity, mode, currency.minorDigits()), currency};
}

std::ostream& operator<<(std::ostream& out, const Money& money) {
    return out << money.toString();
}

}  // namespace syncline::model
