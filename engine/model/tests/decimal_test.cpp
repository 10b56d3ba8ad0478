#include "engine/model/decimal.h"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace syncline::model {
namespace {

Decimal dec(std::string_view text) {
    std::string why;
    const std::optional<Decimal> value = Decimal::parse(text, &why);
    if (!value) {
        throw std::invalid_argument("bad test literal '" + std::string(text) + "': " + why);
    }
    return *value;
}

// ---- parse -------------------------------------------------------------------------------------------------------

struct Accepted {
    std::string_view text;
    std::int64_t units;
};

TEST(DecimalParse, AcceptsPlainDecimalForms) {
    const std::vector<Accepted> cases = {
        {"12", 12'000'000},
        {"-12.345", -12'345'000},
        {"+7", 7'000'000},
        {"0.5", 500'000},
        {".5", 500'000},
        {"-.5", -500'000},
        {"007", 7'000'000},
        {"1.2345670", 1'234'567},
        {"1.000000000000", 1'000'000},
        {"0.000001", 1},
        {"-0.000001", -1},
        {"000000000000000000000000001", 1'000'000},
        {"9223372036854.775807", Decimal::kMaxUnits},
        {"-9223372036854.775807", Decimal::kMinUnits},
    };
    for (const Accepted& c : cases) {
        SCOPED_TRACE(c.text);
        std::string why = "untouched";
        const std::optional<Decimal> value = Decimal::parse(c.text, &why);
        ASSERT_TRUE(value.has_value()) << why;
        EXPECT_EQ(value->units(), c.units);
        EXPECT_EQ(why, "untouched");
    }
}

TEST(DecimalParse, NegativeZeroIsPlainZero) {
    const Decimal zero = dec("-0.000");
    EXPECT_TRUE(zero.isZero());
    EXPECT_FALSE(zero.isNegative());
    EXPECT_EQ(zero.toString(), "0");
}

struct Rejected {
    std::string_view text;
    std::string_view why;
};

TEST(DecimalParse, RejectsNonNumbersWithReason) {
    const std::vector<Rejected> cases = {
        {"", "not a number"},
        {"-", "not a number"},
        {"+", "not a number"},
        {".", "not a number"},
        {"5.", "not a number"},
        {"-.", "not a number"},
        {"abc", "not a number"},
        {"NaN", "not a number"},
        {"nan", "not a number"},
        {"inf", "not a number"},
        {"-Infinity", "not a number"},
        {"1e3", "not a number"},
        {"1E-3", "not a number"},
        {"0x1A", "not a number"},
        {"1.2.3", "not a number"},
        {"--1", "not a number"},
        {"+-1", "not a number"},
        {"1-", "not a number"},
        {"1'000", "not a number"},
        {"1_000", "not a number"},
        {"\xD9\xA1", "not a number"},  // ARABIC-INDIC DIGIT ONE
        {" 1", "not a number (spaces are not allowed)"},
        {"1 ", "not a number (spaces are not allowed)"},
        {"1 000", "not a number (spaces are not allowed)"},
        {"1\t", "not a number (spaces are not allowed)"},
        {"1,5", "not a number (use '.' for decimals and no thousands separators)"},
        {"1,000.00", "not a number (use '.' for decimals and no thousands separators)"},
    };
    for (const Rejected& c : cases) {
        SCOPED_TRACE(c.text);
        std::string why;
        EXPECT_FALSE(Decimal::parse(c.text, &why).has_value());
        EXPECT_EQ(why, c.why);
    }
}

TEST(DecimalParse, RejectsMoreThanSixSignificantDecimalPlaces) {
    for (std::string_view text : {"1.2345678", "0.0000001", "-0.0000009", "1.0000000001"}) {
        SCOPED_TRACE(text);
        std::string why;
        EXPECT_FALSE(Decimal::parse(text, &why).has_value());
        EXPECT_EQ(why, "too many decimal places (max 6)");
    }
}

TEST(DecimalParse, RejectsValuesOutOfRange) {
    for (std::string_view text :
         {"9223372036854.775808", "-9223372036854.775808", "9223372036855", "99999999999999999999999999"}) {
        SCOPED_TRACE(text);
        std::string why;
        EXPECT_FALSE(Decimal::parse(text, &why).has_value());
        EXPECT_EQ(why, "out of range");
    }
}

TEST(DecimalParse, ReasonIsOptional) {
    EXPECT_FALSE(Decimal::parse("x").has_value());
    EXPECT_FALSE(Decimal::parse("1.2345678").has_value());
    EXPECT_EQ(Decimal::parse("2.5")->units(), 2'500'000);
}

// ---- construction and formatting ---------------------------------------------------------------------------------

TEST(DecimalConstruct, FromUnitsAndFromInt) {
    EXPECT_EQ(Decimal::fromUnits(1).toString(), "0.000001");
    EXPECT_EQ(Decimal::fromInt(-42).units(), -42'000'000);
    EXPECT_EQ(Decimal::fromInt(9'223'372'036'854).toString(), "9223372036854");
    EXPECT_EQ(Decimal().units(), 0);
}

TEST(DecimalConstruct, OutOfRangeThrows) {
    EXPECT_THROW(Decimal::fromUnits(INT64_MIN), std::overflow_error);
    EXPECT_THROW(Decimal::fromInt(9'223'372'036'855), std::overflow_error);
    EXPECT_THROW(Decimal::fromInt(-9'223'372'036'855), std::overflow_error);
    EXPECT_THROW(Decimal::fromInt(INT64_MAX), std::overflow_error);
    EXPECT_THROW(Decimal::fromInt(INT64_MIN), std::overflow_error);
}

TEST(DecimalFormat, ShortestExactForm) {
    EXPECT_EQ(dec("12.50").toString(), "12.5");
    EXPECT_EQ(dec("-0.000001").toString(), "-0.000001");
    EXPECT_EQ(dec("3.000").toString(), "3");
    EXPECT_EQ(dec("0").toString(), "0");
    EXPECT_EQ(dec("-12.345").toString(), "-12.345");
    EXPECT_EQ(dec("100").toString(), "100");
    EXPECT_EQ(Decimal::max().toString(), "9223372036854.775807");
    EXPECT_EQ(Decimal::min().toString(), "-9223372036854.775807");
}

TEST(DecimalFormat, FixedPlacesPadsAndRoundsHalfUp) {
    EXPECT_EQ(dec("12.5").toString(2), "12.50");
    EXPECT_EQ(dec("3").toString(2), "3.00");
    EXPECT_EQ(dec("0.125").toString(2), "0.13");
    EXPECT_EQ(dec("-0.125").toString(2), "-0.13");
    EXPECT_EQ(dec("2.5").toString(0), "3");
    EXPECT_EQ(dec("-0.004").toString(2), "0.00");  // no "-0.00"
    EXPECT_EQ(dec("-1.000001").toString(6), "-1.000001");
}

TEST(DecimalFormat, FixedPlacesOutsideZeroToSixThrows) {
    EXPECT_THROW(dec("1").toString(7), std::invalid_argument);
    EXPECT_THROW(dec("1").toString(-1), std::invalid_argument);
    EXPECT_THROW(Decimal::max().toString(0), std::overflow_error);
}

TEST(DecimalFormat, FractionalDigits) {
    EXPECT_EQ(dec("12.50").fractionalDigits(), 1);
    EXPECT_EQ(dec("3").fractionalDigits(), 0);
    EXPECT_EQ(dec("0").fractionalDigits(), 0);
    EXPECT_EQ(dec("-0.000001").fractionalDigits(), 6);
    EXPECT_EQ(dec("1.25").fractionalDigits(), 2);
}

// ---- comparison and arithmetic -----------------------------------------------------------------------------------

TEST(DecimalCompare, OrdersByValue) {
    EXPECT_LT(dec("1.5"), dec("2"));
    EXPECT_LT(dec("-1"), dec("0"));
    EXPECT_LT(dec("-2"), dec("-1.999999"));
    EXPECT_EQ(dec("2.50"), dec("2.5"));
    EXPECT_NE(dec("2.5"), dec("-2.5"));
    EXPECT_GT(Decimal::max(), Decimal::min());
}

TEST(DecimalArithmetic, AddSubtractNegate) {
    EXPECT_EQ(dec("0.1") + dec("0.2"), dec("0.3"));
    EXPECT_EQ(dec("1") - dec("1.000001"), dec("-0.000001"));
    EXPECT_EQ(-dec("2.5"), dec("-2.5"));
    EXPECT_EQ(-Decimal::max(), Decimal::min());
    EXPECT_EQ(dec("-3.25").abs(), dec("3.25"));
    Decimal total;
    total += dec("1.5");
    total -= dec("0.25");
    EXPECT_EQ(total, dec("1.25"));
}

TEST(DecimalArithmetic, OverflowThrowsInsteadOfWrapping) {
    const Decimal tiny = Decimal::fromUnits(1);
    EXPECT_THROW(Decimal::max() + tiny, std::overflow_error);
    EXPECT_THROW(Decimal::min() - tiny, std::overflow_error);
    EXPECT_THROW(Decimal::max() - Decimal::min(), std::overflow_error);
    EXPECT_THROW(Decimal::max().multiply(dec("2"), RoundingMode::HalfUp), std::overflow_error);
    EXPECT_THROW(Decimal::max().multiply(Decimal::max(), RoundingMode::Down), std::overflow_error);
    EXPECT_THROW(Decimal::max().divide(dec("0.5"), RoundingMode::HalfUp), std::overflow_error);
    EXPECT_THROW(Decimal::max().round(0, RoundingMode::Up), std::overflow_error);
    EXPECT_THROW(Decimal::min().round(2, RoundingMode::Floor), std::overflow_error);
    EXPECT_EQ(Decimal::max() + Decimal::min(), Decimal());
}

TEST(DecimalArithmetic, MultiplyIsExactThenRoundedOnce) {
    EXPECT_EQ(dec("2.5").multiply(dec("1.2345"), RoundingMode::HalfUp), dec("3.08625"));
    EXPECT_EQ(dec("-2.5").multiply(dec("4"), RoundingMode::HalfUp), dec("-10"));
    const Decimal micro = Decimal::fromUnits(1);
    EXPECT_EQ(micro.multiply(dec("0.5"), RoundingMode::HalfUp), micro);
    EXPECT_EQ(micro.multiply(dec("0.5"), RoundingMode::HalfEven), Decimal());
    EXPECT_EQ(micro.multiply(dec("0.5"), RoundingMode::Down), Decimal());
    EXPECT_EQ((-micro).multiply(dec("0.5"), RoundingMode::HalfUp), -micro);
    EXPECT_EQ((-micro).multiply(dec("0.5"), RoundingMode::Floor), -micro);
    EXPECT_EQ((-micro).multiply(dec("0.5"), RoundingMode::Ceiling), Decimal());
    // 0.333333 × 0.015 = 0.004999995: rounding straight to 2 places gives 0.00, not 0.01 via 0.005000.
    EXPECT_EQ(dec("0.333333").multiply(dec("0.015"), RoundingMode::HalfUp, 2), dec("0"));
    EXPECT_EQ(dec("0.333333").multiply(dec("0.015"), RoundingMode::HalfUp), dec("0.005"));
}

TEST(DecimalArithmetic, DivideRoundsWithMode) {
    const Decimal ten = dec("10");
    const Decimal three = dec("3");
    EXPECT_EQ(ten.divide(three, RoundingMode::HalfUp), dec("3.333333"));
    EXPECT_EQ(ten.divide(three, RoundingMode::Up), dec("3.333334"));
    EXPECT_EQ((-ten).divide(three, RoundingMode::Floor), dec("-3.333334"));
    EXPECT_EQ((-ten).divide(three, RoundingMode::Ceiling), dec("-3.333333"));
    EXPECT_EQ(dec("1").divide(dec("-8"), RoundingMode::Down), dec("-0.125"));
    EXPECT_EQ(dec("1").divide(dec("-8"), RoundingMode::HalfEven, 2), dec("-0.12"));
    EXPECT_EQ(dec("7").divide(dec("0.5"), RoundingMode::Down), dec("14"));
}

TEST(DecimalArithmetic, DivideByZeroThrowsDomainError) {
    EXPECT_THROW(dec("1").divide(Decimal(), RoundingMode::HalfUp), std::domain_error);
    EXPECT_THROW(Decimal().divide(Decimal(), RoundingMode::Down), std::domain_error);
    EXPECT_THROW(dec("1").mulDiv(dec("2"), Decimal(), RoundingMode::Down), std::domain_error);
}

TEST(DecimalArithmetic, MulDivRoundsOnce) {
    EXPECT_EQ(dec("19.99").mulDiv(dec("87.5"), dec("100"), RoundingMode::HalfUp), dec("17.49125"));
    EXPECT_EQ(dec("19.99").mulDiv(dec("87.5"), dec("100"), RoundingMode::HalfUp, 2), dec("17.49"));
    // The exact product exceeds int64 units but the quotient fits.
    EXPECT_EQ(Decimal::max().mulDiv(dec("3"), dec("3"), RoundingMode::Down), Decimal::max());
}

TEST(DecimalArithmetic, InvalidPlacesThrow) {
    EXPECT_THROW(dec("1").round(7, RoundingMode::HalfUp), std::invalid_argument);
    EXPECT_THROW(dec("1").round(-1, RoundingMode::HalfUp), std::invalid_argument);
    EXPECT_THROW(dec("1").multiply(dec("1"), RoundingMode::HalfUp, 7), std::invalid_argument);
}

// ---- rounding at the .5 boundary ---------------------------------------------------------------------------------

// Expected results in the order HalfUp, HalfEven, Down, Up, Floor, Ceiling.
struct RoundingCase {
    std::string_view value;
    int places;
    std::array<std::string_view, 6> expected;
};

constexpr std::array<RoundingMode, 6> kModes = {RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down,
                                                RoundingMode::Up,     RoundingMode::Floor,    RoundingMode::Ceiling};

class DecimalRounding : public ::testing::TestWithParam<RoundingCase> {};

TEST_P(DecimalRounding, EveryModeGivesTheExpectedResult) {
    const RoundingCase& c = GetParam();
    for (std::size_t i = 0; i < kModes.size(); ++i) {
        SCOPED_TRACE(toString(kModes[i]));
        const Decimal rounded = dec(c.value).round(c.places, kModes[i]);
        EXPECT_EQ(rounded, dec(c.expected[i]));
        EXPECT_LE(rounded.fractionalDigits(), c.places);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Ties, DecimalRounding,
    ::testing::Values(RoundingCase{"2.5", 0, {"3", "2", "2", "3", "2", "3"}},
                      RoundingCase{"3.5", 0, {"4", "4", "3", "4", "3", "4"}},
                      RoundingCase{"-2.5", 0, {"-3", "-2", "-2", "-3", "-3", "-2"}},
                      RoundingCase{"-3.5", 0, {"-4", "-4", "-3", "-4", "-4", "-3"}},
                      RoundingCase{"0.5", 0, {"1", "0", "0", "1", "0", "1"}},
                      RoundingCase{"-0.5", 0, {"-1", "0", "0", "-1", "-1", "0"}},
                      RoundingCase{"0.125", 2, {"0.13", "0.12", "0.12", "0.13", "0.12", "0.13"}},
                      RoundingCase{"-0.125", 2, {"-0.13", "-0.12", "-0.12", "-0.13", "-0.13", "-0.12"}},
                      RoundingCase{"0.135", 2, {"0.14", "0.14", "0.13", "0.14", "0.13", "0.14"}},
                      RoundingCase{"-0.135", 2, {"-0.14", "-0.14", "-0.13", "-0.14", "-0.14", "-0.13"}},
                      RoundingCase{"1.234565", 5, {"1.23457", "1.23456", "1.23456", "1.23457", "1.23456", "1.23457"}},
                      RoundingCase{
                          "-1.234565", 5, {"-1.23457", "-1.23456", "-1.23456", "-1.23457", "-1.23457", "-1.23456"}}));

INSTANTIATE_TEST_SUITE_P(
    NearTies, DecimalRounding,
    ::testing::Values(RoundingCase{"2.499999", 0, {"2", "2", "2", "3", "2", "3"}},
                      RoundingCase{"2.500001", 0, {"3", "3", "2", "3", "2", "3"}},
                      RoundingCase{"-2.499999", 0, {"-2", "-2", "-2", "-3", "-3", "-2"}},
                      RoundingCase{"-2.500001", 0, {"-3", "-3", "-2", "-3", "-3", "-2"}},
                      RoundingCase{"0.124999", 2, {"0.12", "0.12", "0.12", "0.13", "0.12", "0.13"}},
                      RoundingCase{"-0.125001", 2, {"-0.13", "-0.13", "-0.12", "-0.13", "-0.13", "-0.12"}}));

INSTANTIATE_TEST_SUITE_P(
    Exact, DecimalRounding,
    ::testing::Values(
        RoundingCase{"2", 0, {"2", "2", "2", "2", "2", "2"}},
        RoundingCase{"-2.25", 2, {"-2.25", "-2.25", "-2.25", "-2.25", "-2.25", "-2.25"}},
        RoundingCase{"0", 3, {"0", "0", "0", "0", "0", "0"}},
        RoundingCase{"-0.000001", 6, {"-0.000001", "-0.000001", "-0.000001", "-0.000001", "-0.000001", "-0.000001"}}));

TEST(RoundingModeNames, RoundTrip) {
    for (RoundingMode mode : kModes) {
        EXPECT_EQ(parseRoundingMode(toString(mode)), mode);
    }
    EXPECT_EQ(toString(RoundingMode::HalfEven), "half_even");
    EXPECT_FALSE(parseRoundingMode("HalfUp").has_value());
    EXPECT_FALSE(parseRoundingMode("").has_value());
}

}  // namespace
}  // namespace syncline::model
