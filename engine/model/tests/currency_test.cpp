#include "engine/model/currency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace syncline::model {
namespace {

struct Expected {
    std::string_view code;
    int minor_digits;
};

TEST(Currency, KnowsTheCurrenciesOurCustomersSellIn) {
    const std::vector<Expected> cases = {
        {"EUR", 2}, {"USD", 2}, {"GBP", 2}, {"CHF", 2}, {"JPY", 0}, {"SEK", 2}, {"NOK", 2}, {"DKK", 2},
        {"PLN", 2}, {"CZK", 2}, {"HUF", 2}, {"RON", 2}, {"BGN", 2}, {"ISK", 0}, {"TRY", 2}, {"CAD", 2},
        {"AUD", 2}, {"NZD", 2}, {"CNY", 2}, {"HKD", 2}, {"SGD", 2}, {"INR", 2}, {"ZAR", 2}, {"BRL", 2},
        {"MXN", 2}, {"KRW", 0}, {"KWD", 3}, {"BHD", 3}, {"OMR", 3}, {"JOD", 3}, {"TND", 3}, {"CLP", 0},
        {"CLF", 4}, {"IQD", 3}, {"LYD", 3}, {"VND", 0}, {"XOF", 0},
    };
    for (const Expected& c : cases) {
        SCOPED_TRACE(c.code);
        std::string why;
        const std::optional<Currency> currency = Currency::fromCode(c.code, &why);
        ASSERT_TRUE(currency.has_value()) << why;
        EXPECT_EQ(currency->code(), c.code);
        EXPECT_EQ(currency->minorDigits(), c.minor_digits);
    }
}

TEST(Currency, RejectsMalformedCodes) {
    for (std::string_view code : {"", "eur", "Eur", "EU", "EURO", "E1R", " EUR", "EUR ", "\xC3\x84UR"}) {
        SCOPED_TRACE(code);
        std::string why;
        EXPECT_FALSE(Currency::fromCode(code, &why).has_value());
        EXPECT_EQ(why, "currency code must be three uppercase letters (ISO 4217)");
    }
}

TEST(Currency, RejectsUnknownWithdrawnAndNonMonetaryCodes) {
    // XYZ never existed, HRK and DEM were withdrawn, XAU/XTS/XXX have no minor unit.
    for (std::string_view code : {"XYZ", "HRK", "DEM", "XAU", "XTS", "XXX", "AAA", "ZZZ"}) {
        SCOPED_TRACE(code);
        std::string why;
        EXPECT_FALSE(Currency::fromCode(code, &why).has_value());
        EXPECT_EQ(why, "unknown ISO 4217 currency code");
    }
    EXPECT_FALSE(Currency::fromCode("XYZ").has_value());
}

TEST(Currency, OfThrowsWithCodeAndReason) {
    EXPECT_EQ(Currency::of("SEK").code(), "SEK");
    try {
        Currency::of("ABC");
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& error) {
        EXPECT_STREQ(error.what(), "currency 'ABC': unknown ISO 4217 currency code");
    }
}

TEST(Currency, EqualityByCode) {
    EXPECT_EQ(Currency::of("EUR"), Currency::of("EUR"));
    EXPECT_NE(Currency::of("EUR"), Currency::of("USD"));
}

TEST(Currency, AllIsSortedAndEveryEntryRoundTrips) {
    const std::vector<Currency>& all = Currency::all();
    EXPECT_GE(all.size(), 150u);
    EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                               [](const Currency& a, const Currency& b) { return a.code() < b.code(); }));
    for (const Currency& currency : all) {
        SCOPED_TRACE(currency.code());
        EXPECT_EQ(Currency::fromCode(currency.code()), currency);
        EXPECT_GE(currency.minorDigits(), 0);
        EXPECT_LE(currency.minorDigits(), 4);
    }
}

}  // namespace
}  // namespace syncline::model
