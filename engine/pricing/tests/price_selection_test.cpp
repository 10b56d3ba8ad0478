// The precedence of docs/pricing.md on rules held in memory: which rule gives the price, and why each other rule
// did not. The same rules on real webstores are in price_resolver_test.cpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "engine/pricing/price_selection.h"

namespace syncline::pricing {
namespace {

using model::Decimal;
using model::PriceScope;
using ::testing::HasSubstr;

Decimal dec(const char* text) {
    return *Decimal::parse(text);
}

// A customer C1 in group G1 with price list PL1, paying in EUR; item A1 listed at 20.00 EUR.
QuoteBasis basis(const char* quantity = "1", const char* date = "2026-11-27") {
    return QuoteBasis{{"C1", "G1", "PL1", "EUR", false}, {"A1", dec("20.00"), "EUR"}, dec(quantity), "EUR", date};
}

struct RuleSpec {
    std::string id;
    PriceScope scope = PriceScope::Everyone;
    std::string key;
    std::optional<std::string> price;
    std::optional<std::string> percent;
    std::string min = "0";
    std::optional<std::string> max;
    std::string from = "2026-01-01";
    std::optional<std::string> to;
    std::string currency = "EUR";
    bool active = true;
};

Candidate candidate(const RuleSpec& s) {
    Candidate c;
    c.rule.rule_id = s.id;
    c.rule.sku = "A1";
    c.rule.scope = s.scope;
    c.rule.scope_key = s.key;
    c.rule.min_quantity = dec(s.min.c_str());
    if (s.max) {
        c.rule.max_quantity = dec(s.max->c_str());
    }
    if (s.price) {
        c.rule.unit_price = dec(s.price->c_str());
    }
    if (s.percent) {
        c.rule.discount_percent = dec(s.percent->c_str());
    }
    c.rule.currency = s.currency;
    c.rule.valid_from = s.from;
    c.rule.valid_to = s.to;
    c.active = s.active;
    return c;
}

RuleSpec absolute(std::string id, PriceScope scope, std::string key, std::string price) {
    RuleSpec s;
    s.id = std::move(id);
    s.scope = scope;
    s.key = std::move(key);
    s.price = std::move(price);
    return s;
}

RuleSpec percent(std::string id, PriceScope scope, std::string key, std::string pct) {
    RuleSpec s;
    s.id = std::move(id);
    s.scope = scope;
    s.key = std::move(key);
    s.percent = std::move(pct);
    return s;
}

PriceQuote quote(const std::vector<RuleSpec>& specs, QuoteBasis b = basis()) {
    std::vector<Candidate> candidates;
    for (const auto& s : specs) {
        candidates.push_back(candidate(s));
    }
    return selectPrice(std::move(b), std::move(candidates));
}

std::string winnerOf(const PriceQuote& q) {
    return q.winner() ? q.winner()->rule.rule_id : "list price";
}

std::map<std::string, Outcome> outcomes(const PriceQuote& q) {
    std::map<std::string, Outcome> out;
    for (const auto& c : q.candidates) {
        out[c.rule.rule_id] = c.outcome;
    }
    return out;
}

const RuleSpec kEveryone = absolute("E", PriceScope::Everyone, "", "19.00");
const RuleSpec kList = absolute("L", PriceScope::PriceList, "PL1", "18.00");
const RuleSpec kGroup = absolute("G", PriceScope::CustomerGroup, "G1", "17.00");
const RuleSpec kCustomer = absolute("C", PriceScope::Customer, "C1", "16.00");

TEST(PriceSelection, WithoutRulesTheListPriceIsThePrice) {
    const auto q = quote({});
    EXPECT_EQ(q.source, PriceSource::ListPrice);
    EXPECT_EQ(q.unit_price.amount, dec("20"));
    EXPECT_EQ(q.unit_price.currency.code(), "EUR");
    EXPECT_EQ(q.winner(), nullptr);
}

TEST(PriceSelection, CustomerBeatsGroupBeatsPriceListBeatsEveryoneBeatsListPrice) {
    auto q = quote({kEveryone, kList, kGroup, kCustomer});
    EXPECT_EQ(winnerOf(q), "C");
    EXPECT_EQ(q.unit_price.amount, dec("16"));
    EXPECT_EQ(outcomes(q), (std::map<std::string, Outcome>{{"C", Outcome::Won},
                                                           {"G", Outcome::OutrankedByScope},
                                                           {"L", Outcome::OutrankedByScope},
                                                           {"E", Outcome::OutrankedByScope}}));
    EXPECT_EQ(q.candidates.front().rule.rule_id, "C");  // highest scope first
    EXPECT_EQ(q.candidates.back().rule.rule_id, "E");
    EXPECT_EQ(winnerOf(quote({kEveryone, kList, kGroup})), "G");
    EXPECT_EQ(winnerOf(quote({kEveryone, kList})), "L");
    EXPECT_EQ(winnerOf(quote({kEveryone})), "E");
    // A group's special price wins even when it is dearer than the price list's: scope decides, not the price.
    auto dear_group = kGroup;
    dear_group.price = "18.50";
    EXPECT_EQ(winnerOf(quote({kList, dear_group})), "G");
}

TEST(PriceSelection, RulesOfOtherCustomersGroupsAndPriceListsDoNotApply) {
    const auto q = quote({absolute("C2", PriceScope::Customer, "C2", "1.00"),
                          absolute("G2", PriceScope::CustomerGroup, "G2", "1.00"),
                          absolute("L2", PriceScope::PriceList, "PL2", "1.00")});
    EXPECT_EQ(q.source, PriceSource::ListPrice);
    EXPECT_EQ(outcomes(q),
              (std::map<std::string, Outcome>{
                  {"C2", Outcome::OtherCustomer}, {"G2", Outcome::OtherGroup}, {"L2", Outcome::OtherPriceList}}));
    EXPECT_EQ(reason(q.basis, q.candidates[0]), "for customer C2, not C1");
}

TEST(PriceSelection, CustomerWithoutGroupOrPriceListGetsNeitherKindOfRule) {
    auto b = basis();
    b.customer.customer_group = "";
    b.customer.price_list = "";
    auto q = quote({kEveryone, kList, kGroup}, b);
    EXPECT_EQ(winnerOf(q), "E");
    const auto group = std::find_if(q.candidates.begin(), q.candidates.end(),
                                    [](const Candidate& c) { return c.rule.rule_id == "G"; });
    EXPECT_EQ(group->outcome, Outcome::OtherGroup);
    EXPECT_EQ(reason(q.basis, *group), "for customer group G1; the customer has no group");
}

TEST(PriceSelection, InactiveRulesAreIgnored) {
    auto inactive = kCustomer;
    inactive.active = false;
    const auto q = quote({kGroup, inactive});
    EXPECT_EQ(winnerOf(q), "G");
    EXPECT_EQ(outcomes(q).at("C"), Outcome::Inactive);
}

TEST(PriceSelection, ValidityWindowsIncludeBothEnds) {
    auto window = kCustomer;
    window.from = "2026-11-01";
    window.to = "2026-11-30";
    EXPECT_EQ(winnerOf(quote({window}, basis("1", "2026-11-01"))), "C");
    EXPECT_EQ(winnerOf(quote({window}, basis("1", "2026-11-30"))), "C");
    auto before = quote({window}, basis("1", "2026-10-31"));
    EXPECT_EQ(outcomes(before).at("C"), Outcome::NotYetValid);
    EXPECT_EQ(reason(before.basis, before.candidates[0]), "valid from 2026-11-01, after 2026-10-31");
    auto after = quote({window}, basis("1", "2026-12-01"));
    EXPECT_EQ(outcomes(after).at("C"), Outcome::Expired);
    EXPECT_EQ(reason(after.basis, after.candidates[0]), "expired on 2026-11-30, before 2026-12-01");
}

TEST(PriceSelection, OverlappingWindowsTheNewerRuleWins) {
    // A contract for the whole year and a promotion inside it: the promotion while it runs, the contract around it.
    auto contract = absolute("SP-10", PriceScope::Customer, "C1", "15.00");
    contract.from = "2026-01-01";
    contract.to = "2026-12-31";
    auto promotion = absolute("SP-11", PriceScope::Customer, "C1", "15.50");  // dearer, and still it wins
    promotion.from = "2026-11-20";
    promotion.to = "2026-11-30";
    auto during = quote({contract, promotion}, basis("1", "2026-11-27"));
    EXPECT_EQ(winnerOf(during), "SP-11");
    EXPECT_EQ(outcomes(during).at("SP-10"), Outcome::LostToNewer);
    EXPECT_EQ(during.candidates[1].beaten_by, "SP-11");
    EXPECT_EQ(winnerOf(quote({contract, promotion}, basis("1", "2026-12-01"))), "SP-10");
    EXPECT_EQ(winnerOf(quote({contract, promotion}, basis("1", "2026-11-19"))), "SP-10");
}

TEST(PriceSelection, QuantityBreaksAtTheirExactBoundariesMinInclusiveMaxExclusive) {
    auto base = absolute("T0", PriceScope::Customer, "C1", "10.00");
    base.max = "10";
    auto ten = absolute("T10", PriceScope::Customer, "C1", "9.00");
    ten.min = "10";
    ten.max = "25";
    auto twenty_five = absolute("T25", PriceScope::Customer, "C1", "8.00");
    twenty_five.min = "25";
    const std::vector<RuleSpec> tiers = {base, ten, twenty_five};
    EXPECT_EQ(winnerOf(quote(tiers, basis("0.000001"))), "T0");
    EXPECT_EQ(winnerOf(quote(tiers, basis("9.999999"))), "T0");
    EXPECT_EQ(winnerOf(quote(tiers, basis("10"))), "T10");
    EXPECT_EQ(winnerOf(quote(tiers, basis("24.999999"))), "T10");
    EXPECT_EQ(winnerOf(quote(tiers, basis("25"))), "T25");
    EXPECT_EQ(winnerOf(quote(tiers, basis("1000000"))), "T25");

    const auto at_ten = quote(tiers, basis("10"));
    EXPECT_EQ(outcomes(at_ten).at("T0"), Outcome::AtOrAboveMaxQuantity);
    EXPECT_EQ(outcomes(at_ten).at("T25"), Outcome::BelowMinQuantity);
    for (const auto& c : at_ten.candidates) {
        if (c.rule.rule_id == "T0") {
            EXPECT_EQ(reason(at_ten.basis, c), "quantity 10 is at or above the maximum 10 (exclusive)");
        }
        if (c.rule.rule_id == "T25") {
            EXPECT_EQ(reason(at_ten.basis, c), "quantity 10 is below the minimum 25");
        }
    }
}

TEST(PriceSelection, OpenEndedTiersOfOneAgreementTheHighestTierReachedWins) {
    auto base = absolute("T0", PriceScope::Customer, "C1", "10.00");
    auto fifty = absolute("T50", PriceScope::Customer, "C1", "9.00");
    fifty.min = "50";
    const auto q = quote({base, fifty}, basis("60"));
    EXPECT_EQ(winnerOf(q), "T50");
    EXPECT_EQ(outcomes(q).at("T0"), Outcome::LostToHigherTier);
}

TEST(PriceSelection, AbsoluteAndPercentInOneScopeTierAndDayTheLowerPriceWins) {
    const auto cheaper_percent = quote({absolute("A", PriceScope::Customer, "C1", "17.00"),
                                        percent("P", PriceScope::Customer, "C1", "20")});  // 20 % off 20.00 = 16.00
    EXPECT_EQ(winnerOf(cheaper_percent), "P");
    EXPECT_EQ(cheaper_percent.unit_price.amount, dec("16"));
    EXPECT_EQ(outcomes(cheaper_percent).at("A"), Outcome::LostToLowerPrice);
    const auto cheaper_absolute =
        quote({absolute("A", PriceScope::Customer, "C1", "15.99"), percent("P", PriceScope::Customer, "C1", "20")});
    EXPECT_EQ(winnerOf(cheaper_absolute), "A");
}

TEST(PriceSelection, TiesAreBrokenByTheSmallerRuleIdWhateverTheOrderRead) {
    std::vector<RuleSpec> same = {absolute("R-2", PriceScope::Customer, "C1", "12.00"),
                                  absolute("R-10", PriceScope::Customer, "C1", "12.00"),
                                  absolute("R-1", PriceScope::Customer, "C1", "12.00")};
    std::sort(same.begin(), same.end(), [](const RuleSpec& a, const RuleSpec& b) { return a.id < b.id; });
    do {
        const auto q = quote(same);
        EXPECT_EQ(winnerOf(q), "R-1");  // byte order: "R-1" < "R-10" < "R-2"
        std::vector<std::string> order;
        for (const auto& c : q.candidates) {
            order.push_back(c.rule.rule_id);
        }
        EXPECT_EQ(order, (std::vector<std::string>{"R-1", "R-10", "R-2"}));
        EXPECT_EQ(outcomes(q).at("R-2"), Outcome::LostOnRuleId);
    } while (std::next_permutation(same.begin(), same.end(),
                                   [](const RuleSpec& a, const RuleSpec& b) { return a.id < b.id; }));
}

TEST(PriceSelection, SpecialPercentagesComeOffTheStandardPrice) {
    // Group: 10 % off the price-list price 18.00, not off the list price 20.00.
    auto q = quote({kList, percent("GP", PriceScope::CustomerGroup, "G1", "10")});
    EXPECT_EQ(winnerOf(q), "GP");
    EXPECT_EQ(q.unit_price.amount, dec("16.2"));
    EXPECT_EQ(q.winner()->base_price, dec("18"));
    EXPECT_EQ(q.winner()->base_rule, "L");
    EXPECT_EQ(outcomes(q).at("L"), Outcome::BaseOfWinner);
    EXPECT_THAT(reason(q.basis, *q.winner()), HasSubstr("10 % off the base price 18.00 EUR of rule L"));

    // Customer: off the price-list price too, never off a group's special price (discounts do not stack).
    q = quote({kList, kGroup, percent("CP", PriceScope::Customer, "C1", "10")});
    EXPECT_EQ(q.unit_price.amount, dec("16.2"));
    EXPECT_EQ(outcomes(q).at("G"), Outcome::OutrankedByScope);

    // A price list's percentage comes off the everyone price, an everyone percentage off the list price.
    q = quote({kEveryone, percent("LP", PriceScope::PriceList, "PL1", "10")});
    EXPECT_EQ(q.unit_price.amount, dec("17.1"));
    EXPECT_EQ(outcomes(q).at("E"), Outcome::BaseOfWinner);
    q = quote({percent("EP", PriceScope::Everyone, "", "10")});
    EXPECT_EQ(q.unit_price.amount, dec("18"));
    EXPECT_EQ(q.winner()->base_rule, std::nullopt);
    EXPECT_THAT(reason(q.basis, *q.winner()), HasSubstr("of the list price"));
}

TEST(PriceSelection, PercentagesAreExactToSixPlacesAndLineTotalsRoundHalfUpToTheMinorUnit) {
    auto b = basis("3");
    b.item.list_price = dec("22.37");
    auto q = quote({percent("P", PriceScope::Customer, "C1", "12.5")}, b);
    EXPECT_EQ(q.unit_price.amount, dec("19.57375"));  // 22.37 × 0.875, exact
    EXPECT_EQ(q.line_total.amount, dec("58.72"));     // 58.72125 -> 58.72
    b = basis("3");
    b.item.list_price = dec("0.125");
    q = quote({}, b);
    EXPECT_EQ(q.line_total.amount, dec("0.38"));  // 0.375: the tie goes up
    b.quantity = dec("1");
    EXPECT_EQ(quote({}, b).line_total.amount, dec("0.13"));
    // 1/3 % off 1.00 = 0.996666666... -> 0.996667 (half up at the sixth place)
    b = basis("1");
    b.item.list_price = dec("1");
    EXPECT_EQ(quote({percent("P", PriceScope::Customer, "C1", "0.333333")}, b).unit_price.amount, dec("0.996667"));
}

TEST(PriceSelection, LineTotalsUseTheCurrencysMinorUnit) {
    QuoteBasis yen{{"C1", "", "", "JPY", false}, {"A1", dec("1234.5"), "JPY"}, dec("1"), "JPY", "2026-11-27"};
    const auto q = quote({}, yen);
    EXPECT_EQ(q.unit_price.amount, dec("1234.5"));
    EXPECT_EQ(q.line_total.amount, dec("1235"));
    EXPECT_EQ(q.line_total.toString(), "1235 JPY");
}

TEST(PriceSelection, RulesInAnotherCurrencyDoNotApply) {
    auto chf = kCustomer;
    chf.currency = "CHF";
    const auto q = quote({chf, kGroup});
    EXPECT_EQ(winnerOf(q), "G");
    EXPECT_EQ(outcomes(q).at("C"), Outcome::OtherCurrency);
    EXPECT_EQ(reason(q.basis, q.candidates[0]), "in CHF, not EUR");
}

TEST(PriceSelection, NoRuleInTheCurrencyAndAListPriceInAnotherIsNoPrice) {
    auto b = basis();
    b.currency = "USD";
    try {
        quote({kCustomer, percent("P", PriceScope::Everyone, "", "10")}, b);
        FAIL() << "expected no price";
    } catch (const PricingError& e) {
        EXPECT_EQ(e.kind(), PricingErrorKind::NoPrice);
        EXPECT_STREQ(e.what(),
                     "no price for item A1 in USD for customer C1 on 2026-11-27: no rule applies and the list price is "
                     "in EUR");
        ASSERT_EQ(e.candidates().size(), 2u);
        EXPECT_EQ(e.candidates()[0].outcome, Outcome::OtherCurrency);  // the customer's price is in EUR
        EXPECT_EQ(e.candidates()[1].outcome, Outcome::OtherCurrency);  // so is the percentage
    }
    // A percentage without a currency applies in any, but there is no USD base price to take it off.
    auto no_currency = percent("P", PriceScope::Everyone, "", "10");
    no_currency.currency = "";
    try {
        quote({no_currency}, b);
        FAIL() << "expected no price";
    } catch (const PricingError& e) {
        ASSERT_EQ(e.candidates().size(), 1u);
        EXPECT_EQ(e.candidates()[0].outcome, Outcome::NoBasePrice);
        EXPECT_EQ(reason(*e.basis(), e.candidates()[0]),
                  "a percentage, but there is no base price in USD to take it off (the list price is in EUR)");
    }
}

TEST(PriceSelection, AnAbsoluteRuleInTheCurrencyPricesAnItemListedInAnother) {
    auto b = basis();
    b.currency = "USD";
    auto usd = kList;
    usd.currency = "USD";
    const auto q = quote({usd}, b);
    EXPECT_EQ(q.unit_price.toString(), "18.00 USD");
}

}  // namespace
}  // namespace syncline::pricing
