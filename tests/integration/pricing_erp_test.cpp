// Pricing on what `syncline run` pulled from the demo ERP: the resolver quotes what the ERP means by its special
// prices (schemas/demo_erp/README.md, "Prices as this ERP means them", computed here straight from its tables),
// and `syncline price` prints and exits as docs/pricing.md says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/pricing/price_resolver.h"
#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/sync_config.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

using model::Decimal;
using store::Backend;
using ::testing::HasSubstr;

constexpr const char* kAsOf = "2026-11-27";

Decimal dec(const std::optional<std::string>& text) {
    const auto d = Decimal::parse(text.value());
    if (!d) {
        throw std::runtime_error("not a decimal: " + *text);
    }
    return *d;
}

std::optional<Decimal> optionalDec(const std::optional<std::string>& text) {
    return text ? std::optional<Decimal>(dec(text)) : std::nullopt;
}

// The demo ERP's tables, read once.
struct ErpPrices {
    struct Break {
        Decimal from_qty;
        std::optional<Decimal> price;
        std::optional<Decimal> percent;
    };
    struct Special {
        std::string id;
        std::string item;
        std::string card;
        std::string group;  ///< as the webstore keys it: "G" + GroupNo
        std::string currency;
        std::optional<Decimal> price;
        std::optional<Decimal> percent;
        std::string from;
        std::optional<std::string> to;
        std::vector<Break> breaks;
    };
    struct Customer {
        std::string group;
        std::string list;
        std::string currency;
    };
    std::vector<Special> specials;
    std::map<std::string, Customer> customers;
    std::map<std::pair<std::string, std::string>, std::pair<Decimal, std::string>> list_prices;  // (list, item)
    std::map<std::string, std::pair<Decimal, std::string>> items;                                // active items

    explicit ErpPrices(testing::SqlClient& erp) {
        std::map<std::string, std::size_t> by_id;
        for (const auto& r : erp.rows("SELECT SpecPriceId, RTRIM(ItemCode), RTRIM(CardCode), GroupNo, RTRIM(Currency), "
                                      "Price, DiscountPct, ValidFrom, ValidTo FROM SPPH WHERE ActiveFlag = 'Y'")) {
            Special s{*r[0],
                      *r[1],
                      r[2].value_or(""),
                      r[3] ? "G" + *r[3] : "",
                      *r[4],
                      optionalDec(r[5]),
                      optionalDec(r[6]),
                      *r[7],
                      r[8],
                      {}};
            by_id[s.id] = specials.size();
            specials.push_back(std::move(s));
        }
        for (const auto& r : erp.rows("SELECT SpecPriceId, FromQty, Price, DiscountPct FROM SPPB ORDER BY BreakNo")) {
            if (const auto it = by_id.find(*r[0]); it != by_id.end()) {
                specials[it->second].breaks.push_back({dec(r[1]), optionalDec(r[2]), optionalDec(r[3])});
            }
        }
        for (const auto& r : erp.rows("SELECT RTRIM(b.CardCode), b.GroupNo, COALESCE(b.PriceListNo, g.PriceListNo), "
                                      "RTRIM(b.Currency) FROM BPMS b LEFT JOIN CSGR g ON g.GroupNo = b.GroupNo "
                                      "WHERE b.CardType = 'C'")) {
            customers[*r[0]] = {r[1] ? "G" + *r[1] : "", r[2].value_or(""), *r[3]};
        }
        for (const auto& r : erp.rows("SELECT PriceListNo, RTRIM(ItemCode), Price, RTRIM(Currency) FROM PRLP")) {
            list_prices[{*r[0], *r[1]}] = {dec(r[2]), *r[3]};
        }
        for (const auto& r : erp.rows("SELECT RTRIM(ItemCode), ListPrice, RTRIM(PriceCurr) FROM ITMS "
                                      "WHERE ActiveFlag = 'Y'")) {
            items[*r[0]] = {dec(r[1]), *r[2]};
        }
    }

    // The price-list price in the customer's currency, or nullopt: PRLP of its list, else ITMS.ListPrice.
    std::optional<Decimal> standardPrice(const Customer& c, const std::string& item) const {
        const auto list_price = list_prices.find({c.list, item});
        const auto& [price, currency] = list_price != list_prices.end() ? list_price->second : items.at(item);
        return currency == c.currency ? std::optional<Decimal>(price) : std::nullopt;
    }

