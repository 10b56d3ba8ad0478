#include "engine/model/records.h"

#include <gtest/gtest.h>

namespace syncline::model {
namespace {

TEST(OrderStatus, RoundTripsThroughItsStorageName) {
    for (OrderStatus status :
         {OrderStatus::Placed, OrderStatus::Claimed, OrderStatus::Exported, OrderStatus::Confirmed,
          OrderStatus::Shipped, OrderStatus::Invoiced, OrderStatus::Cancelled, OrderStatus::NeedsAttention}) {
        EXPECT_EQ(parseOrderStatus(toString(status)), status) << toString(status);
    }
    EXPECT_EQ(toString(OrderStatus::NeedsAttention), "needs_attention");
    EXPECT_EQ(toString(OrderStatus::Placed), "placed");
}

TEST(OrderStatus, ParseIsStrict) {
    for (std::string_view text : {"", "Placed", "PLACED", " placed", "needs-attention", "unknown"}) {
        EXPECT_FALSE(parseOrderStatus(text).has_value()) << text;
    }
}

TEST(PriceScope, RoundTripsThroughItsName) {
    for (PriceScope scope :
         {PriceScope::Everyone, PriceScope::CustomerGroup, PriceScope::PriceList, PriceScope::Customer}) {
        EXPECT_EQ(parsePriceScope(toString(scope)), scope) << toString(scope);
    }
    EXPECT_EQ(toString(PriceScope::CustomerGroup), "customer_group");
    EXPECT_FALSE(parsePriceScope("Customer").has_value());
}

TEST(Records, DefaultsAreSafe) {
    EXPECT_TRUE(Product{}.active);
    EXPECT_FALSE(Customer{}.blocked);
    EXPECT_EQ(PriceRule{}.scope, PriceScope::Everyone);
    EXPECT_TRUE(Product{}.list_price.isZero());
    EXPECT_TRUE(Order{}.lines.empty());
}

}  // namespace
}  // namespace syncline::model
