// PriceResolver on real webstores, an SQLite file and a PostgreSQL database of the test cluster: what it reads
// (decimals, dates and flags come back the same from both), its typed errors and whole carts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <Poco/Data/Session.h>

#include <atomic>
#include <cstdio>
#include <map>
#include <thread>

#include "engine/audit/audit_log.h"
#include "engine/pricing/price_resolver.h"
#include "engine/store/migrator.h"
#include "engine/store/transaction.h"
#include "tests/support/test_env.h"

namespace syncline::pricing {
namespace {

using model::Decimal;
using Poco::Data::Keywords::now;
using store::Backend;
using ::testing::HasSubstr;

Decimal dec(const char* text) {
    return *Decimal::parse(text);
}

// Each test runs on both backends, with the resolver reading the webstore directly and through a PriceCache that
// checks the audit log before every look-up. The helpers below write an audit row with each change, as syncline's
// own writers do, so that the cached resolver must give the same answers as the direct one.
class PriceResolverTest : public ::testing::TestWithParam<std::tuple<Backend, bool>> {
  protected:
    void SetUp() override {
        if (backend() == Backend::SQLite) {
            settings_.sqlite_path = dir_.file("webstore.db");
        } else {
            pg_ = std::make_unique<testing::TestPostgres>();
            database_ = pg_->createDatabase("pricing");
            settings_ = pg_->settings(database_);
        }
        store_ = store::Webstore::open(settings_);
        store::Migrator(*store_).migrate();
        // C1 (group G1, list PL1, EUR); C2 without group or list; C3 blocked; C4 deactivated.
        customer("C1", "G1", "PL1", "EUR");
        customer("C2", "", "", "EUR");
        customer("C3", "G1", "PL1", "EUR", true);
        customer("C4", "G1", "PL1", "EUR", false, false);
        product("A1", "20.00", "EUR");
        product("A2", "5.5", "EUR");
        product("A3", "100", "USD");
        product("A9", "1", "EUR", false);
    }
    void TearDown() override {
        store_.reset();
        if (pg_) {
            pg_->dropDatabase(database_);
        }
    }

    Backend backend() const { return std::get<0>(GetParam()); }
    bool cached() const { return std::get<1>(GetParam()); }
    // What syncline writes with every change to a record (engine/audit), which the cache follows.
    void audited(const std::string& entity, const std::string& key) {
        if (cached()) {
            audit::AuditLog(*store_).append({"test", entity, key, "update", "{}"});
        }
    }

    std::string flag(bool value) const {
        return backend() == Backend::SQLite ? (value ? "1" : "0") : (value ? "TRUE" : "FALSE");
    }
    static std::string text(const std::optional<std::string>& value) { return value ? "'" + *value + "'" : "NULL"; }
    void exec(const std::string& sql) { store_->session() << sql, now; }

    void customer(const std::string& code, const std::string& group, const std::string& list,
                  const std::string& currency, bool blocked = false, bool active = true) {
        exec(
            "INSERT INTO customers (code, name, customer_group, price_list, currency, blocked, active, updated_at) "
            "VALUES ('" +
            code + "', 'Customer " + code + "', '" + group + "', '" + list + "', '" + currency + "', " + flag(blocked) +
            ", " + flag(active) + ", '2026-11-27T00:00:00Z')");
        audited("customer", code);
    }
    void product(const std::string& sku, const std::string& list_price, const std::string& currency,
                 bool active = true) {
        exec("INSERT INTO products (sku, name, unit, list_price, currency, active, updated_at) VALUES ('" + sku +
             "', 'Item " + sku + "', 'pcs', " + (backend() == Backend::SQLite ? "'" + list_price + "'" : list_price) +
             ", '" + currency + "', " + flag(active) + ", '2026-11-27T00:00:00Z')");
        audited("product", sku);
    }
    struct Rule {
        std::string id;
        std::string sku = "A1";
        std::string scope = "everyone";
        std::string key{};
        std::optional<std::string> price{};
        std::optional<std::string> percent{};
        std::string currency = "EUR";
        std::string min = "0";
        std::optional<std::string> max{};
        std::string from = "2026-01-01";
        std::optional<std::string> to{};
        bool active = true;
    };
    void rule(const Rule& r) {
        exec(
            "INSERT INTO price_rules (rule_id, sku, scope, scope_key, min_quantity, max_quantity, unit_price, "
            "discount_percent, currency, valid_from, valid_to, active, updated_at) VALUES (" +
            text(r.id) + ", " + text(r.sku) + ", " + text(r.scope) + ", " + text(r.key) + ", " + text(r.min) + ", " +
            text(r.max) + ", " + text(r.price) + ", " + text(r.percent) + ", " + text(r.currency) + ", " +
            text(r.from) + ", " + text(r.to) + ", " + flag(r.active) + ", '2026-11-27T00:00:00Z')");
        audited("price_rule", r.id);
    }