    /// The README's rule for a customer, item, quantity and day. "skip" when it leaves the answer open: two
    /// special prices with the same ValidFrom, a group's price in another currency than the customer's.
    /// "none" when there is no price in the customer's currency.
    std::string price(const std::string& code, const std::string& item, const Decimal& qty,
                      const std::string& day) const {
        const Customer& c = customers.at(code);
        auto valid = [&](const Special& s) { return s.item == item && s.from <= day && (!s.to || day <= *s.to); };
        std::vector<const Special*> chosen;
        for (const auto& s : specials) {
            if (valid(s) && s.card == code) {
                chosen.push_back(&s);
            }
        }
        if (chosen.empty()) {
            for (const auto& s : specials) {
                if (valid(s) && !c.group.empty() && s.group == c.group) {
                    chosen.push_back(&s);
                }
            }
        }
        const auto standard = standardPrice(c, item);
        if (chosen.empty()) {
            return standard ? standard->toString() : "none";
        }
        const Special* h = chosen.front();
        for (const Special* s : chosen) {
            h = s->from > h->from ? s : h;
        }
        if (std::count_if(chosen.begin(), chosen.end(), [&](const Special* s) { return s->from == h->from; }) > 1 ||
            h->currency != c.currency) {
            return "skip";
        }
        std::optional<Decimal> price = h->price;
        std::optional<Decimal> percent = h->percent;
        for (const auto& b : h->breaks) {  // by BreakNo, FromQty rising
            if (b.from_qty <= qty) {
                price = b.price;
                percent = b.percent;
            }
        }
        if (price) {
            return price->toString();
        }
        if (!standard) {
            return "skip";
        }
        const Decimal hundred = Decimal::fromInt(100);
        return standard->mulDiv(hundred - *percent, hundred, model::RoundingMode::HalfUp).toString();
    }
};

class PricingOnTheDemoErp : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        testing::DemoErpOptions options;
        options.items = 400;
        options.customers = 60;
        options.as_of = kAsOf;
        demo_ = new testing::PulledPrices("syncline-pricing", options);
    }
    static void TearDownTestSuite() { delete demo_; }

    static testing::ProcessResult syncline(std::vector<std::string> args) { return demo_->syncline(std::move(args)); }
    static std::unique_ptr<store::Webstore> openStore() { return store::Webstore::open(demo_->webstoreSettings()); }

    static testing::PulledPrices* demo_;
};

testing::PulledPrices* PricingOnTheDemoErp::demo_ = nullptr;

TEST_F(PricingOnTheDemoErp, TheResolverQuotesWhatTheErpMeansByItsSpecialPrices) {
    const ErpPrices erp(demo_->erp.sql());
    std::set<std::string> in_store;  // active customers and items that passed validation
    for (const auto& r : demo_->webstore.sql().rows("SELECT code FROM customers WHERE active = 1")) {
        in_store.insert("C:" + *r[0]);
    }
    for (const auto& r : demo_->webstore.sql().rows("SELECT sku FROM products WHERE active = 1")) {
        in_store.insert("I:" + *r[0]);
    }
    std::map<std::string, std::vector<std::string>> group_members;
    for (const auto& [code, c] : erp.customers) {
        if (in_store.count("C:" + code) && group_members[c.group].size() < 3) {
            group_members[c.group].push_back(code);
        }
    }
    auto store = openStore();
    pricing::PriceResolver resolver(*store);
    int compared = 0;
    int skipped = 0;
    int special = 0;
    for (const auto& s : erp.specials) {
        if (!erp.items.count(s.item) || !in_store.count("I:" + s.item)) {
            continue;
        }
        std::vector<std::string> who = s.card.empty() ? group_members[s.group] : std::vector<std::string>{s.card};
        std::vector<Decimal> quantities = {Decimal::fromInt(1), Decimal::fromInt(7)};
        for (const auto& b : s.breaks) {
            quantities.push_back(b.from_qty);
            quantities.push_back(b.from_qty - *Decimal::parse("0.5"));
        }
        std::vector<std::string> days = {kAsOf, s.from};
        if (s.to) {
            days.push_back(*s.to);
        }
        for (const auto& code : who) {
            if (!in_store.count("C:" + code)) {
                continue;
            }
            for (const auto& qty : quantities) {
                for (const auto& day : days) {
                    const std::string expected = erp.price(code, s.item, qty, day);
                    if (expected == "skip") {
                        ++skipped;
                        continue;
                    }
                    pricing::PriceRequest request;
                    request.customer = code;
                    request.sku = s.item;
                    request.quantity = qty;
                    request.date = day;
                    request.explain = (compared % 2) == 0;
                    std::string got;
                    try {
                        const auto q = resolver.price(request);
                        got = q.unit_price.amount.toString();
                        special += q.winner() && q.winner()->rule.rule_id.rfind("SP-", 0) == 0;
                    } catch (const pricing::PricingError& e) {
                        got = e.kind() == pricing::PricingErrorKind::NoPrice ? "none" : e.what();
                    }
                    EXPECT_EQ(got, expected) << code << " buys " << qty << " x " << s.item << " on " << day;
                    ++compared;
                }
            }
        }
    }
    EXPECT_GT(compared, 1000);
    EXPECT_GT(special, 500);
    EXPECT_LT(skipped * 10, compared) << "the ERP's rule should leave few cases open";
}

