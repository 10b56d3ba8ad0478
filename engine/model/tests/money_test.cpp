#include "engine/model/money.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace syncline::model {
namespace {

Decimal dec(std::string_view text) {
    return Decimal::parse(text).value();
}

Money money(std::string_view amount, std::string_view code) {
    return Money{dec(amount), Currency::of(code)};
}

TEST(Money, RoundsToTheCurrencysMinorUnit) {
    EXPECT_EQ(money("12.345", "EUR").roundedToMinor(RoundingMode::HalfUp), money("12.35", "EUR"));
    EXPECT_EQ(money("12.345", "EUR").roundedToMinor(RoundingMode::HalfEven), money("12.34", "EUR"));
    EXPECT_EQ(money("-12.345", "EUR").roundedToMinor(RoundingMode::HalfUp), money("-12.35", "EUR"));
    EXPECT_EQ(money("1500.5", "JPY").roundedToMinor(RoundingMode::HalfUp), money("1501", "JPY"));
    EXPECT_EQ(money("1500.5", "JPY").roundedToMinor(RoundingMode::HalfEven), money("1500", "JPY"));
    EXPECT_EQ(money("1.2345", "KWD").roundedToMinor(RoundingMode::HalfUp), money("1.235", "KWD"));
    EXPECT_EQ(money("1.2345", "KWD").roundedToMinor(RoundingMode::HalfEven), money("1.234", "KWD"));
    EXPECT_EQ(money("0.123456", "CLF").roundedToMinor(RoundingMode::Down), money("0.1234", "CLF"));
}

TEST(Money, AddsAndSubtractsInOneCurrency) {
    EXPECT_EQ(money("12.50", "EUR") + money("0.005", "EUR"), money("12.505", "EUR"));
    EXPECT_EQ(money("10", "USD") - money("12.5", "USD"), money("-2.5", "USD"));
}

TEST(Money, MixingCurrenciesThrowsCurrencyMismatchNamingBoth) {
    try {
        (void)(money("1", "EUR") + money("1", "USD"));
        FAIL() << "expected CurrencyMismatch";
    } catch (const CurrencyMismatch& error) {
        EXPECT_STREQ(error.what(), "currency mismatch: EUR and USD");
    }
    EXPECT_THROW((void)(money("1", "CHF") - money("1", "EUR")), std::invalid_argument);
}

TEST(Money, EqualityIsExactAndIncludesTheCurrency) {
    EXPECT_EQ(money("12.5", "EUR"), money("12.50", "EUR"));
    EXPECT_NE(money("12.5", "EUR"), money("12.5", "USD"));
    EXPECT_NE(money("12.5", "EUR"), money("12.51", "EUR"));
}

TEST(Money, LineTotalRoundsTheExactProductOnce) {
    // 2.5 m of cable at 1.2345 EUR/m = 3.08625 EUR.
    EXPECT_EQ(lineTotal(money("1.2345", "EUR"), dec("2.5"), RoundingMode::HalfUp), money("3.09", "EUR"));
    EXPECT_EQ(lineTotal(money("1.2345", "EUR"), dec("2.5"), RoundingMode::Down), money("3.08", "EUR"));
    // 0.004999995 EUR: rounding via 6 places first would give 0.01.
    EXPECT_EQ(lineTotal(money("0.333333", "EUR"), dec("0.015"), RoundingMode::HalfUp), money("0", "EUR"));
    EXPECT_EQ(lineTotal(money("333.333333", "JPY"), dec("3"), RoundingMode::HalfUp), money("1000", "JPY"));
    EXPECT_EQ(lineTotal(money("0.1235", "KWD"), dec("10"), RoundingMode::HalfEven), money("1.235", "KWD"));
    EXPECT_EQ(lineTotal(money("1.995", "EUR"), dec("-2"), RoundingMode::HalfUp), money("-3.99", "EUR"));
}

TEST(Money, LineTotalOverflowThrows) {
    EXPECT_THROW(lineTotal(Money{Decimal::max(), Currency::of("EUR")}, dec("2"), RoundingMode::HalfUp),
                 std::overflow_error);
}

TEST(Money, PercentOffKeepsSixPlaces) {
    EXPECT_EQ(money("100", "EUR").percentOff(dec("12.5"), RoundingMode::HalfUp), money("87.5", "EUR"));
    EXPECT_EQ(money("19.99", "EUR").percentOff(dec("12.5"), RoundingMode::HalfUp), money("17.49125", "EUR"));
    EXPECT_EQ(money("10", "EUR").percentOff(dec("0"), RoundingMode::HalfUp), money("10", "EUR"));
    EXPECT_EQ(money("10", "EUR").percentOff(dec("100"), RoundingMode::HalfUp), money("0", "EUR"));
    EXPECT_EQ(money("-10", "EUR").percentOff(dec("10"), RoundingMode::HalfUp), money("-9", "EUR"));
}

TEST(Money, PercentOffAppliesTheModeToTheResult) {
    // 0.000003 × 0.5 = 0.0000015, a tie at 6 places.
    EXPECT_EQ(money("0.000003", "EUR").percentOff(dec("50"), RoundingMode::HalfUp), money("0.000002", "EUR"));
    EXPECT_EQ(money("0.000003", "EUR").percentOff(dec("50"), RoundingMode::HalfEven), money("0.000002", "EUR"));
    EXPECT_EQ(money("0.000003", "EUR").percentOff(dec("50"), RoundingMode::Down), money("0.000001", "EUR"));
    EXPECT_EQ(money("0.000001", "EUR").percentOff(dec("50"), RoundingMode::HalfEven), money("0", "EUR"));
    // 12.345678 % off 1 EUR = 0.87654322 EUR, rounded once.
    EXPECT_EQ(money("1", "EUR").percentOff(dec("12.345678"), RoundingMode::HalfUp), money("0.876543", "EUR"));
}

TEST(Money, PercentOffOutsideZeroToHundredThrows) {
    EXPECT_THROW(money("10", "EUR").percentOff(dec("-1"), RoundingMode::HalfUp), std::invalid_argument);
    EXPECT_THROW(money("10", "EUR").percentOff(dec("100.000001"), RoundingMode::HalfUp), std::invalid_argument);
}

TEST(Money, ToStringShowsAtLeastTheMinorDigitsAndNeverRounds) {
    EXPECT_EQ(money("12.5", "EUR").toString(), "12.50 EUR");
    EXPECT_EQ(money("-3", "EUR").toString(), "-3.00 EUR");
    EXPECT_EQ(money("1500", "JPY").toString(), "1500 JPY");
    EXPECT_EQ(money("0.125", "KWD").toString(), "0.125 KWD");
    EXPECT_EQ(money("1", "KWD").toString(), "1.000 KWD");
    EXPECT_EQ(money("0.0125", "EUR").toString(), "0.0125 EUR");
    EXPECT_EQ(money("1", "CLF").toString(), "1.0000 CLF");
    EXPECT_EQ(money("0.5", "JPY").toString(), "0.5 JPY");
}

}  // namespace
}  // namespace syncline::model