    PriceQuote price(const std::string& customer, const std::string& sku, const char* quantity = "1",
                     const char* date = "2026-11-27", bool explain = true) {
        PriceRequest request;
        request.customer = customer;
        request.sku = sku;
        request.quantity = dec(quantity);
        request.date = date;
        request.explain = explain;
        return resolver().price(request);
    }
    PricingErrorKind errorOf(const PriceRequest& request, std::string* message = nullptr) {
        try {
            resolver().price(request);
        } catch (const PricingError& e) {
            if (message != nullptr) {
                *message = e.what();
            }
            return e.kind();
        }
        ADD_FAILURE() << "no error for " << request.customer << " / " << request.sku;
        return PricingErrorKind::InvalidRequest;
    }
    PriceResolver& resolver() {
        if (!resolver_) {
            if (cached()) {
                PriceCacheSettings settings;
                settings.check_interval = std::chrono::milliseconds(0);
                cache_ = std::make_shared<PriceCache>(settings);
            }
            resolver_ = std::make_unique<PriceResolver>(*store_, cache_);
        }
        return *resolver_;
    }

    testing::TempDir dir_;
    std::unique_ptr<testing::TestPostgres> pg_;
    std::string database_;
    store::ConnectionSettings settings_;
    std::unique_ptr<store::Webstore> store_;
    std::shared_ptr<PriceCache> cache_;
    std::unique_ptr<PriceResolver> resolver_;
};

std::map<std::string, Outcome> outcomes(const std::vector<Candidate>& candidates) {
    std::map<std::string, Outcome> out;
    for (const auto& c : candidates) {
        out[c.rule.rule_id] = c.outcome;
    }
    return out;
}

TEST_P(PriceResolverTest, ReadsEveryRuleOfTheItemAndExplainsWhyEachWonOrNot) {
    rule({.id = "E-1", .price = "19.00"});
    rule({.id = "PL-1", .scope = "price_list", .key = "PL1", .price = "18.00"});
    rule({.id = "PL-2", .scope = "price_list", .key = "PL2", .price = "1.00"});
    rule({.id = "G-1",
          .scope = "customer_group",
          .key = "G1",
          .percent = "12.5",
          .min = "10",
          .max = "50.5",
          .from = "2026-06-01",
          .to = "2026-12-31"});
    rule({.id = "C-1", .scope = "customer", .key = "C1", .price = "15.00", .from = "2027-01-01"});
    rule({.id = "C-2", .scope = "customer", .key = "C2", .price = "1.00"});
    rule({.id = "C-OLD", .scope = "customer", .key = "C1", .price = "1.00", .active = false});
    rule({.id = "X-1", .sku = "A2", .price = "1.00"});

    const auto q = price("C1", "A1", "10");
    EXPECT_EQ(q.unit_price.toString(), "15.75 EUR");  // 12.5 % off the price list's 18.00
    EXPECT_EQ(q.line_total.toString(), "157.50 EUR");
    ASSERT_NE(q.winner(), nullptr);
    const auto& w = q.winner()->rule;
    EXPECT_EQ(w.rule_id, "G-1");
    EXPECT_EQ(w.scope, model::PriceScope::CustomerGroup);
    EXPECT_EQ(w.scope_key, "G1");
    EXPECT_EQ(w.discount_percent, dec("12.5"));
    EXPECT_EQ(w.min_quantity, dec("10"));
    EXPECT_EQ(w.max_quantity, dec("50.5"));
    EXPECT_EQ(w.valid_from, "2026-06-01");
    EXPECT_EQ(w.valid_to, "2026-12-31");
    EXPECT_EQ(w.currency, "EUR");
    EXPECT_EQ(q.winner()->base_rule, "PL-1");
    EXPECT_EQ(outcomes(q.candidates), (std::map<std::string, Outcome>{{"C-1", Outcome::NotYetValid},
                                                                      {"C-2", Outcome::OtherCustomer},
                                                                      {"C-OLD", Outcome::Inactive},
                                                                      {"G-1", Outcome::Won},
                                                                      {"PL-1", Outcome::BaseOfWinner},
                                                                      {"PL-2", Outcome::OtherPriceList},
                                                                      {"E-1", Outcome::OutrankedByScope}}));
    EXPECT_EQ(reason(q.basis, q.candidates.front()), "valid from 2027-01-01, after 2026-11-27");

    // Without explain only the customer's own active rules are read: the same price, nothing about others.
    const auto lean = price("C1", "A1", "10", "2026-11-27", false);
    EXPECT_EQ(lean.unit_price, q.unit_price);
    EXPECT_EQ(lean.winner()->rule, w);
    EXPECT_EQ(outcomes(lean.candidates), (std::map<std::string, Outcome>{{"C-1", Outcome::NotYetValid},
                                                                         {"G-1", Outcome::Won},
                                                                         {"PL-1", Outcome::BaseOfWinner},
                                                                         {"E-1", Outcome::OutrankedByScope}}));

    // Below the group's tier the price list's price holds; from 1 January the customer's own price.
    EXPECT_EQ(price("C1", "A1", "9.999999").winner()->rule.rule_id, "PL-1");
    EXPECT_EQ(price("C1", "A1", "50.5").winner()->rule.rule_id, "PL-1");  // max is exclusive
    EXPECT_EQ(price("C1", "A1", "10", "2027-01-01").unit_price.toString(), "15.00 EUR");
    // A customer without group or price list gets the everyone price.
    EXPECT_EQ(price("C2", "A1", "10").winner()->rule.rule_id, "C-2");
    EXPECT_EQ(price("C2", "A2").winner()->rule.rule_id, "X-1");
}

TEST_P(PriceResolverTest, UnknownAndInactiveCustomersAndItemsAreTypedErrors) {
    PriceRequest request;
    request.customer = "C404";
    request.sku = "A1";
    std::string message;
    EXPECT_EQ(errorOf(request, &message), PricingErrorKind::UnknownCustomer);
    EXPECT_EQ(message, "unknown customer C404: no such customer code");
    request.customer = "C4";
    EXPECT_EQ(errorOf(request, &message), PricingErrorKind::InactiveCustomer);
    EXPECT_EQ(message, "customer C4 is inactive: the ERP no longer has it");
    request.customer = "C1";
    request.sku = "NOPE";
    EXPECT_EQ(errorOf(request, &message), PricingErrorKind::UnknownItem);
    EXPECT_EQ(message, "unknown item NOPE: no such SKU");
    request.sku = "A9";
    EXPECT_EQ(errorOf(request, &message), PricingErrorKind::InactiveItem);
    EXPECT_EQ(message, "item A9 is inactive: it is no longer sold");
}

TEST_P(PriceResolverTest, MalformedRequestsAreRefusedBeforeAnyLookUp) {
    PriceRequest request;
    request.customer = "C1";
    request.sku = "A1";
    request.date = "2026-02-30";
    std::string message;
    EXPECT_EQ(errorOf(request, &message), PricingErrorKind::InvalidRequest);
    EXPECT_EQ(message, "date '2026-02-30' is not a date (YYYY-MM-DD)");
    request.date.reset();
    request.currency = "eur";
    EXPECT_EQ(errorOf(request, &message), PricingErrorKind::InvalidRequest);
    EXPECT_THAT(message, HasSubstr("currency 'eur'"));
    request.currency.reset();
    request.quantity = Decimal();
    EXPECT_EQ(errorOf(request, &message), PricingErrorKind::InvalidRequest);
    EXPECT_EQ(message, "quantity 0 must be greater than zero");
    request.quantity = dec("-1");
    EXPECT_EQ(errorOf(request), PricingErrorKind::InvalidRequest);
}

TEST_P(PriceResolverTest, BlockedCustomersArePricedAndFlagged) {
    rule({.id = "G-1", .scope = "customer_group", .key = "G1", .price = "17.00"});
    const auto q = price("C3", "A1");
    EXPECT_TRUE(q.basis.customer.blocked);
    EXPECT_EQ(q.unit_price.toString(), "17.00 EUR");
    EXPECT_FALSE(price("C1", "A1").basis.customer.blocked);
}

TEST_P(PriceResolverTest, AnotherCurrencyUsesOnlyRulesInItAndOtherwiseThereIsNoPrice) {
    rule({.id = "PL-1", .scope = "price_list", .key = "PL1", .price = "18.00"});
    rule({.id = "PL-1-USD", .scope = "price_list", .key = "PL1", .price = "21.00", .currency = "USD"});
    PriceRequest request;
    request.customer = "C1";
    request.sku = "A1";
    request.date = "2026-11-27";
    request.currency = "USD";
    auto q = resolver().price(request);
    EXPECT_EQ(q.unit_price.toString(), "21.00 USD");
    EXPECT_EQ(outcomes(q.candidates).at("PL-1"), Outcome::OtherCurrency);
    // A3 is listed in USD only: the customer's EUR has no price.
    request.currency.reset();
    request.sku = "A3";
    std::string message;
    EXPECT_EQ(errorOf(request, &message), PricingErrorKind::NoPrice);
    EXPECT_EQ(
        message,
        "no price for item A3 in EUR for customer C1 on 2026-11-27: no rule applies and the list price is in USD");
    request.currency = "USD";
    EXPECT_EQ(resolver().price(request).unit_price.toString(), "100.00 USD");
}

TEST_P(PriceResolverTest, TiesResolveTheSameWhicheverOrderTheRulesWereWritten) {
    rule({.id = "R-b", .scope = "customer", .key = "C1", .price = "12.00"});
    rule({.id = "R-a", .scope = "customer", .key = "C1", .price = "12.00"});
    rule({.id = "R-c", .scope = "customer", .key = "C1", .percent = "40"});  // 12.00 too
    const auto q = price("C1", "A1");
    EXPECT_EQ(q.winner()->rule.rule_id, "R-a");
    EXPECT_EQ(outcomes(q.candidates).at("R-b"), Outcome::LostOnRuleId);
    EXPECT_EQ(outcomes(q.candidates).at("R-c"), Outcome::LostOnRuleId);
}

TEST_P(PriceResolverTest, TheDefaultDayIsTodayInUtc) {
    const std::string today = todayUtc();
    rule({.id = "TODAY", .scope = "customer", .key = "C1", .price = "3.00", .from = today, .to = today});
    PriceRequest request;
    request.customer = "C1";
    request.sku = "A1";
    const auto q = resolver().price(request);
    EXPECT_EQ(q.basis.date, today);
    EXPECT_EQ(q.winner()->rule.rule_id, "TODAY");
    EXPECT_EQ(q.basis.quantity, dec("1"));
}

TEST_P(PriceResolverTest, ACartPricesEveryLineAndNamesTheLinesWithoutAPrice) {
    rule({.id = "C-1", .scope = "customer", .key = "C1", .price = "0.125"});
    rule({.id = "C-2", .sku = "A2", .scope = "customer", .key = "C1", .percent = "10", .min = "5"});
    CartRequest cart;
    cart.customer = "C1";
    cart.date = "2026-11-27";
    cart.lines = {{"A1", dec("3")}, {"A2", dec("5")}, {"NOPE", dec("1")}, {"A2", dec("1")},
                  {"A3", dec("1")}, {"A9", dec("1")}, {"A1", dec("0")}};
    const auto c = resolver().priceCart(cart);
    EXPECT_EQ(c.customer.code, "C1");
    EXPECT_EQ(c.currency, "EUR");
    ASSERT_EQ(c.lines.size(), 7u);
    EXPECT_EQ(c.lines[0].quote->line_total.toString(), "0.38 EUR");  // 3 × 0.125 = 0.375, half up
    EXPECT_EQ(c.lines[1].quote->unit_price.toString(), "4.95 EUR");  // 10 % off 5.50 from 5 pieces
    EXPECT_EQ(c.lines[1].quote->line_total.toString(), "24.75 EUR");
    EXPECT_EQ(c.lines[2].error->kind(), PricingErrorKind::UnknownItem);
    EXPECT_EQ(c.lines[3].quote->unit_price.toString(), "5.50 EUR");  // below the tier: the list price
    EXPECT_EQ(c.lines[4].error->kind(), PricingErrorKind::NoPrice);
    EXPECT_EQ(c.lines[5].error->kind(), PricingErrorKind::InactiveItem);
    EXPECT_EQ(c.lines[6].error->kind(), PricingErrorKind::InvalidRequest);
    EXPECT_FALSE(c.lines[2].quote.has_value());
    EXPECT_EQ(c.total.toString(), "30.63 EUR");  // 0.38 + 24.75 + 5.50
    EXPECT_FALSE(c.complete);
    // Lean by default: no rule of other customers in a cart's quotes.
    EXPECT_EQ(c.lines[0].quote->candidates.size(), 1u);

    cart.customer = "C404";
    try {
        resolver().priceCart(cart);
        ADD_FAILURE() << "an unknown customer's cart has no price";
    } catch (const PricingError& e) {
        EXPECT_EQ(e.kind(), PricingErrorKind::UnknownCustomer);
    }
    cart.customer = "C1";
    cart.lines = {{"A1", dec("2")}};
    const auto whole = resolver().priceCart(cart);
    EXPECT_TRUE(whole.complete);
    EXPECT_EQ(whole.total.toString(), "0.25 EUR");
}

TEST_P(PriceResolverTest, ACartInsideTheCallersTransactionUsesIt) {
    rule({.id = "C-1", .scope = "customer", .key = "C1", .price = "7.00"});
    CartRequest cart;
    cart.customer = "C1";
    cart.date = "2026-11-27";
    cart.lines = {{"A1", dec("1")}};
    store_->session().begin();
    exec("UPDATE price_rules SET unit_price = " + std::string(backend() == Backend::SQLite ? "'6.00'" : "6.00"));
    EXPECT_EQ(resolver().priceCart(cart).total.toString(), "6.00 EUR");  // sees its own caller's uncommitted change
    store_->session().rollback();
    EXPECT_EQ(resolver().priceCart(cart).total.toString(), "7.00 EUR");
}

// What only the cached resolver does: answer from memory, follow the audit log, keep its bounds.
class PriceCacheTest : public PriceResolverTest {
  protected:
    PriceCacheStats stats() const { return cache_->stats(); }
    // The unit price `through` gives C1 for one piece of `sku`.
    static std::string unitPrice(PriceResolver& through, const std::string& sku, bool explain = false) {
        return through.price({"C1", sku, dec("1"), "2026-11-27", std::nullopt, explain}).unit_price.toString();
    }
    std::string money(const char* amount) const {
        return backend() == Backend::SQLite ? "'" + std::string(amount) + "'" : amount;
    }
};

TEST_P(PriceCacheTest, ALookUpOfACachedItemReadsNothingAndAnAuditedChangeIsSeenAtTheNextCheck) {
    rule({.id = "C-1", .scope = "customer", .key = "C1", .price = "15.00"});
    EXPECT_EQ(price("C1", "A1").unit_price.toString(), "15.00 EUR");
    const auto first = stats();
    EXPECT_EQ(first.misses, 2u);  // the customer and the item
    EXPECT_EQ(first.items, 1u);
    EXPECT_EQ(first.customers, 1u);
    EXPECT_EQ(price("C1", "A1", "3", "2026-11-27", false).unit_price.toString(), "15.00 EUR");
    EXPECT_EQ(stats().misses, 2u);
    EXPECT_EQ(stats().hits, 2u);

    // A change written without an audit row (SQL typed by hand) is not seen: the answer comes from memory...
    exec("UPDATE price_rules SET unit_price = " + money("14.00") + " WHERE rule_id = 'C-1'");
    EXPECT_EQ(price("C1", "A1").unit_price.toString(), "15.00 EUR");
    // ... until its audit row is written, as every syncline writer does in the same transaction.
    audited("price_rule", "C-1");
    EXPECT_EQ(price("C1", "A1").unit_price.toString(), "14.00 EUR");
    EXPECT_EQ(stats().invalidated, 1u);

    // A customer's new price list applies once the customer's change is audited.
    rule({.id = "PL-2", .scope = "price_list", .key = "PL2", .price = "9.00"});
    exec("UPDATE customers SET price_list = 'PL2' WHERE code = 'C2'");
    audited("customer", "C2");
    EXPECT_EQ(price("C2", "A1").unit_price.toString(), "9.00 EUR");
    // And a product's list price.
    exec("UPDATE products SET list_price = " + money("6.50") + " WHERE sku = 'A2'");
    audited("product", "A2");
    EXPECT_EQ(price("C2", "A2").unit_price.toString(), "6.50 EUR");
}

TEST_P(PriceCacheTest, ARuleMovedToAnotherItemLeavesTheItemItHad) {
    rule({.id = "C-1", .scope = "customer", .key = "C1", .price = "15.00"});
    EXPECT_EQ(price("C1", "A1").unit_price.toString(), "15.00 EUR");
    EXPECT_EQ(price("C1", "A2").unit_price.toString(), "5.50 EUR");
    exec("UPDATE price_rules SET sku = 'A2' WHERE rule_id = 'C-1'");
    // The audit row names only the rule; its changes say that the item changed.
    audit::AuditLog(*store_).append({"test", "price_rule", "C-1", "update", R"({"sku":{"from":"A1","to":"A2"}})"});
    EXPECT_EQ(price("C1", "A1").unit_price.toString(), "20.00 EUR");
    EXPECT_EQ(price("C1", "A2").unit_price.toString(), "15.00 EUR");
    EXPECT_EQ(stats().cleared, 1u);

    // Back, by an admin resolving a conflict on the rule's item (`syncline conflicts resolve`).
    exec("UPDATE price_rules SET sku = 'A1' WHERE rule_id = 'C-1'");
    audit::AuditLog(*store_).append({"test", "price_rule", "C-1", "resolve_conflict",
                                     R"({"sku":{"base":"A1","erp":"A1","store":"A2","from":"A2","to":"A1"}})"});
    EXPECT_EQ(price("C1", "A2").unit_price.toString(), "5.50 EUR");
    EXPECT_EQ(price("C1", "A1").unit_price.toString(), "15.00 EUR");
    EXPECT_EQ(stats().cleared, 2u);
}

TEST_P(PriceCacheTest, AnItemWithTooManyRulesIsReadFromTheWebstoreEveryTime) {
    rule({.id = "E-1", .price = "19.00"});
    rule({.id = "C-1", .scope = "customer", .key = "C1", .price = "15.00"});
    rule({.id = "C-2", .scope = "customer", .key = "C2", .price = "14.00"});
    PriceCacheSettings settings;
    settings.max_rules_per_item = 2;
    settings.check_interval = std::chrono::milliseconds(0);
    auto small = std::make_shared<PriceCache>(settings);
    PriceResolver through(*store_, small);
    const auto lean = through.price({"C1", "A1", dec("1"), "2026-11-27", std::nullopt, false});
    EXPECT_EQ(lean.unit_price.toString(), "15.00 EUR");
    EXPECT_EQ(outcomes(lean.candidates),
              (std::map<std::string, Outcome>{{"C-1", Outcome::Won}, {"E-1", Outcome::OutrankedByScope}}));
    // The entry only says that the item is read from the webstore: a change needs no audit row to be seen.
    exec("UPDATE price_rules SET unit_price = " + money("13.00") + " WHERE rule_id = 'C-1'");
    EXPECT_EQ(unitPrice(through, "A1"), "13.00 EUR");
    EXPECT_EQ(through.price({"C1", "A1", dec("1"), "2026-11-27", std::nullopt, true}).candidates.size(), 3u);
    EXPECT_EQ(small->stats().items, 1u);
    // A2, with no rule, is kept whole.
    EXPECT_EQ(unitPrice(through, "A2"), "5.50 EUR");
    exec("UPDATE products SET list_price = " + money("6.00") + " WHERE sku = 'A2'");
    EXPECT_EQ(unitPrice(through, "A2"), "5.50 EUR");
}

TEST_P(PriceCacheTest, ACartInsideTheCallersTransactionNeitherUsesNorFillsTheCache) {
    rule({.id = "C-1", .scope = "customer", .key = "C1", .price = "7.00"});
    CartRequest cart;
    cart.customer = "C1";
    cart.date = "2026-11-27";
    cart.lines = {{"A1", dec("1")}};
    EXPECT_EQ(resolver().priceCart(cart).total.toString(), "7.00 EUR");
    store_->session().begin();
    exec("UPDATE price_rules SET unit_price = " + money("6.00"));
    audited("price_rule", "C-1");
    EXPECT_EQ(resolver().priceCart(cart).total.toString(), "6.00 EUR");
    store_->session().rollback();
    EXPECT_EQ(resolver().priceCart(cart).total.toString(), "7.00 EUR");
    EXPECT_EQ(stats().invalidated, 0u) << "the rolled-back audit row was never taken as a change";
}

TEST_P(PriceCacheTest, EntriesAreBoundedInNumberAndInAge) {
    resolver();
    for (const char* sku : {"A1", "A2", "A1"}) {
        price("C1", sku);
    }
    EXPECT_EQ(stats().items, 2u);

    // A cache of one item drops one to keep the next.
    PriceCacheSettings small;
    small.max_items = 1;
    small.check_interval = std::chrono::milliseconds(0);
    auto one = std::make_shared<PriceCache>(small);
    PriceResolver through_one(*store_, one);
    through_one.price({"C1", "A1", dec("1"), "2026-11-27", std::nullopt, true});
    through_one.price({"C1", "A2", dec("1"), "2026-11-27", std::nullopt, true});
    EXPECT_EQ(one->stats().items, 1u);

    // An entry older than max_age is read again, so that a change made outside syncline is seen in the end.
    PriceCacheSettings brief;
    brief.max_age = std::chrono::seconds(0);
    auto aged = std::make_shared<PriceCache>(brief);
    PriceResolver through_aged(*store_, aged);
    EXPECT_EQ(unitPrice(through_aged, "A2", true), "5.50 EUR");
    exec("UPDATE products SET list_price = " + money("6.50") + " WHERE sku = 'A2'");
    EXPECT_EQ(unitPrice(through_aged, "A2", true), "6.50 EUR");
}

TEST_P(PriceCacheTest, AnEntryReadBeforeAChangeWasSeenIsNotKept) {
    PriceCache cache{PriceCacheSettings{}};
    cache.refresh(*store_, PriceCache::Clock::now());  // the first check
    const auto now_at = PriceCache::Clock::now();
    const auto before = cache.generation();
    auto entry = std::make_shared<CachedItem>();
    entry->item.sku = "A1";
    // Another thread sees a change of A1 in the audit log while this one was reading A1.
    audited("product", "A1");
    PriceCache::Clock::time_point later = now_at + std::chrono::hours(1);
    cache.refresh(*store_, later);
    EXPECT_NE(cache.generation(), before);
    cache.put("A1", entry, before, now_at);
    EXPECT_EQ(cache.item("A1", now_at), nullptr);
    cache.put("A1", entry, cache.generation(), now_at);
    EXPECT_NE(cache.item("A1", now_at), nullptr);
}

TEST_P(PriceCacheTest, ReadersOnManyThreadsEndOnTheLastCommittedPriceWhileAWriterCommits) {
    rule({.id = "C-1", .scope = "customer", .key = "C1", .price = "10.00"});
    resolver();  // the shared cache, checking the audit log before every look-up
    const PriceRequest ask{"C1", "A1", dec("1"), "2026-11-27", std::nullopt, false};
    auto writer = store::Webstore::open(settings_);
    audit::AuditLog log(*writer);
    int price_cents = 1000;
    std::string amount = "10.00";
    // Rounds of 4 reader threads looking up while a writer on its own connection commits 5 prices, each with its
    // audit row in the same transaction, as a pull commits its batches. A reader that read the item before a commit
    // must not leave it in the cache after the cache saw that commit: after each round, the last price is answered.
    for (int round = 0; round < 20; ++round) {
        std::atomic<bool> done{false};
        std::atomic<int> failures{0};
        std::atomic<int> ready{0};
        std::vector<std::thread> readers;
        for (int t = 0; t < 4; ++t) {
            readers.emplace_back([&] {
                auto store = store::Webstore::open(settings_);
                PriceResolver through(*store, cache_);
                ++ready;
                do {
                    try {
                        through.price(ask);
                    } catch (const std::exception&) {
                        ++failures;
                    }
                } while (!done.load());
            });
        }
        while (ready.load() < 4) {  // every reader connected, so that they overlap the commits
            std::this_thread::yield();
        }
        for (int i = 0; i < 5; ++i) {
            std::this_thread::sleep_for(std::chrono::microseconds(200));  // readers run between the commits
            price_cents += 1;
            char text[16];
            std::snprintf(text, sizeof text, "%d.%02d", price_cents / 100, price_cents % 100);
            amount = text;
            store::Transaction tx(*writer);
            writer->session() << "UPDATE price_rules SET unit_price = " + money(amount.c_str()) +
                                     " WHERE rule_id = 'C-1'",
                now;
            log.append({"test", "price_rule", "C-1", "update", "{}"});
            tx.commit();
        }
        done = true;
        for (auto& t : readers) {
            t.join();
        }
        ASSERT_EQ(failures.load(), 0);
        ASSERT_EQ(resolver().price(ask).unit_price.toString(), amount + " EUR") << "round " << round;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, PriceCacheTest,
                         ::testing::Combine(::testing::Values(Backend::SQLite, Backend::PostgreSQL),
                                            ::testing::Values(true)),
                         [](const ::testing::TestParamInfo<std::tuple<Backend, bool>>& info) {
                             return std::string(std::get<0>(info.param) == Backend::SQLite ? "SQLite" : "PostgreSQL");
                         });

INSTANTIATE_TEST_SUITE_P(Backends, PriceResolverTest,
                         ::testing::Combine(::testing::Values(Backend::SQLite, Backend::PostgreSQL), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<Backend, bool>>& info) {
                             return std::string(std::get<0>(info.param) == Backend::SQLite ? "SQLite" : "PostgreSQL") +
                                    (std::get<1>(info.param) ? "Cached" : "");
                         });

}  // namespace
}  // namespace syncline::pricing
