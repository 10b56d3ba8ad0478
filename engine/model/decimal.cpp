#include "engine/model/decimal.h"

#include <algorithm>
#include <array>
#include <ostream>
#include <stdexcept>

namespace syncline::model {
namespace {

using Wide = __int128;

constexpr std::array<std::int64_t, Decimal::kScale + 1> kPow10 = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000};

std::int64_t checkedUnits(Wide units) {
    if (units > Decimal::kMaxUnits || units < Decimal::kMinUnits) {
        throw std::overflow_error("decimal result out of range (max ±9223372036854.775807)");
    }
    return static_cast<std::int64_t>(units);
}

void checkPlaces(int places) {
    if (places < 0 || places > Decimal::kScale) {
        throw std::invalid_argument("decimal places must be 0..6, got " + std::to_string(places));
    }
}

// Whether a truncated quotient must move one step away from zero, given the remainder's size relative to den.
bool roundsAway(Wide quotient, Wide remainder, Wide den, bool negative, RoundingMode mode) {
    const Wide twice = 2 * (remainder < 0 ? -remainder : remainder);
    switch (mode) {
        case RoundingMode::Down:
            return false;
        case RoundingMode::Up:
            return true;
        case RoundingMode::Floor:
            return negative;
        case RoundingMode::Ceiling:
            return !negative;
        case RoundingMode::HalfUp:
            return twice >= den;
        case RoundingMode::HalfEven:
            return twice > den || (twice == den && quotient % 2 != 0);
    }
    throw std::invalid_argument("unknown rounding mode");
}

// num / den rounded to an integer with mode; den > 0.
Wide roundedQuotient(Wide num, Wide den, RoundingMode mode) {
    const Wide quotient = num / den;
    const Wide remainder = num % den;
    if (remainder == 0) {
        return quotient;
    }
    const bool negative = num < 0;
    if (!roundsAway(quotient, remainder, den, negative, mode)) {
        return quotient;
    }
    return negative ? quotient - 1 : quotient + 1;
}

// The value num / den millionths, rounded once to `places` fractional digits.
std::int64_t unitsFromQuotient(Wide num, Wide den, int places, RoundingMode mode) {
    checkPlaces(places);
    if (den == 0) {
        throw std::domain_error("decimal division by zero");
    }
    if (den < 0) {
        num = -num;
        den = -den;
    }
    const std::int64_t step = kPow10[Decimal::kScale - places];
    // Checking the quotient first keeps the multiplication below within __int128.
    const std::int64_t steps = checkedUnits(roundedQuotient(num, den * step, mode));
    return checkedUnits(Wide{steps} * step);
}

void setWhy(std::string* why, std::string_view reason) {
    if (why != nullptr) {
        *why = reason;
    }
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Explains a syntax error with a hint where a typical ERP export mistake is recognisable.
std::string_view syntaxReason(std::string_view text) {
    if (text.find(',') != std::string_view::npos) {
        return "not a number (use '.' for decimals and no thousands separators)";
    }
    if (text.find_first_of(" \t\r\n") != std::string_view::npos) {
        return "not a number (spaces are not allowed)";
    }
    return "not a number";
}

struct NumberParts {
    bool negative = false;
    std::string_view whole;
    std::string_view fraction;
};

// Splits text into sign, whole digits and fraction digits; nullopt when it is not [+-]digits[.digits] or
// [+-].digits.
std::optional<NumberParts> splitNumber(std::string_view text) {
    NumberParts parts;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        parts.negative = text.front() == '-';
        text.remove_prefix(1);
    }
    const std::size_t point = text.find('.');
    parts.whole = text.substr(0, point);
    if (point != std::string_view::npos) {
        parts.fraction = text.substr(point + 1);
        if (parts.fraction.empty()) {
            return std::nullopt;  // "5." looks like a truncated field
        }
    } else if (parts.whole.empty()) {
        return std::nullopt;
    }
    for (std::string_view digits : {parts.whole, parts.fraction}) {
        for (char c : digits) {
            if (!isDigit(c)) {
                return std::nullopt;
            }
        }
    }
    return parts;
}

}  // namespace