TEST_F(PricingOnTheDemoErp, PriceCommandPrintsThePriceTheRuleAndEveryCandidate) {
    // A customer's quantity break that wins: found with the resolver, then asked of the command.
    auto store = openStore();
    pricing::PriceResolver resolver(*store);
    std::optional<pricing::PriceQuote> found;
    for (const auto& r : demo_->webstore.sql().rows(
             "SELECT r.scope_key, r.sku, r.min_quantity FROM price_rules r JOIN products p ON p.sku = r.sku AND "
             "p.active = 1 JOIN customers c ON c.code = r.scope_key WHERE r.scope = 'customer' AND r.rule_id LIKE "
             "'SP-%-%' AND r.valid_from <= '" +
             std::string(kAsOf) + "' AND (r.valid_to IS NULL OR r.valid_to >= '" + kAsOf + "') ORDER BY r.rule_id")) {
        pricing::PriceRequest request{*r[0], *r[1], dec(r[2]), kAsOf, std::nullopt, true};
        auto q = resolver.price(request);
        if (q.winner() && q.winner()->rule.rule_id.find('-', 3) != std::string::npos) {
            found = std::move(q);
            break;
        }
    }
    ASSERT_TRUE(found.has_value()) << "the demo ERP has no winning customer quantity break on " << kAsOf;
    const auto& b = found->basis;
    const std::string qty = b.quantity.toString();

    auto r = syncline({"price", b.customer.code, b.item.sku, qty, "--date", kAsOf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("unit price  " + found->unit_price.toString() + "\n"));
    EXPECT_THAT(r.out, HasSubstr("line total  " + found->line_total.toString() + "\n"));
    EXPECT_THAT(r.out,
                HasSubstr("from        rule " + found->winner()->rule.rule_id + " (customer " + b.customer.code));
    EXPECT_THAT(r.out, HasSubstr("OUTCOME"));
    for (const auto& c : found->candidates) {
        EXPECT_THAT(r.out, HasSubstr(c.rule.rule_id)) << "every candidate is listed";
    }

    r = syncline({"--json", "price", b.customer.code, b.item.sku, qty, "--date", kAsOf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["customer"]["code"], b.customer.code);
    EXPECT_EQ(j["item"]["sku"], b.item.sku);
    EXPECT_EQ(j["quantity"], qty);
    EXPECT_EQ(j["date"], kAsOf);
    EXPECT_EQ(j["currency"], b.currency);
    EXPECT_TRUE(j["unit_price"].is_string());
    EXPECT_EQ(j["line_total"], found->line_total.amount.toString(found->line_total.currency.minorDigits()));
    EXPECT_EQ(j["source"], "rule");
    EXPECT_EQ(j["rule"]["rule_id"], found->winner()->rule.rule_id);
    EXPECT_EQ(j["rule"]["outcome"], "won");
    EXPECT_EQ(j["candidates"].size(), found->candidates.size());
    for (const auto& c : j["candidates"]) {
        EXPECT_TRUE(c["reason"].is_string() && !c["reason"].get<std::string>().empty());
        EXPECT_TRUE(c["min_quantity"].is_string());
    }

    // Errors: 65 for what the webstore does not have, 64 for a malformed request.
    r = syncline({"price", "NO-SUCH-CUSTOMER", b.item.sku});
    EXPECT_EQ(r.exit_code, 65);
    EXPECT_THAT(r.err, HasSubstr("unknown customer NO-SUCH-CUSTOMER"));
    r = syncline({"--json", "price", b.customer.code, "NO-SUCH-ITEM"});
    EXPECT_EQ(r.exit_code, 65);
    EXPECT_EQ(nlohmann::json::parse(r.out)["error"], "unknown_item");
    r = syncline({"price", b.customer.code, b.item.sku, "1,5"});
    EXPECT_EQ(r.exit_code, 64);
    EXPECT_THAT(r.err, HasSubstr("quantity '1,5'"));
    EXPECT_EQ(syncline({"price", b.customer.code, b.item.sku, "1", "--date", "27.11.2026"}).exit_code, 64);
    EXPECT_EQ(syncline({"price", b.customer.code, b.item.sku, "1", "--currency", "EURO"}).exit_code, 64);
    EXPECT_EQ(syncline({"price", b.customer.code}).exit_code, 64);

    // No price in a currency nobody sells in: 65, with every candidate and why it did not apply.
    r = syncline({"--json", "price", b.customer.code, b.item.sku, qty, "--date", kAsOf, "--currency", "JPY"});
    EXPECT_EQ(r.exit_code, 65);
    const auto none = nlohmann::json::parse(r.out);
    EXPECT_EQ(none["error"], "no_price");
    EXPECT_EQ(none["candidates"].size(), found->candidates.size());
    EXPECT_THAT(r.err, HasSubstr("no price for item " + b.item.sku + " in JPY"));
}

TEST_F(PricingOnTheDemoErp, AReplySaysHowOldTheSyncedPricesAreAndWarnsWhenTheyAreTooOld) {
    const auto sku = demo_->webstore.sql().value("SELECT MIN(sku) FROM products WHERE active = 1");
    const auto customer = demo_->webstore.sql().value("SELECT MIN(code) FROM customers WHERE active = 1");
    auto r = syncline({"--json", "price", customer, sku, "1", "--date", kAsOf});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_TRUE(j["synced_at"].is_string());
    EXPECT_LT(j["synced_age_s"].get<long long>(), 3600) << "the prices job ran moments ago";
    EXPECT_TRUE(j["warnings"].empty()) << j["warnings"];

    // The prices job last succeeded long ago (a failed run since does not count).
    const auto kept = demo_->webstore.sql().value("SELECT MAX(finished_at) FROM job_runs WHERE job = 'prices'");
    demo_->webstore.sql().execute("UPDATE job_runs SET finished_at = '2026-01-01T00:00:00Z' WHERE job = 'prices'");
    demo_->webstore.sql().execute(
        "INSERT INTO job_runs (job, triggered_by, node, status, started_at, finished_at) VALUES ('prices', 'manual', "
        "'test', 'failed', '" +
        kept + "', '" + kept + "')");
    r = syncline({"--json", "price", customer, sku, "1", "--date", kAsOf});
    EXPECT_EQ(r.exit_code, 0) << "stale prices still answer, with a warning";
    j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["synced_at"], "2026-01-01T00:00:00Z");
    ASSERT_EQ(j["warnings"].size(), 1u);
    EXPECT_THAT(j["warnings"][0].get<std::string>(), HasSubstr("more than [pricing] max_age_s (1 d 2 h)"));
    EXPECT_THAT(r.err, HasSubstr("warning: the synced prices are"));
    r = syncline({"price", customer, sku, "1", "--date", kAsOf});
    EXPECT_THAT(r.out, HasSubstr("synced      2026-01-01T00:00:00Z ("));
    EXPECT_THAT(r.out, HasSubstr("warning     the synced prices are"));

    demo_->webstore.sql().execute("DELETE FROM job_runs WHERE job = 'prices' AND status = 'failed' AND node = 'test'");
    demo_->webstore.sql().execute("UPDATE job_runs SET finished_at = '" + kept + "' WHERE job = 'prices'");
}

}  // namespace
}  // namespace syncline
