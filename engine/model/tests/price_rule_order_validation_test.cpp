#include <gtest/gtest.h>

#include <string>

#include "engine/model/tests/valid_records.h"
#include "engine/model/validation.h"

namespace syncline::model {
namespace {

using testing::dec;
using testing::describeAll;
using testing::onlyError;
using testing::validOrder;
using testing::validPriceRule;

// ---- PriceRule ----------------------------------------------------------------------------------------------------

PriceRule discountRule(std::string_view percent) {
    PriceRule rule = validPriceRule();
    rule.unit_price.reset();
    rule.discount_percent = dec(percent);
    rule.currency = "";
    return rule;
}

TEST(PriceRuleValidation, ValidPriceAndDiscountRules) {
    EXPECT_TRUE(validate(validPriceRule()).empty()) << describeAll(validate(validPriceRule()));
    EXPECT_TRUE(validate(discountRule("12.5")).empty()) << describeAll(validate(discountRule("12.5")));
    PriceRule open_ended = validPriceRule();
    open_ended.max_quantity.reset();
    open_ended.valid_to.reset();
    open_ended.min_quantity = Decimal();
    open_ended.unit_price = Decimal();
    EXPECT_TRUE(validate(open_ended).empty());
}

TEST(PriceRuleValidation, ExactlyOneOfUnitPriceAndDiscount) {
    PriceRule rule = validPriceRule();
    rule.discount_percent = dec("5");
    EXPECT_TRUE(onlyError(validate(rule), "discount_percent", "must not be set together with unit_price"));
    rule.discount_percent.reset();
    rule.unit_price.reset();
    EXPECT_TRUE(onlyError(validate(rule), "unit_price", "set either unit_price or discount_percent"));
}

TEST(PriceRuleValidation, UnitPriceMustNotBeNegative) {
    PriceRule rule = validPriceRule();
    rule.unit_price = dec("-1");
    const std::vector<FieldError> errors = validate(rule);
    ASSERT_TRUE(onlyError(errors, "unit_price", "must not be negative"));
    EXPECT_EQ(errors[0].value, "-1.00");
}

TEST(PriceRuleValidation, DiscountMustBeAboveZeroAndAtMostHundred) {
    EXPECT_TRUE(validate(discountRule("100")).empty());
    EXPECT_TRUE(validate(discountRule("0.000001")).empty());
    for (std::string_view bad : {"0", "-5", "100.000001", "150"}) {
        EXPECT_TRUE(
            onlyError(validate(discountRule(bad)), "discount_percent", "must be greater than 0 and at most 100"))
            << bad;
    }
}

TEST(PriceRuleValidation, CurrencyRequiredForUnitPriceOptionalForDiscount) {
    PriceRule rule = validPriceRule();
    rule.currency = "";
    EXPECT_TRUE(onlyError(validate(rule), "currency", "is required"));
    rule = discountRule("10");
    rule.currency = "CHF";
    EXPECT_TRUE(validate(rule).empty());
    rule.currency = "chf";
    EXPECT_TRUE(onlyError(validate(rule), "currency", "currency code must be three uppercase letters (ISO 4217)"));
}

TEST(PriceRuleValidation, QuantityBand) {
    PriceRule rule = validPriceRule();
    rule.min_quantity = dec("-1");
    EXPECT_TRUE(onlyError(validate(rule), "min_quantity", "must not be negative"));
    rule = validPriceRule();
    rule.max_quantity = rule.min_quantity;
    EXPECT_TRUE(onlyError(validate(rule), "max_quantity", "must be greater than min_quantity (100)"));
    rule.max_quantity = dec("99.999999");
    EXPECT_TRUE(onlyError(validate(rule), "max_quantity", "must be greater than min_quantity (100)"));
    rule.max_quantity = dec("100.000001");
    EXPECT_TRUE(validate(rule).empty());
}

TEST(PriceRuleValidation, ScopeKeyIsEmptyExactlyForEveryone) {
    PriceRule rule = validPriceRule();
    rule.scope = PriceScope::Everyone;
    EXPECT_TRUE(onlyError(validate(rule), "scope_key", "must be empty when scope is everyone"));
    rule.scope_key = "";
    EXPECT_TRUE(validate(rule).empty());
    for (PriceScope scope : {PriceScope::CustomerGroup, PriceScope::PriceList, PriceScope::Customer}) {
        rule.scope = scope;
        rule.scope_key = "";
        EXPECT_TRUE(
            onlyError(validate(rule), "scope_key", "is required when scope is " + std::string(toString(scope))));
        rule.scope_key = "K1";
        EXPECT_TRUE(validate(rule).empty());
        rule.scope_key = "K1 ";
        EXPECT_TRUE(onlyError(validate(rule), "scope_key", "must not start or end with spaces"));
    }
}

TEST(PriceRuleValidation, ValidityDatesAreRealAndOrdered) {
    PriceRule rule = validPriceRule();
    rule.valid_from = "2026-02-30";
    EXPECT_TRUE(onlyError(validate(rule), "valid_from", "must be a real calendar date YYYY-MM-DD"));
    rule.valid_from = "";
    EXPECT_TRUE(onlyError(validate(rule), "valid_from", "is required"));
    rule = validPriceRule();
    rule.valid_to = "2026-06-31";
    EXPECT_TRUE(onlyError(validate(rule), "valid_to", "must be a real calendar date YYYY-MM-DD"));
    rule.valid_to = "2025-12-31";
    EXPECT_TRUE(onlyError(validate(rule), "valid_to", "must not be before valid_from (2026-01-01)"));
    rule.valid_to = rule.valid_from;
    EXPECT_TRUE(validate(rule).empty());
}

TEST(PriceRuleValidation, KeysAndTimestamp) {
    PriceRule rule = validPriceRule();
    rule.rule_id = "";
    rule.sku = "\t";
    rule.erp_modified = "2026-13-01";
    const std::vector<FieldError> errors = validate(rule);
    ASSERT_EQ(errors.size(), 3u) << describeAll(errors);
    EXPECT_EQ(errors[0].field, "rule_id");
    EXPECT_EQ(errors[1].field, "sku");
    EXPECT_EQ(errors[1].reason, "contains control characters");
    EXPECT_EQ(errors[2].field, "erp_modified");
}

// ---- Order --------------------------------------------------------------------------------------------------------

TEST(OrderValidation, ValidOrderHasNoErrors) {
    EXPECT_TRUE(validate(validOrder()).empty()) << describeAll(validate(validOrder()));
}

TEST(OrderValidation, NeedsAtLeastOneLine) {
    Order order = validOrder();
    order.lines.clear();
    EXPECT_TRUE(onlyError(validate(order), "lines", "an order needs at least one line"));
}

TEST(OrderValidation, HeaderFields) {
    Order order = validOrder();
    order.order_id = " WS-1";
    EXPECT_TRUE(onlyError(validate(order), "order_id", "must not start or end with spaces"));
    order = validOrder();
    order.customer_code = "";
    EXPECT_TRUE(onlyError(validate(order), "customer_code", "is required"));
    order = validOrder();
    order.currency = "EURO";
    EXPECT_TRUE(onlyError(validate(order), "currency", "currency code must be three uppercase letters (ISO 4217)"));
    order = validOrder();
    order.placed_at = "2026-03-02T08:00:00+24:00";
    EXPECT_TRUE(onlyError(validate(order), "placed_at", "must be an ISO-8601 timestamp like 2026-03-01T10:15:00Z"));
}

TEST(OrderValidation, LineQuantityMustBePositive) {
    for (std::string_view bad : {"0", "-1", "-0.000001"}) {
        Order order = validOrder();
        order.lines[1].quantity = dec(bad);
        EXPECT_TRUE(onlyError(validate(order), "lines[1].quantity", "must be greater than 0")) << bad;
    }
    Order order = validOrder();
    order.lines[1].quantity = dec("0.000001");
    EXPECT_TRUE(validate(order).empty());
}

TEST(OrderValidation, LineUnitPriceMustNotBeNegative) {
    Order order = validOrder();
    order.lines[0].unit_price = dec("-5");
    const std::vector<FieldError> errors = validate(order);
    ASSERT_TRUE(onlyError(errors, "lines[0].unit_price", "must not be negative"));
    EXPECT_EQ(describe(errors[0]), R"(field 'lines[0].unit_price' = "-5.00": must not be negative)");
    order.lines[0].unit_price = Decimal();  // free goods are fine
    EXPECT_TRUE(validate(order).empty());
}

TEST(OrderValidation, LineNumbersArePositiveAndUnique) {
    Order order = validOrder();
    order.lines.push_back(order.lines[0]);
    const std::vector<FieldError> duplicate = validate(order);
    ASSERT_TRUE(onlyError(duplicate, "lines[2].line_no", "duplicate line number (also lines[0])"));
    EXPECT_EQ(duplicate[0].value, "1");
    order = validOrder();
    order.lines[1].line_no = 0;
    EXPECT_TRUE(onlyError(validate(order), "lines[1].line_no", "must be greater than 0"));
    order.lines[1].line_no = -2;
    EXPECT_TRUE(onlyError(validate(order), "lines[1].line_no", "must be greater than 0"));
}

TEST(OrderValidation, LineSkuAndNote) {
    Order order = validOrder();
    order.lines[1].sku = "";
    EXPECT_TRUE(onlyError(validate(order), "lines[1].sku", "is required"));
    order = validOrder();
    order.lines[1].note = std::string(1001, 'n');
    EXPECT_TRUE(onlyError(validate(order), "lines[1].note", "is longer than 1000 characters"));
    order.lines[1].note = "call\x1B[31m";
    EXPECT_TRUE(onlyError(validate(order), "lines[1].note", "contains control characters"));
    order.lines[1].note = "";
    EXPECT_TRUE(validate(order).empty());
}

TEST(OrderValidation, EveryBrokenLineIsReported) {
    Order order = validOrder();
    order.lines[0].quantity = Decimal();
    order.lines[1].sku = "";
    order.lines[1].unit_price = dec("-0.01");
    const std::vector<FieldError> errors = validate(order);
    ASSERT_EQ(errors.size(), 3u) << describeAll(errors);
    EXPECT_EQ(errors[0].field, "lines[0].quantity");
    EXPECT_EQ(errors[1].field, "lines[1].sku");
    EXPECT_EQ(errors[2].field, "lines[1].unit_price");
}

}  // namespace
}  // namespace syncline::model
