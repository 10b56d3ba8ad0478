#include "engine/model/validation.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/model/tests/valid_records.h"

namespace syncline::model {
namespace {

using testing::dec;
using testing::describeAll;
using testing::onlyError;
using testing::validCustomer;
using testing::validProduct;
using testing::validStock;

std::vector<FieldError> withSku(std::string sku) {
    Product product = validProduct();
    product.sku = std::move(sku);
    return validate(product);
}

// ---- rules shared by all text fields, shown on Product::sku and Product::name -------------------------------------

TEST(Validation, ValidRecordsHaveNoErrors) {
    EXPECT_TRUE(validate(validProduct()).empty()) << describeAll(validate(validProduct()));
    EXPECT_TRUE(validate(validStock()).empty()) << describeAll(validate(validStock()));
    EXPECT_TRUE(validate(validCustomer()).empty()) << describeAll(validate(validCustomer()));
}

TEST(Validation, KeyIsRequired) {
    EXPECT_TRUE(onlyError(withSku(""), "sku", "is required"));
    EXPECT_TRUE(onlyError(withSku("   "), "sku", "is required"));
}

TEST(Validation, KeyLengthIsCountedInCharacters) {
    EXPECT_TRUE(withSku(std::string(64, 'A')).empty());
    EXPECT_TRUE(onlyError(withSku(std::string(65, 'A')), "sku", "is longer than 64 characters"));
    std::string umlauts;
    for (int i = 0; i < 64; ++i) {
        umlauts += "\xC3\xBC";  // ü: two bytes, one character
    }
    EXPECT_TRUE(withSku(umlauts).empty());
}

TEST(Validation, KeyMustNotBePadded) {
    EXPECT_TRUE(onlyError(withSku("ABC   "), "sku", "must not start or end with spaces"));
    EXPECT_TRUE(onlyError(withSku(" ABC"), "sku", "must not start or end with spaces"));
    EXPECT_TRUE(withSku("A B C").empty());
}

TEST(Validation, TextMustNotContainControlCharacters) {
    EXPECT_TRUE(onlyError(withSku("AB\tC"), "sku", "contains control characters"));
    EXPECT_TRUE(onlyError(withSku(std::string("AB\0C", 4)), "sku", "contains control characters"));
    EXPECT_TRUE(onlyError(withSku("AB\x7F"), "sku", "contains control characters"));
    EXPECT_TRUE(onlyError(withSku("AB\xC2\x85"), "sku", "contains control characters"));  // C1 NEL
    Product product = validProduct();
    product.name = "first line\nsecond line";
    EXPECT_TRUE(onlyError(validate(product), "name", "contains control characters"));
}

TEST(Validation, TextMustBeValidUtf8) {
    const std::vector<FieldError> latin1 = withSku("M\xFCller");
    EXPECT_TRUE(onlyError(latin1, "sku", "is not valid UTF-8"));
    EXPECT_EQ(latin1.at(0).value, "M\\xFCller");
    for (std::string_view bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80", "\xE2\x82"}) {
        EXPECT_TRUE(onlyError(withSku(std::string(bad)), "sku", "is not valid UTF-8")) << ::testing::PrintToString(bad);
    }
    EXPECT_TRUE(withSku("\xE2\x82\xAC-\xF0\x9F\x94\x8C").empty());  // € and a 4-byte emoji
}

TEST(Validation, ValueIsEscapedAndShortenedForDisplay) {
    Product product = validProduct();
    product.name = std::string(300, 'x');
    const std::vector<FieldError> errors = validate(product);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].value, std::string(64, 'x') + "...");
    EXPECT_EQ(errors[0].reason, "is longer than 255 characters");

    const std::vector<FieldError> quoted = withSku("A\"B\\ ");
    ASSERT_EQ(quoted.size(), 1u);
    EXPECT_EQ(describe(quoted[0]), R"(field 'sku' = "A\"B\\ ": must not start or end with spaces)");
}

// ---- Product ------------------------------------------------------------------------------------------------------

TEST(ProductValidation, NameAndUnitOfMeasureAreRequired) {
    Product product = validProduct();
    product.name = "";
    product.unit_of_measure = "";
    const std::vector<FieldError> errors = validate(product);
    ASSERT_EQ(errors.size(), 2u) << describeAll(errors);
    EXPECT_EQ(errors[0].field, "name");
    EXPECT_EQ(errors[1].field, "unit_of_measure");
    EXPECT_EQ(errors[1].reason, "is required");
}

TEST(ProductValidation, LimitsOnNameUnitAndDescription) {
    Product product = validProduct();
    product.name = std::string(255, 'n');
    product.unit_of_measure = std::string(32, 'u');
    product.description = std::string(65535, 'd');
    EXPECT_TRUE(validate(product).empty());
    product.unit_of_measure += 'u';
    EXPECT_TRUE(onlyError(validate(product), "unit_of_measure", "is longer than 32 characters"));
    product = validProduct();
    product.description = std::string(65536, 'd');
    EXPECT_TRUE(onlyError(validate(product), "description", "is longer than 65535 characters"));
}

TEST(ProductValidation, DescriptionMayHaveLineBreaksAndTabsButNoOtherControls) {
    Product product = validProduct();
    product.description = "line 1\r\nline 2\tcolumn";
    EXPECT_TRUE(validate(product).empty());
    product.description = "bell\x07";
    EXPECT_TRUE(onlyError(validate(product), "description", "contains control characters"));
}

