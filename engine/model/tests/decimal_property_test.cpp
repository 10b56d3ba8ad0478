#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <stdexcept>

#include "engine/model/decimal.h"
#include "engine/model/money.h"
#include "engine/model/tests/generators.h"

namespace syncline::model {
namespace {

using testing::anyCurrency;
using testing::anyDecimal;
using testing::anyRoundingMode;
using testing::decimalTie;
using testing::decimalUpTo;
using testing::kPow10;

// Leaves room for rounding to whole numbers without overflow.
constexpr std::int64_t kRoundable = Decimal::kMaxUnits - Decimal::kUnitsPerOne;

std::int64_t stepFor(int places) {
    return kPow10[Decimal::kScale - places];
}

bool isTie(const Decimal& value, int places) {
    const std::int64_t remainder = value.units() % stepFor(places);
    return remainder != 0 && (remainder < 0 ? -remainder : remainder) * 2 == stepFor(places);
}

RC_GTEST_PROP(DecimalProperty, ParseOfToStringGivesTheSameValue, ()) {
    const Decimal x = *anyDecimal();
    std::string why;
    const std::optional<Decimal> parsed = Decimal::parse(x.toString(), &why);
    RC_ASSERT(parsed.has_value());
    RC_ASSERT(*parsed == x);
}

RC_GTEST_PROP(DecimalProperty, ParseOfFixedPlacesGivesTheHalfUpRoundedValue, ()) {
    const Decimal x = *decimalUpTo(kRoundable);
    const int places = *rc::gen::inRange(0, Decimal::kScale + 1);
    RC_ASSERT(Decimal::parse(x.toString(places)) == x.round(places, RoundingMode::HalfUp));
}

RC_GTEST_PROP(DecimalProperty, AddingThenSubtractingIsIdentity, ()) {
    const Decimal a = *decimalUpTo(Decimal::kMaxUnits / 2);
    const Decimal b = *decimalUpTo(Decimal::kMaxUnits / 2);
    RC_ASSERT(a + b - b == a);
}

RC_GTEST_PROP(DecimalProperty, AdditionIsCommutative, ()) {
    const Decimal a = *decimalUpTo(Decimal::kMaxUnits / 2);
    const Decimal b = *decimalUpTo(Decimal::kMaxUnits / 2);
    RC_ASSERT(a + b == b + a);
}

RC_GTEST_PROP(DecimalProperty, AdditionIsAssociative, ()) {
    const Decimal a = *decimalUpTo(Decimal::kMaxUnits / 3);
    const Decimal b = *decimalUpTo(Decimal::kMaxUnits / 3);
    const Decimal c = *decimalUpTo(Decimal::kMaxUnits / 3);
    RC_ASSERT((a + b) + c == a + (b + c));
}

RC_GTEST_PROP(DecimalProperty, AdditionThrowsExactlyWhenTheTrueSumIsOutOfRange, ()) {
    const Decimal a = *anyDecimal();
    const Decimal b = *anyDecimal();
    const __int128 exact = static_cast<__int128>(a.units()) + b.units();
    const bool fits = exact >= Decimal::kMinUnits && exact <= Decimal::kMaxUnits;
    if (fits) {
        RC_ASSERT((a + b).units() == static_cast<std::int64_t>(exact));
    } else {
        RC_ASSERT_THROWS_AS(a + b, std::overflow_error);
    }
}

RC_GTEST_PROP(DecimalProperty, RoundIsIdempotent, ()) {
    const Decimal x = *decimalUpTo(kRoundable);
    const int places = *rc::gen::inRange(0, Decimal::kScale + 1);
    const RoundingMode mode = *anyRoundingMode();
    const Decimal once = x.round(places, mode);
    RC_ASSERT(once.round(places, mode) == once);
    RC_ASSERT(once.fractionalDigits() <= places);
}

RC_GTEST_PROP(DecimalProperty, NearestModesStayWithinHalfAUnit, ()) {
    const Decimal x = *decimalUpTo(kRoundable);
    const int places = *rc::gen::inRange(0, Decimal::kScale + 1);
    const RoundingMode mode = *rc::gen::element(RoundingMode::HalfUp, RoundingMode::HalfEven);
    const std::int64_t distance = (x.round(places, mode) - x).abs().units();
    RC_ASSERT(distance * 2 <= stepFor(places));
}

RC_GTEST_PROP(DecimalProperty, DirectedModesMoveTheRightWay, ()) {
    const Decimal x = *decimalUpTo(kRoundable);
    const int places = *rc::gen::inRange(0, Decimal::kScale + 1);
    const Decimal down = x.round(places, RoundingMode::Down);
    const Decimal up = x.round(places, RoundingMode::Up);
    const Decimal floor = x.round(places, RoundingMode::Floor);
    const Decimal ceiling = x.round(places, RoundingMode::Ceiling);
    RC_ASSERT(down.abs() <= x.abs());
    RC_ASSERT(up.abs() >= x.abs());
    RC_ASSERT(floor <= x);
    RC_ASSERT(ceiling >= x);
    RC_ASSERT((ceiling - floor).units() == (floor == x ? 0 : stepFor(places)));
    RC_ASSERT((x - floor).units() < stepFor(places));
}

RC_GTEST_PROP(DecimalProperty, HalfEvenAndHalfUpDifferOnlyOnExactTies, ()) {
    const Decimal x = *rc::gen::oneOf(decimalUpTo(kRoundable), decimalTie(kRoundable));
    const int places = *rc::gen::inRange(0, Decimal::kScale);
    const Decimal half_up = x.round(places, RoundingMode::HalfUp);
    const Decimal half_even = x.round(places, RoundingMode::HalfEven);
    if (!isTie(x, places)) {
        RC_ASSERT(half_up == half_even);
    } else {
        RC_TAG("tie");
        // On a tie HalfEven picks the even neighbour; HalfUp goes away from zero.
        RC_ASSERT((half_even.units() / stepFor(places)) % 2 == 0);
        RC_ASSERT(half_up.abs() > x.abs());
    }
}

RC_GTEST_PROP(DecimalProperty, OrderingMatchesUnits, ()) {
    const Decimal a = *anyDecimal();
    const Decimal b = *rc::gen::oneOf(anyDecimal(), rc::gen::just(a));
    RC_ASSERT((a < b) == (a.units() < b.units()));
    RC_ASSERT((a == b) == (a.units() == b.units()));
    RC_ASSERT((a > b) == (a.units() > b.units()));
    RC_ASSERT((a <= b) == (a.units() <= b.units()));
}

RC_GTEST_PROP(DecimalProperty, MultiplyIsCommutativeAndOneIsNeutral, ()) {
    const Decimal a = *decimalUpTo(3'000'000'000'000'000);
    const Decimal b = *decimalUpTo(3'000'000);
    const RoundingMode mode = *anyRoundingMode();
    RC_ASSERT(a.multiply(b, mode) == b.multiply(a, mode));
    RC_ASSERT(a.multiply(Decimal::fromInt(1), mode) == a);
    RC_ASSERT(a.divide(Decimal::fromInt(1), mode) == a);
}

RC_GTEST_PROP(DecimalProperty, DivideThenMultiplyIsWithinOneRoundingStep, ()) {
    const Decimal a = *decimalUpTo(1'000'000'000'000'000);
    const Decimal b =
        *rc::gen::suchThat(decimalUpTo(1'000'000'000), [](const Decimal& d) { return d.abs().units() >= 1'000'000; });
    const Decimal quotient = a.divide(b, RoundingMode::Down);
    const Decimal back = quotient.multiply(b, RoundingMode::Down);
    // Truncating the quotient loses less than 0.000001 × |b|; truncating the product less than one more unit.
    RC_ASSERT((a - back).abs().units() <= b.abs().units() / Decimal::kUnitsPerOne + 1);
}

RC_GTEST_PROP(DecimalProperty, LineTotalOfQuantityOneIsTheRoundedUnitPrice, ()) {
    const Money unit_price{*decimalUpTo(kRoundable), *anyCurrency()};
    const RoundingMode mode = *anyRoundingMode();
    RC_ASSERT(lineTotal(unit_price, Decimal::fromInt(1), mode) == unit_price.roundedToMinor(mode));
}

}  // namespace
}  // namespace syncline::model
