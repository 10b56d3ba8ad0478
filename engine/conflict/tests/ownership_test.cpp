#include "engine/conflict/ownership.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace syncline::conflict {
namespace {

using Opt = std::optional<std::string>;

// decide() with a known base.
FieldDecision d3(Policy p, const char* base, const char* erp, const char* store, bool erp_newer = true) {
    const Opt b = base ? Opt(base) : Opt();
    return decide(p, &b, erp ? Opt(erp) : Opt(), store ? Opt(store) : Opt(), erp_newer);
}

TEST(Ownership, DefaultsGiveTheShopProductDescriptionsAndTheErpEverythingElse) {
    const auto o = Ownership::defaults();
    EXPECT_EQ(o.policy("product", "description"), Policy::Store);
    EXPECT_EQ(o.policy("product", "list_price"), Policy::Erp);
    EXPECT_EQ(o.policy("stock", "quantity"), Policy::Erp);
    EXPECT_TRUE(o.anyNonErp("product"));
    EXPECT_FALSE(o.anyNonErp("price_rule"));
}

TEST(Ownership, PolicyNamesRoundTrip) {
    for (const auto& name : policyNames()) {
        ASSERT_TRUE(parsePolicy(name));
        EXPECT_EQ(policyName(*parsePolicy(name)), name);
    }
    EXPECT_FALSE(parsePolicy("shop"));
}

TEST(Ownership, KeysAndErpMetadataCannotBeOwned) {
    const auto fields = ownableFields("stock");
    EXPECT_EQ(fields, std::vector<std::string>{"quantity"});
    const auto product = ownableFields("product");
    EXPECT_EQ(std::count(product.begin(), product.end(), "sku"), 0);
    EXPECT_EQ(std::count(product.begin(), product.end(), "description"), 1);
    EXPECT_TRUE(ownableFields("order").empty());
}

TEST(Decide, OnlyTheErpChangedTakesTheErpValueUnderEveryPolicy) {
    for (auto p : {Policy::Erp, Policy::Store, Policy::Newest, Policy::Manual}) {
        const auto d = d3(p, "old", "new", "old");
        EXPECT_EQ(d.value, Opt("new")) << policyName(p);
        EXPECT_FALSE(d.conflict);
        EXPECT_FALSE(d.held);
    }
}

TEST(Decide, OnlyTheShopChangedKeepsItsEditUnlessTheErpOwnsTheField) {
    EXPECT_EQ(d3(Policy::Erp, "old", "old", "edited").value, Opt("old"));
    for (auto p : {Policy::Store, Policy::Newest, Policy::Manual}) {
        const auto d = d3(p, "old", "old", "edited");
        EXPECT_EQ(d.value, Opt("edited")) << policyName(p);
        EXPECT_FALSE(d.conflict);
    }
}

TEST(Decide, BothChangedIsAConflictThatThePolicyDecides) {
    auto d = d3(Policy::Erp, "base", "erp", "shop");
    EXPECT_TRUE(d.conflict);
    EXPECT_EQ(d.value, Opt("erp"));
    EXPECT_EQ(d.winner, "erp");

    d = d3(Policy::Store, "base", "erp", "shop");
    EXPECT_TRUE(d.conflict);
    EXPECT_EQ(d.value, Opt("shop"));
    EXPECT_EQ(d.winner, "store");

    d = d3(Policy::Newest, "base", "erp", "shop", /*erp_newer=*/true);
    EXPECT_EQ(d.value, Opt("erp"));
    d = d3(Policy::Newest, "base", "erp", "shop", /*erp_newer=*/false);
    EXPECT_EQ(d.value, Opt("shop"));

    d = d3(Policy::Manual, "base", "erp", "shop");
    EXPECT_TRUE(d.conflict);
    EXPECT_TRUE(d.held);
    EXPECT_EQ(d.value, Opt("shop")) << "a held field keeps the shop's value until an admin decides";
}

TEST(Decide, TheSameChangeOnBothSidesIsNoConflict) {
    const auto d = d3(Policy::Manual, "base", "same", "same");
    EXPECT_FALSE(d.conflict);
    EXPECT_EQ(d.value, Opt("same"));
}

TEST(Decide, NullIsAValueLikeAnyOther) {
    auto d = d3(Policy::Manual, nullptr, "erp", "shop");
    EXPECT_TRUE(d.conflict);
    d = d3(Policy::Store, "base", nullptr, "base");
    EXPECT_EQ(d.value, Opt());
}

TEST(Decide, AnUnknownBaseTakesTheErpValueWithoutAConflict) {
    const auto d = decide(Policy::Manual, nullptr, Opt("erp"), Opt("shop"), true);
    EXPECT_FALSE(d.conflict);
    EXPECT_EQ(d.value, Opt("erp"));
}

TEST(ErpIsNewer, ComparesBothTimeFormatsAsUtc) {
    EXPECT_TRUE(erpIsNewer(Opt("2026-11-27 10:00:01"), Opt("2026-11-27T10:00:00Z")));
    EXPECT_FALSE(erpIsNewer(Opt("2026-11-27 09:59:59.999"), Opt("2026-11-27T10:00:00Z")));
    EXPECT_TRUE(erpIsNewer(Opt("2026-11-27 10:00:00"), Opt("2026-11-27T10:00:00Z"))) << "a tie goes to the ERP";
    EXPECT_TRUE(erpIsNewer(Opt(), Opt("2026-11-27T10:00:00Z")));
    EXPECT_TRUE(erpIsNewer(Opt("soon"), Opt("2026-11-27T10:00:00Z")));
}

}  // namespace
}  // namespace syncline::conflict
