#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/model/records.h"
#include "engine/model/validation.h"

namespace syncline::model::testing {

inline Decimal dec(std::string_view text) {
    return Decimal::parse(text).value();
}

inline Product validProduct() {
    return Product{"CAB-NYM-3x1.5",
                   "NYM-J 3x1.5 mm² installation cable",
                   "Sold by the metre.\nRing of 100 m.",
                   "m",
                   dec("1.2345"),
                   "EUR",
                   true,
                   "2026-03-01T10:15:00Z"};
}

inline StockLevel validStock() {
    return StockLevel{"CAB-NYM-3x1.5", "MAIN", dec("2500.5"), "2026-03-01 10:15:00"};
}

inline Customer validCustomer() {
    return Customer{"C10042",
                    "Elektro Müller GmbH",
                    "INSTALLERS",
                    "PL-2026",
                    "EUR",
                    false,
                    "einkauf@mueller.example",
                    "2026-03-01T10:15:00+01:00"};
}

inline PriceRule validPriceRule() {
    PriceRule rule;
    rule.rule_id = "PR-1";
    rule.sku = "CAB-NYM-3x1.5";
    rule.scope = PriceScope::CustomerGroup;
    rule.scope_key = "INSTALLERS";
    rule.min_quantity = dec("100");
    rule.max_quantity = dec("500");
    rule.unit_price = dec("1.1");
    rule.currency = "EUR";
    rule.valid_from = "2026-01-01";
    rule.valid_to = "2026-12-31";
    rule.erp_modified = "2026-03-01";
    return rule;
}

inline Order validOrder() {
    return Order{"WS-100017",
                 "C10042",
                 "EUR",
                 "2026-03-02T08:00:00Z",
                 {OrderLine{1, "CAB-NYM-3x1.5", dec("2.5"), dec("1.2345"), std::nullopt},
                  OrderLine{2, "SOCKET-2G", dec("10"), dec("4.99"), std::string("deliver to site B\nbefore noon")}}};
}

inline std::string describeAll(const std::vector<FieldError>& errors) {
    std::string text;
    for (const FieldError& error : errors) {
        text += describe(error) + "\n";
    }
    return text.empty() ? "(no errors)" : text;
}

/// Success when `errors` holds exactly one error, for `field` with `reason`.
inline ::testing::AssertionResult onlyError(const std::vector<FieldError>& errors, std::string_view field,
                                            std::string_view reason) {
    if (errors.size() == 1 && errors[0].field == field && errors[0].reason == reason) {
        return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << "expected only " << field << ": " << reason << "\ngot:\n"
                                         << describeAll(errors);
}

}  // namespace syncline::model::testing
