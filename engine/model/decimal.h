#pragma once

#include <compare>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace syncline::model {

/// How a value is brought to fewer fractional digits.
enum class RoundingMode {
    HalfUp,    ///< nearest; exact ties (.5) go away from zero: 2.5 -> 3, -2.5 -> -3 (commercial rounding)
    HalfEven,  ///< nearest; exact ties go to the even neighbour: 2.5 -> 2, 3.5 -> 4 (banker's rounding)
    Down,      ///< toward zero (truncate): 2.9 -> 2, -2.9 -> -2
    Up,        ///< away from zero: 2.1 -> 3, -2.1 -> -3
    Floor,     ///< toward negative infinity: 2.9 -> 2, -2.1 -> -3
    Ceiling,   ///< toward positive infinity: 2.1 -> 3, -2.9 -> -2
};

/// Stable lower-case name of a rounding mode ("half_up", "half_even", "down", "up", "floor", "ceiling").
std::string_view toString(RoundingMode mode);

/// Parses the names produced by toString(RoundingMode); nullopt for anything else.
std::optional<RoundingMode> parseRoundingMode(std::string_view text);

/// An exact fixed-point decimal for money and quantities: a signed 64-bit count of millionths
/// (`kScale` = 6 fractional digits), so 4–6 place unit prices and fractional quantities fit exactly.
///
/// The range is symmetric: ±9 223 372 036 854.775807 (units ±(2^63 − 1)); the int64 minimum is not a valid
/// value, so negation never overflows. Every operation that would leave the range throws
/// `std::overflow_error` — nothing wraps. Intermediate products are exact (`__int128`) and rounded once.
/// A plain value type: cheap to copy, thread-compatible, default-constructed to zero.
class Decimal {
  public:
    static constexpr int kScale = 6;
    static constexpr std::int64_t kUnitsPerOne = 1'000'000;
    static constexpr std::int64_t kMaxUnits = INT64_MAX;
    static constexpr std::int64_t kMinUnits = -INT64_MAX;

    constexpr Decimal() = default;

    /// Parses plain decimal text: optional sign, digits, optional '.' and fraction. Accepted: "12", "-12.345",
    /// "+7", "0.5", ".5", "-.5", "007", "1.2345670" (extra fractional digits are allowed only if they are zeros).
    /// Rejected: "" , "5.", ".", " 1" (callers trim), "1,5", "1 000", "1'000", "1e3", "NaN", "inf", "0x1A",
    /// "1.2345678". On failure returns nullopt and, if `why` is given, sets it to a short reason:
    /// "not a number" (with a hint for commas and spaces), "too many decimal places (max 6)" or "out of range".
    /// Never throws.
    static std::optional<Decimal> parse(std::string_view text, std::string* why = nullptr);

    /// The value `units` millionths. Throws std::overflow_error for INT64_MIN (outside the symmetric range).
    static Decimal fromUnits(std::int64_t units);

    /// The whole number `value`. Throws std::overflow_error if |value| > 9 223 372 036 854.
    static Decimal fromInt(std::int64_t value);

    /// Largest and smallest representable values.
    static constexpr Decimal max() { return Decimal(kMaxUnits); }
    static constexpr Decimal min() { return Decimal(kMinUnits); }

    /// The value as a count of millionths.
    constexpr std::int64_t units() const { return units_; }

    constexpr bool isNegative() const { return units_ < 0; }
    constexpr bool isZero() const { return units_ == 0; }

    /// Number of fractional digits needed to write the value exactly (0..6): 12.50 -> 1, 3 -> 0, 0.000001 -> 6.
    int fractionalDigits() const;

    /// Shortest exact form, never exponent notation: "12.5", "-0.000001", "3", "0". parse(toString()) == *this.
    std::string toString() const;

    /// Exactly `places` fractional digits (0..6), rounding HalfUp when the value has more: toString(2) of 12.5 is
    /// "12.50", of 0.125 is "0.13". For display; round() first to choose another mode. Throws
    /// std::invalid_argument if places is outside 0..6, std::overflow_error if rounding leaves the range.
    std::string toString(int places) const;

    /// The value rounded to `places` fractional digits (0..6) with `mode`. Throws std::invalid_argument if places
    /// is outside 0..6, std::overflow_error if rounding up leaves the range.
    Decimal round(int places, RoundingMode mode) const;

    /// The exact product rounded once to `places` fractional digits (default: all 6) with `mode`.
    /// Throws std::overflow_error if the result is out of range, std::invalid_argument for places outside 0..6.
    Decimal multiply(const Decimal& other, RoundingMode mode, int places = kScale) const;

    /// The exact quotient rounded once to `places` fractional digits with `mode`. Throws std::domain_error when
    /// `divisor` is zero, std::overflow_error if the result is out of range, std::invalid_argument for bad places.
    Decimal divide(const Decimal& divisor, RoundingMode mode, int places = kScale) const;

    /// `*this × factor ÷ divisor` computed exactly and rounded once (e.g. a price scaled by 87.5/100 without rounding
    /// twice). Throws like divide().
    Decimal mulDiv(const Decimal& factor, const Decimal& divisor, RoundingMode mode, int places = kScale) const;

    /// Absolute value; never throws (the range is symmetric).
    constexpr Decimal abs() const { return Decimal(units_ < 0 ? -units_ : units_); }

    constexpr auto operator<=>(const Decimal&) const = default;

    /// Exact sum and difference; throw std::overflow_error when the result is out of range.
    friend Decimal operator+(const Decimal& a, const Decimal& b);
    friend Decimal operator-(const Decimal& a, const Decimal& b);
    Decimal& operator+=(const Decimal& other) { return *this = *this + other; }
    Decimal& operator-=(const Decimal& other) { return *this = *this - other; }

    /// Negation; never throws (the range is symmetric).
    constexpr Decimal operator-() const { return Decimal(-units_); }

  private:
    constexpr explicit Decimal(std::int64_t units) : units_(units) {}

    std::int64_t units_ = 0;
};

/// Writes toString(); lets GoogleTest and logs print values.
std::ostream& operator<<(std::ostream& out, const Decimal& value);
std::ostream& operator<<(std::ostream& out, RoundingMode mode);

}  // namespace syncline::model