std::string_view toString(RoundingMode mode) {
    switch (mode) {
        case RoundingMode::HalfUp:
            return "half_up";
        case RoundingMode::HalfEven:
            return "half_even";
        case RoundingMode::Down:
            return "down";
        case RoundingMode::Up:
            return "up";
        case RoundingMode::Floor:
            return "floor";
        case RoundingMode::Ceiling:
            return "ceiling";
    }
    return "unknown";
}

std::optional<RoundingMode> parseRoundingMode(std::string_view text) {
    for (RoundingMode mode : {RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up,
                              RoundingMode::Floor, RoundingMode::Ceiling}) {
        if (toString(mode) == text) {
            return mode;
        }
    }
    return std::nullopt;
}

std::optional<Decimal> Decimal::parse(std::string_view text, std::string* why) {
    const std::optional<NumberParts> parts = splitNumber(text);
    if (!parts) {
        setWhy(why, syntaxReason(text));
        return std::nullopt;
    }
    const std::size_t kept = std::min<std::size_t>(parts->fraction.size(), kScale);
    if (parts->fraction.find_first_not_of('0', kept) != std::string_view::npos) {
        setWhy(why, "too many decimal places (max 6)");
        return std::nullopt;
    }
    Wide units = 0;
    for (char c : parts->whole) {
        units = units * 10 + (c - '0') * kUnitsPerOne;
        if (units > kMaxUnits) {
            setWhy(why, "out of range");
            return std::nullopt;
        }
    }
    for (std::size_t i = 0; i < kept; ++i) {
        units += (parts->fraction[i] - '0') * kPow10[kScale - 1 - i];
    }
    if (units > kMaxUnits) {
        setWhy(why, "out of range");
        return std::nullopt;
    }
    const auto magnitude = static_cast<std::int64_t>(units);
    return Decimal(parts->negative ? -magnitude : magnitude);
}

Decimal Decimal::fromUnits(std::int64_t units) {
    return Decimal(checkedUnits(units));
}

Decimal Decimal::fromInt(std::int64_t value) {
    return Decimal(checkedUnits(Wide{value} * kUnitsPerOne));
}

int Decimal::fractionalDigits() const {
    int digits = kScale;
    for (std::int64_t rest = units_; digits > 0 && rest % 10 == 0; rest /= 10) {
        --digits;
    }
    return digits;
}

std::string Decimal::toString() const {
    return toString(fractionalDigits());
}

std::string Decimal::toString(int places) const {
    const std::int64_t rounded = round(places, RoundingMode::HalfUp).units_;
    const std::int64_t magnitude = rounded < 0 ? -rounded : rounded;
    std::string text = rounded < 0 ? "-" : "";
    text += std::to_string(magnitude / kUnitsPerOne);
    if (places > 0) {
        std::string fraction = std::to_string(magnitude % kUnitsPerOne);
        fraction.insert(0, kScale - fraction.size(), '0');
        text += '.';
        text += fraction.substr(0, places);
    }
    return text;
}

Decimal Decimal::round(int places, RoundingMode mode) const {
    return Decimal(unitsFromQuotient(units_, 1, places, mode));
}

Decimal Decimal::multiply(const Decimal& other, RoundingMode mode, int places) const {
    return Decimal(unitsFromQuotient(Wide{units_} * other.units_, kUnitsPerOne, places, mode));
}

Decimal Decimal::divide(const Decimal& divisor, RoundingMode mode, int places) const {
    return Decimal(unitsFromQuotient(Wide{units_} * kUnitsPerOne, divisor.units_, places, mode));
}

Decimal Decimal::mulDiv(const Decimal& factor, const Decimal& divisor, RoundingMode mode, int places) const {
    return Decimal(unitsFromQuotient(Wide{units_} * factor.units_, divisor.units_, places, mode));
}

Decimal operator+(const Decimal& a, const Decimal& b) {
    return Decimal(checkedUnits(Wide{a.units_} + b.units_));
}

Decimal operator-(const Decimal& a, const Decimal& b) {
    return Decimal(checkedUnits(Wide{a.units_} - b.units_));
}

std::ostream& operator<<(std::ostream& out, const Decimal& value) {
    return out << value.toString();
}

std::ostream& operator<<(std::ostream& out, RoundingMode mode) {
    return out << toString(mode);
}

}  // namespace syncline::model