TEST(ProductValidation, NegativeListPriceIsDescribedWithTheCurrencysDigits) {
    Product product = validProduct();
    product.list_price = dec("-1");
    const std::vector<FieldError> errors = validate(product);
    ASSERT_TRUE(onlyError(errors, "list_price", "must not be negative"));
    EXPECT_EQ(describe(errors[0]), R"(field 'list_price' = "-1.00": must not be negative)");
    product.list_price = Decimal();
    EXPECT_TRUE(validate(product).empty());
}

TEST(ProductValidation, CurrencyMustBeAKnownIsoCode) {
    Product product = validProduct();
    product.currency = "eur";
    EXPECT_TRUE(onlyError(validate(product), "currency", "currency code must be three uppercase letters (ISO 4217)"));
    product.currency = "XYZ";
    EXPECT_TRUE(onlyError(validate(product), "currency", "unknown ISO 4217 currency code"));
    product.currency = "";
    EXPECT_TRUE(onlyError(validate(product), "currency", "is required"));
}

TEST(ProductValidation, ErpModifiedIsOptionalButMustBeATimestamp) {
    Product product = validProduct();
    product.erp_modified = "";
    EXPECT_TRUE(validate(product).empty()) << "a source without a change-time column leaves it empty";
    for (std::string_view bad : {"yesterday", "2026-02-30T00:00:00Z", "01.03.2026"}) {
        product.erp_modified = bad;
        EXPECT_TRUE(
            onlyError(validate(product), "erp_modified", "must be an ISO-8601 timestamp like 2026-03-01T10:15:00Z"));
    }
}

TEST(ProductValidation, ReportsEveryBrokenFieldInFieldOrder) {
    Product product;
    product.list_price = dec("-0.01");
    product.erp_modified = "yesterday";
    const std::vector<FieldError> errors = validate(product);
    std::vector<std::string> fields;
    for (const FieldError& error : errors) {
        fields.push_back(error.field);
    }
    EXPECT_EQ(fields,
              (std::vector<std::string>{"sku", "name", "unit_of_measure", "list_price", "currency", "erp_modified"}));
}

// ---- StockLevel ---------------------------------------------------------------------------------------------------

TEST(StockValidation, NegativeStockIsAllowed) {
    StockLevel stock = validStock();
    stock.quantity = dec("-3.5");
    EXPECT_TRUE(validate(stock).empty());
}

TEST(StockValidation, SkuAndWarehouseAreKeys) {
    StockLevel stock = validStock();
    stock.warehouse = "";
    EXPECT_TRUE(onlyError(validate(stock), "warehouse", "is required"));
    stock.warehouse = "MAIN ";
    EXPECT_TRUE(onlyError(validate(stock), "warehouse", "must not start or end with spaces"));
    stock = validStock();
    stock.sku = std::string(65, 'S');
    EXPECT_TRUE(onlyError(validate(stock), "sku", "is longer than 64 characters"));
    stock = validStock();
    stock.erp_modified = "2026-03-01T25:00";
    EXPECT_TRUE(onlyError(validate(stock), "erp_modified", "must be an ISO-8601 timestamp like 2026-03-01T10:15:00Z"));
}

// ---- Customer -----------------------------------------------------------------------------------------------------

TEST(CustomerValidation, OptionalFieldsMayBeEmpty) {
    Customer customer = validCustomer();
    customer.customer_group = "";
    customer.price_list = "";
    customer.email = "";
    customer.blocked = true;
    EXPECT_TRUE(validate(customer).empty());
}

TEST(CustomerValidation, CodeNameAndCurrencyAreRequired) {
    Customer customer = validCustomer();
    customer.code = "";
    EXPECT_TRUE(onlyError(validate(customer), "code", "is required"));
    customer = validCustomer();
    customer.name = "  ";
    EXPECT_TRUE(onlyError(validate(customer), "name", "is required"));
    customer = validCustomer();
    customer.currency = "";
    EXPECT_TRUE(onlyError(validate(customer), "currency", "is required"));
}

TEST(CustomerValidation, GroupAndPriceListAreKeysWhenSet) {
    Customer customer = validCustomer();
    customer.customer_group = "INSTALLERS  ";
    EXPECT_TRUE(onlyError(validate(customer), "customer_group", "must not start or end with spaces"));
    customer = validCustomer();
    customer.price_list = std::string(65, 'P');
    EXPECT_TRUE(onlyError(validate(customer), "price_list", "is longer than 64 characters"));
}

TEST(CustomerValidation, EmailMustLookLikeAnAddress) {
    Customer customer = validCustomer();
    for (std::string_view good : {"a@b.de", "first.last+tag@sub.example.com", "x@b\xC3\xBCro.example"}) {
        customer.email = good;
        EXPECT_TRUE(validate(customer).empty()) << good;
    }
    for (std::string_view bad :
         {"buyer", "buyer@example", "@x.de", "a@@x.de", "a@b@x.de", "a b@x.de", "a@x.", "a@.de", "a@"}) {
        customer.email = bad;
        EXPECT_TRUE(onlyError(validate(customer), "email", "is not an email address")) << bad;
    }
    customer.email = std::string(250, 'a') + "@x.de";
    EXPECT_TRUE(onlyError(validate(customer), "email", "is longer than 254 characters"));
}

}  // namespace
}  // namespace syncline::model
