#include "engine/connector/field_normalizer.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace syncline::connector {
namespace {

FieldMapping mapping(FieldType type, std::string prefix = "", std::optional<std::string> default_value = std::nullopt) {
    return FieldMapping{"field", "Column", type, std::move(prefix), std::move(default_value)};
}

// The normalized value; a test failure when normalization reports an error.
std::optional<std::string> ok(const FieldMapping& m, const std::optional<std::string>& raw) {
    std::string error;
    auto value = normalizeField(m, raw, &error);
    EXPECT_EQ(error, "") << "for " << raw.value_or("NULL");
    return value;
}

// The error of a value that must be refused; a test failure when it is accepted.
std::string refused(const FieldMapping& m, const std::string& raw) {
    std::string error;
    auto value = normalizeField(m, raw, &error);
    EXPECT_EQ(value, std::nullopt) << "for '" << raw << "'";
    EXPECT_NE(error, "") << "for '" << raw << "'";
    return error;
}

using Cases = std::vector<std::pair<std::string, std::string>>;

TEST(FieldNormalizer, TextDropsTrailingSpaceOnly) {
    const auto m = mapping(FieldType::Text);
    EXPECT_EQ(ok(m, "Hex bolt M8   "), "Hex bolt M8");
    EXPECT_EQ(ok(m, "  indented\t\r\n"), "  indented");
    EXPECT_EQ(ok(m, "O'Brien; \"Ltd\""), "O'Brien; \"Ltd\"");
    EXPECT_EQ(ok(m, "M\xc3\xbcller  "), "M\xc3\xbcller");
    EXPECT_EQ(ok(m, "a  b"), "a  b");
}

TEST(FieldNormalizer, CodeTrimsBothEnds) {
    const auto m = mapping(FieldType::Code);
    EXPECT_EQ(ok(m, "A0000001            "), "A0000001");
    EXPECT_EQ(ok(m, "  01 "), "01");
    EXPECT_EQ(ok(m, "A 1"), "A 1");
}

TEST(FieldNormalizer, PrefixGoesOnNonNullTextAndCode) {
    EXPECT_EQ(ok(mapping(FieldType::Code, "ERP-"), " A1 "), "ERP-A1");
    EXPECT_EQ(ok(mapping(FieldType::Text, "x:"), "name  "), "x:name");
    EXPECT_EQ(ok(mapping(FieldType::Code, "ERP-"), std::nullopt), std::nullopt);
    EXPECT_EQ(ok(mapping(FieldType::Code, "ERP-"), "   "), std::nullopt);
    EXPECT_EQ(ok(mapping(FieldType::Decimal, "ERP-"), "1.50"), "1.5");  // ignored by other types
}

TEST(FieldNormalizer, NullAndBlankBecomeNullWithoutDefault) {
    for (FieldType type : {FieldType::Text, FieldType::Code, FieldType::Decimal, FieldType::Date, FieldType::Timestamp,
                           FieldType::Flag}) {
        EXPECT_EQ(ok(mapping(type), std::nullopt), std::nullopt) << toString(type);
    }
    for (FieldType type :
         {FieldType::Text, FieldType::Code, FieldType::Decimal, FieldType::Date, FieldType::Timestamp}) {
        EXPECT_EQ(ok(mapping(type), ""), std::nullopt) << toString(type);
        EXPECT_EQ(ok(mapping(type), "  \t "), std::nullopt) << toString(type);
    }
}

TEST(FieldNormalizer, DefaultReplacesNullAndBlankAndIsNormalizedToo) {
    EXPECT_EQ(ok(mapping(FieldType::Code, "", "PCE"), std::nullopt), "PCE");
    EXPECT_EQ(ok(mapping(FieldType::Code, "", "PCE"), "    "), "PCE");
    EXPECT_EQ(ok(mapping(FieldType::Code, "", "PCE"), "KG "), "KG");
    EXPECT_EQ(ok(mapping(FieldType::Code, "ERP-", "NONE"), std::nullopt), "ERP-NONE");
    EXPECT_EQ(ok(mapping(FieldType::Decimal, "", "0.000"), std::nullopt), "0");
    EXPECT_EQ(ok(mapping(FieldType::Flag, "", "Y"), std::nullopt), "1");
    EXPECT_EQ(ok(mapping(FieldType::Flag, "", "Y"), ""), "1");
    EXPECT_EQ(ok(mapping(FieldType::Timestamp, "", "2026-01-01"), ""), "2026-01-01 00:00:00");
    EXPECT_EQ(ok(mapping(FieldType::Text, "", "   "), std::nullopt), std::nullopt);  // blank default: none
}

TEST(FieldNormalizer, BadDefaultIsReportedAsDefault) {
    const auto m = mapping(FieldType::Decimal, "", "abc");
    EXPECT_EQ(refused(m, ""), "default 'abc' is not a decimal number");
    EXPECT_EQ(ok(m, "1.0"), "1");  // only used when the value is missing
    EXPECT_EQ(defaultValueError(m), "default 'abc' is not a decimal number");
    EXPECT_EQ(defaultValueError(mapping(FieldType::Decimal, "", "1.50")), std::nullopt);
    EXPECT_EQ(defaultValueError(mapping(FieldType::Decimal)), std::nullopt);
}

TEST(FieldNormalizer, DecimalsTakeTheShortestExactForm) {
    const auto m = mapping(FieldType::Decimal);
    const Cases cases = {
        {"12.500000", "12.5"},
        {"12,5", "12.5"},
        {" 7", "7"},
        {"007", "7"},
        {".5", "0.5"},
        {"-.5", "-0.5"},
        {"+7", "7"},
        {"-0.0", "0"},
        {"-0", "0"},
        {"+0.000", "0"},
        {"0", "0"},
        {"000.000100", "0.0001"},
        {"5.", "5"},
        {"100", "100"},
        {"100.000", "100"},
        {"-12.345", "-12.345"},
        {"0.000001", "0.000001"},
        {"1.2345670", "1.234567"},
        {"1.000000000", "1"},
        {"123456789012.123456", "123456789012.123456"},
        {" -3,25 \t", "-3.25"},
        {"24.290000", "24.29"},
        {"99999999999999999999999999.5", "99999999999999999999999999.5"},
    };
    for (const auto& [in, out] : cases) {
        EXPECT_EQ(ok(m, in), out) << "for '" << in << "'";
    }
}

TEST(FieldNormalizer, DecimalsRefuseWhatIsNotAPlainNumber) {
    const auto m = mapping(FieldType::Decimal);
    EXPECT_EQ(refused(m, "12,5.3"), "'12,5.3' is not a decimal number");
    EXPECT_EQ(refused(m, "1.2345678"), "'1.2345678' has more than 6 decimal places");
    EXPECT_EQ(refused(m, "0.0000001"), "'0.0000001' has more than 6 decimal places");
    for (const std::string in :
         {"1E2",   "1e-3", "NaN", "nan",    "inf",    "-Infinity", "1,000.50", "1.000,50", "1 000",
          "1'000", ".",    ",",   "-",      "+",      "--1",       "+-1",      "1-",       "0x1A",
          "1.2.3", "1,,5", "abc", "12 EUR", "EUR 12", "1_000",     "\xd9\xa1"}) {
        EXPECT_NE(refused(m, in), "") << in;
    }
}

TEST(FieldNormalizer, FlagsAcceptTheUsualSpellings) {
    const auto m = mapping(FieldType::Flag);
    for (const std::string in :
         {"Y", "y", "J", "j", "1", "true", "TRUE", "True", "t", "T", "yes", "YES", "X", "x", " Y ", "Y\t"}) {
        EXPECT_EQ(ok(m, in), "1") << in;
    }
    for (const std::string in : {"N", "n", "0", "false", "FALSE", "f", "F", "no", "No", "", "   ", " N "}) {
        EXPECT_EQ(ok(m, in), "0") << in;
    }
    EXPECT_EQ(refused(m, "maybe"), "'maybe' is not a flag (Y/N, J/N, 1/0, true/false, t/f, yes/no, X/'')");
    for (const std::string in : {"2", "-1", "YN", "ja", "nein", "on", "off", "Y1", "10", "yess"}) {
        EXPECT_NE(refused(m, in), "") << in;
    }
}

TEST(FieldNormalizer, DatesAreRealCalendarDatesWithTheTimeDropped) {
    const auto m = mapping(FieldType::Date);
    const Cases cases = {
        {"2026-11-27", "2026-11-27"},          {" 2026-11-27 ", "2026-11-27"},
        {"2026-11-27 00:00:00", "2026-11-27"}, {"2026-11-27 13:45:10.123", "2026-11-27"},
        {"2026-11-27T13:45:10", "2026-11-27"}, {"2024-02-29", "2024-02-29"},
        {"2000-02-29", "2000-02-29"},          {"0001-01-01", "0001-01-01"},
        {"9999-12-31", "9999-12-31"},
    };
    for (const auto& [in, out] : cases) {
        EXPECT_EQ(ok(m, in), out) << "for '" << in << "'";
    }
    EXPECT_EQ(refused(m, "2026-02-30"), "'2026-02-30' is not a date (YYYY-MM-DD)");
    for (const std::string in :
         {"2025-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00", "0000-01-01", "26-11-27",
          "2026-1-5", "2026/11/27", "27.11.2026", "20261127", "2026-11-27x", "2026-11-27 25:00:00", "2026-11-27 junk",
          "2026-11-27 12:00", "2026-11-27+01:00", "+2026-11-27", "2026-11-27 12:00:00 +01:00"}) {
        EXPECT_NE(refused(m, in), "") << in;
    }
}

TEST(FieldNormalizer, TimestampsTakeTheSqlLiteralForm) {
    const auto m = mapping(FieldType::Timestamp);
    const Cases cases = {
        {"2026-11-27", "2026-11-27 00:00:00"},
        {"2026-11-27 02:00:00", "2026-11-27 02:00:00"},
        {"2026-11-27T02:00:00", "2026-11-27 02:00:00"},
        {"2026-11-27 23:59:59.000", "2026-11-27 23:59:59"},
        {"2026-11-27 23:59:59.5", "2026-11-27 23:59:59.5"},
        {"2026-11-27 23:59:59.123456", "2026-11-27 23:59:59.123456"},
        {"2026-11-27 23:59:59.123450000", "2026-11-27 23:59:59.12345"},
        {"2026-11-27 23:59:59.1234560", "2026-11-27 23:59:59.123456"},
        {"  2026-11-27 00:00:00 ", "2026-11-27 00:00:00"},
        {"2024-02-29T12:00:00.010", "2024-02-29 12:00:00.01"},
    };
    for (const auto& [in, out] : cases) {
        EXPECT_EQ(ok(m, in), out) << "for '" << in << "'";
    }
    EXPECT_EQ(refused(m, "2026-11-27 24:00:00"),
              "'2026-11-27 24:00:00' is not a timestamp (YYYY-MM-DD[ HH:MM:SS[.ffffff]])");
    EXPECT_EQ(refused(m, "2026-11-27 10:00:00.1234567"), "'2026-11-27 10:00:00.1234567' is finer than microseconds");
    for (const std::string in :
         {"2026-11-27 12:60:00", "2026-11-27 12:00:60", "2026-11-27 12:00", "2026-11-27 1:00:00",
          "2026-11-27  12:00:00", "2026-11-27 12:00:00.", "2026-11-27 12:00:00.x", "2026-11-27 12:00:00Z",
          "2026-11-27 12:00:00+01", "2026-11-27t12:00:00", "2026-02-29 00:00:00", "12:00:00", "now", "1732665600"}) {
        EXPECT_NE(refused(m, in), "") << in;
    }
}

TEST(FieldNormalizer, ErrorMessagesQuoteLongValuesShortened) {
    const std::string long_value(200, '9');
    const std::string error = refused(mapping(FieldType::Flag), long_value);
    EXPECT_LT(error.size(), 150u);
    EXPECT_NE(error.find("...'"), std::string::npos);
}

TEST(FieldNormalizer, NullErrorPointerIsAllowed) {
    EXPECT_EQ(normalizeField(mapping(FieldType::Decimal), std::string("x"), nullptr), std::nullopt);
    EXPECT_EQ(normalizeField(mapping(FieldType::Decimal), std::string("1.0"), nullptr), "1");
}

TEST(FieldNormalizer, ErrorIsLeftAloneOnSuccess) {
    std::string error = "earlier";
    EXPECT_EQ(normalizeField(mapping(FieldType::Code), std::string("A "), &error), "A");
    EXPECT_EQ(error, "earlier");
}

}  // namespace
}  // namespace syncline::connector
