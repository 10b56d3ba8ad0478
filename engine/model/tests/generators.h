#pragma once

#include <rapidcheck.h>

#include <cstdint>

#include "engine/model/currency.h"
#include "engine/model/decimal.h"

namespace syncline::model::testing {

inline constexpr std::int64_t kPow10[] = {1, 10, 100, 1'000, 10'000, 100'000, 1'000'000};

/// Decimals with -limit <= units < limit, spread over the whole interval (inRange's upper bound is exclusive;
/// +limit itself comes from decimalUpTo's extremes).
inline rc::Gen<Decimal> decimalWithin(std::int64_t limit) {
    return rc::gen::map(rc::gen::inRange<std::int64_t>(-limit, limit), &Decimal::fromUnits);
}

/// Values that sit exactly on a rounding tie for some number of places: k.5, k.05, ..., k.000005 (any sign).
inline rc::Gen<Decimal> decimalTie(std::int64_t limit) {
    return rc::gen::apply(
        [](std::int64_t whole, int step_exponent, bool negative) {
            const std::int64_t half_step = 5 * kPow10[step_exponent];
            const std::int64_t units = whole * 10 * kPow10[step_exponent] + half_step;
            return Decimal::fromUnits(negative ? -units : units);
        },
        rc::gen::inRange<std::int64_t>(0, limit / 10'000'000), rc::gen::inRange(0, 6), rc::gen::arbitrary<bool>());
}

/// A mix of small values, typical prices and quantities, rounding ties and extremes, all with |units| <= limit.
inline rc::Gen<Decimal> decimalUpTo(std::int64_t limit) {
    return rc::gen::oneOf(
        rc::gen::map(rc::gen::inRange<std::int64_t>(-2'000'000'000, 2'000'000'001),
                     [limit](std::int64_t units) { return Decimal::fromUnits(units % limit); }),
        rc::gen::map(rc::gen::inRange<std::int64_t>(-10'000'000, 10'000'001),
                     [limit](std::int64_t cents) { return Decimal::fromUnits((cents * 10'000) % limit); }),
        decimalTie(limit), decimalWithin(limit),
        rc::gen::element(Decimal(), Decimal::fromUnits(limit), Decimal::fromUnits(-limit)));
}

/// Any representable Decimal, biased towards interesting values.
inline rc::Gen<Decimal> anyDecimal() {
    return decimalUpTo(Decimal::kMaxUnits);
}

inline rc::Gen<RoundingMode> anyRoundingMode() {
    return rc::gen::element(RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up,
                            RoundingMode::Floor, RoundingMode::Ceiling);
}

inline rc::Gen<Currency> anyCurrency() {
    return rc::gen::elementOf(Currency::all());
}

}  // namespace syncline::model::testing
