#include "engine/pricing/price_resolver.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <stdexcept>

#include "engine/model/currency.h"
#include "engine/model/iso_date.h"
#include "engine/pricing/price_selection.h"
#include "engine/store/sqlite_statement.h"

namespace syncline::pricing {

struct PriceResolver::ItemRules {
    bool found = false;
    bool active = false;
    ItemTerms item;
    std::vector<Candidate> rules;
};

namespace {

using model::Decimal;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::Backend;

// SQLite stores decimals and dates as text and flags as 0/1; PostgreSQL's NUMERIC, DATE and BOOLEAN are read as
// the same text and integers.
std::string customerSql(Backend b) {
    const std::string flags =
        b == Backend::SQLite ? "blocked, active" : "CAST(blocked AS INTEGER), CAST(active AS INTEGER)";
    return "SELECT customer_group, price_list, currency, " + flags + " FROM customers WHERE code = $1";
}

// The item with one row per rule (or one row of NULL rule columns). Without `explain` only the customer's own
// active rules: the price_rules_lookup index (sku, scope, scope_key) finds them.
std::string itemSql(Backend b, bool explain) {
    const bool pg = b == Backend::PostgreSQL;
    auto num = [pg](const std::string& c) { return pg ? "CAST(" + c + " AS TEXT)" : c; };
    auto date = [pg](const std::string& c) { return pg ? "to_char(" + c + ", 'YYYY-MM-DD')" : c; };
    auto flag = [pg](const std::string& c) { return pg ? "CAST(" + c + " AS INTEGER)" : c; };
    std::string sql = "SELECT " + num("p.list_price") + ", p.currency, " + flag("p.active") +
                      ", r.rule_id, r.scope, r.scope_key, " + num("r.min_quantity") + ", " + num("r.max_quantity") +
                      ", " + num("r.unit_price") + ", " + num("r.discount_percent") + ", r.currency, " +
                      date("r.valid_from") + ", " + date("r.valid_to") + ", " + flag("r.active") +
                      " FROM (SELECT sku, list_price, currency, active FROM products WHERE sku = $1) p"
                      " LEFT JOIN price_rules r ON r.sku = p.sku";
    if (!explain) {
        sql +=
            " AND r.active AND (r.scope = 'everyone' OR (r.scope = 'customer' AND r.scope_key = $2) OR "
            "(r.scope = 'customer_group' AND r.scope_key = $3) OR (r.scope = 'price_list' AND r.scope_key = $4))";
    }
    return sql;
}

enum ItemColumn {
    kListPrice,
    kListCurrency,
    kItemActive,
    kRuleId,
    kScope,
    kScopeKey,
    kMinQuantity,
    kMaxQuantity,
    kUnitPrice,
    kDiscountPercent,
    kRuleCurrency,
    kValidFrom,
    kValidTo,
    kRuleActive,
};

// A row of a PostgreSQL result read like a SqliteStatement's current row.
class RecordRow {
  public:
    RecordRow(Poco::Data::RecordSet& rs, std::size_t row) : rs_(rs), row_(row) {}
    bool isNull(int column) const { return rs_.value(static_cast<std::size_t>(column), row_).isEmpty(); }
    std::string text(int column) const {
        const auto& v = rs_.value(static_cast<std::size_t>(column), row_);
        return v.isEmpty() ? std::string() : v.convert<std::string>();
    }
    std::int64_t integer(int column) const {
        const auto& v = rs_.value(static_cast<std::size_t>(column), row_);
        return v.isEmpty() ? 0 : v.convert<Poco::Int64>();
    }

  private:
    Poco::Data::RecordSet& rs_;
    std::size_t row_;
};

Decimal decimalOf(std::string_view text, const char* column, std::string_view key) {
    std::string why;
    const auto value = Decimal::parse(text, &why);
    if (!value) {
        throw std::runtime_error("webstore " + std::string(column) + " of " + std::string(key) +
                                 " is not a decimal ('" + std::string(text) + "'): " + why);
    }
    return *value;
}

template <class Row>
std::optional<Decimal> optionalDecimal(const Row& row, int column, const char* name, std::string_view key) {
    return row.isNull(column) ? std::nullopt : std::optional<Decimal>(decimalOf(row.text(column), name, key));
}

template <class Row>
CustomerTerms customerOf(const Row& row, const std::string& code) {
    CustomerTerms c;
    c.code = code;
    c.customer_group = std::string(row.text(0));
    c.price_list = std::string(row.text(1));
    c.currency = std::string(row.text(2));
    c.blocked = row.integer(3) != 0;
    return c;
}

template <class Row>
void readItemColumns(const Row& row, const std::string& sku, ItemTerms& item, bool& active) {
    item.sku = sku;
    item.list_price = decimalOf(row.text(kListPrice), "products.list_price", sku);
    item.currency = std::string(row.text(kListCurrency));
    active = row.integer(kItemActive) != 0;
}

template <class Row>
Candidate candidateOf(const Row& row, const std::string& sku) {
    Candidate c;
    auto& r = c.rule;
    r.rule_id = std::string(row.text(kRuleId));
    r.sku = sku;
    const auto scope = model::parsePriceScope(row.text(kScope));
    if (!scope) {
        throw std::runtime_error("webstore price rule " + r.rule_id + " has an unknown scope '" +
                                 std::string(row.text(kScope)) + "'");
    }
    r.scope = *scope;
    r.scope_key = std::string(row.text(kScopeKey));
    r.min_quantity = decimalOf(row.text(kMinQuantity), "price_rules.min_quantity", r.rule_id);
    r.max_quantity = optionalDecimal(row, kMaxQuantity, "price_rules.max_quantity", r.rule_id);
    r.unit_price = optionalDecimal(row, kUnitPrice, "price_rules.unit_price", r.rule_id);
    r.discount_percent = optionalDecimal(row, kDiscountPercent, "price_rules.discount_percent", r.rule_id);
    if (r.unit_price.has_value() == r.discount_percent.has_value()) {
        throw std::runtime_error("webstore price rule " + r.rule_id +
                                 " must have exactly one of unit_price and discount_percent");
    }
    r.currency = std::string(row.text(kRuleCurrency));
    r.valid_from = std::string(row.text(kValidFrom));
    if (!row.isNull(kValidTo)) {
        r.valid_to = std::string(row.text(kValidTo));
    }
    c.active = row.integer(kRuleActive) != 0;
    return c;
}

std::string checkedDate(const std::optional<std::string>& date) {
    if (!date) {
        return todayUtc();
    }
    if (!model::isIsoDate(*date)) {
        throw PricingError(PricingErrorKind::InvalidRequest, "date '" + *date + "' is not a date (YYYY-MM-DD)");
    }
    return *date;
}

std::string checkedCurrency(const std::optional<std::string>& requested, const CustomerTerms& customer) {
    std::string why;
    if (requested) {
        if (!model::Currency::fromCode(*requested, &why)) {
            throw PricingError(PricingErrorKind::InvalidRequest, "currency '" + *requested + "': " + why);
        }
        return *requested;
    }
    if (!model::Currency::fromCode(customer.currency, &why)) {
        throw PricingError(PricingErrorKind::NoPrice,
                           "customer " + customer.code + " has the currency '" + customer.currency + "': " + why);
    }
    return customer.currency;
}

void checkQuantity(const Decimal& quantity) {
    if (quantity.isNegative() || quantity.isZero()) {
        throw PricingError(PricingErrorKind::InvalidRequest,
                           "quantity " + quantity.toString() + " must be greater than zero");
    }
}

// One read transaction, so that a look-up sees one state of the customers, items and rules even while a pull
// commits. Left alone when the caller has a transaction open. On SQLite it also saves a lock round per statement:
// BEGIN and COMMIT are statements prepared once (`begin`, `commit`). On PostgreSQL only where asked (a cart): it
// costs three round trips.
class ReadSnapshot {
  public:
    ReadSnapshot(store::Webstore& store, std::unique_ptr<store::SqliteStatement>& begin,
                 std::unique_ptr<store::SqliteStatement>& commit, bool on_postgres)
        : store_(store) {
        auto& session = store_.session();
        if (store_.backend() == Backend::SQLite) {
            if (sqlite3_get_autocommit(Poco::Data::SQLite::Utility::dbHandle(session)) == 0) {
                return;
            }
            if (!begin) {
                begin = std::make_unique<store::SqliteStatement>(session, "BEGIN");
                commit = std::make_unique<store::SqliteStatement>(session, "COMMIT");
            }
            begin->run();
            commit_ = commit.get();
        } else if (on_postgres && !session.isTransaction()) {
            session.begin();
            postgres_ = true;
            session << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", now;
        }
    }
    ~ReadSnapshot() {
        try {
            if (commit_ != nullptr) {
                commit_->run();  // nothing was written: COMMIT and ROLLBACK end it alike
            } else if (postgres_) {
                store_.session().rollback();
            }
        } catch (const Poco::Exception&) {
            // Nothing was written; a connection that is gone ended the transaction anyway.
        }
    }
    ReadSnapshot(const ReadSnapshot&) = delete;
    ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  private:
    store::Webstore& store_;
    store::SqliteStatement* commit_ = nullptr;
    bool postgres_ = false;
};

}  // namespace

// The webstore read of one look-up or cart: the read snapshot, opened at the first read (a look-up the cache
// answers opens none), and the cache's generation taken just before it, which the entries read in it are put with.
class PriceResolver::Reading {
  public:
    Reading(PriceResolver& resolver, bool on_postgres)
        : resolver_(resolver), on_postgres_(on_postgres), cache_(inTransaction() ? nullptr : resolver.cache_.get()) {
        if (cache_ != nullptr) {
            cache_->refresh(resolver_.store_, PriceCache::Clock::now());
        }
    }

    /// The cache to read through; none inside the caller's transaction, which may hold changes it has not committed
    /// (and may roll back) that the cache must neither hide nor keep, nor take its audit rows as committed.
    PriceCache* cache() const { return cache_; }

    /// Before each read from the webstore; returns the generation to put what is read with.
    std::uint64_t open() {
        if (!snapshot_) {
            generation_ = cache_ != nullptr ? cache_->generation() : 0;
            snapshot_.emplace(resolver_.store_, resolver_.begin_statement_, resolver_.commit_statement_, on_postgres_);
        }
        return generation_;
    }

  private:
    bool inTransaction() const {
        auto& session = resolver_.store_.session();
        return resolver_.store_.backend() == Backend::SQLite
                   ? sqlite3_get_autocommit(Poco::Data::SQLite::Utility::dbHandle(session)) == 0
                   : session.isTransaction();
    }

    PriceResolver& resolver_;
    bool on_postgres_;
    PriceCache* cache_;
    std::uint64_t generation_ = 0;
    std::optional<ReadSnapshot> snapshot_;
};

PriceResolver::PriceResolver(store::Webstore& store, std::shared_ptr<PriceCache> cache)
    : store_(store), cache_(std::move(cache)) {}
PriceResolver::~PriceResolver() = default;

CachedCustomer PriceResolver::readCustomer(const std::string& code) {
    std::optional<CachedCustomer> customer;
    if (store_.backend() == Backend::SQLite) {
        if (!customer_statement_) {
            customer_statement_ =
                std::make_unique<store::SqliteStatement>(store_.session(), customerSql(Backend::SQLite));
        }
        auto& s = *customer_statement_;
        store::SqliteReset reset(s);
        s.bind(1, code);
        if (s.step()) {
            customer = CachedCustomer{customerOf(s, code), s.integer(4) != 0};
        }
    } else {
        std::string key = code;
        Poco::Data::Statement statement(store_.session());
        statement << customerSql(Backend::PostgreSQL), use(key);
        statement.execute();
        Poco::Data::RecordSet rs(statement);
        if (rs.rowCount() > 0) {
            const RecordRow row(rs, 0);
            customer = CachedCustomer{customerOf(row, code), row.integer(4) != 0};
        }
    }
    if (!customer) {
        throw PricingError(PricingErrorKind::UnknownCustomer, "unknown customer " + code + ": no such customer code");
    }
    return *customer;
}

CustomerTerms PriceResolver::customerTerms(const std::string& code, Reading& reading) {
    std::optional<CachedCustomer> customer;
    auto* cache = reading.cache();
    const auto at = PriceCache::Clock::now();
    if (cache != nullptr) {
        customer = cache->customer(code, at);
    }
    if (!customer) {
        const auto generation = reading.open();
        customer = readCustomer(code);
        if (cache != nullptr) {
            cache->put(code, *customer, generation, at);
        }
    }
    if (!customer->active) {
        throw PricingError(PricingErrorKind::InactiveCustomer,
                           "customer " + code + " is inactive: the ERP no longer has it");
    }
    return std::move(customer->terms);
}

PriceResolver::ItemRules PriceResolver::readItem(const CustomerTerms& customer, const std::string& sku, bool explain) {
    ItemRules out;
    if (store_.backend() == Backend::SQLite) {
        auto& statement = explain ? explain_statement_ : own_rules_statement_;
        if (!statement) {
            statement = std::make_unique<store::SqliteStatement>(store_.session(), itemSql(Backend::SQLite, explain));
        }
        auto& s = *statement;
        store::SqliteReset reset(s);
        s.bind(1, sku);
        if (!explain) {
            s.bind(2, customer.code);
            s.bind(3, customer.customer_group);
            s.bind(4, customer.price_list);
        }
        while (s.step()) {
            if (!out.found) {
                readItemColumns(s, sku, out.item, out.active);
                out.found = true;
            }
            if (!s.isNull(kRuleId)) {
                out.rules.push_back(candidateOf(s, sku));
            }
        }
        return out;
    }
    std::string key = sku;
    std::string code = customer.code;
    std::string group = customer.customer_group;
    std::string list = customer.price_list;
    Poco::Data::Statement statement(store_.session());
    if (explain) {
        statement << itemSql(Backend::PostgreSQL, true), use(key);
    } else {
        statement << itemSql(Backend::PostgreSQL, false), use(key), use(code), use(group), use(list);
    }
    statement.execute();
    Poco::Data::RecordSet rs(statement);
    for (std::size_t i = 0; i < rs.rowCount(); ++i) {
        const RecordRow row(rs, i);
        if (i == 0) {
            readItemColumns(row, sku, out.item, out.active);
            out.found = true;
        }
        if (!row.isNull(kRuleId)) {
            out.rules.push_back(candidateOf(row, sku));
        }
    }
    return out;
}

namespace {

// Whether a look-up for `customer` without explanation reads the rule: the customer's own active ones, as itemSql
// selects them.
bool ownRule(bool active, model::PriceScope scope, const std::string& key, const CustomerTerms& customer) {
    if (!active) {
        return false;
    }
    switch (scope) {
        case model::PriceScope::Everyone:
            return true;
        case model::PriceScope::Customer:
            return key == customer.code;
        case model::PriceScope::CustomerGroup:
            return key == customer.customer_group;
        case model::PriceScope::PriceList:
            return key == customer.price_list;
    }
    return false;
}

bool ownRule(const Candidate& c, const CustomerTerms& customer) {
    return ownRule(c.active, c.rule.scope, c.rule.scope_key, customer);
}

bool ownRule(const CachedRule& r, const CustomerTerms& customer) {
    return ownRule(r.active(), r.scope(), r.scopeKey(), customer);
}

}  // namespace

PriceResolver::ItemRules PriceResolver::itemRules(const CustomerTerms& customer, const std::string& sku, bool explain,
                                                  Reading& reading) {
    auto* cache = reading.cache();
    if (cache == nullptr) {
        reading.open();
        return readItem(customer, sku, explain);
    }
    const auto at = PriceCache::Clock::now();
    auto cached = cache->item(sku, at);
    if (cached && cached->uncached) {
        return readItem(customer, sku, explain);
    }
    if (!cached) {
        const auto generation = reading.open();
        ItemRules all;
        try {
            all = readItem(customer, sku, true);
        } catch (const std::runtime_error&) {
            // A rule the resolver cannot read (a value out of range): only the customer's own rules matter to this
            // look-up, as without the cache, and the item is not kept.
            return readItem(customer, sku, explain);
        }
        if (!all.found) {
            return all;
        }
        auto entry = std::make_shared<CachedItem>(CachedItem{all.item, all.active, {}, false});
        entry->uncached = all.rules.size() > cache->settings().max_rules_per_item;
        if (!entry->uncached) {
            entry->rules.reserve(all.rules.size());
            for (const auto& rule : all.rules) {
                auto kept = CachedRule::from(rule);
                if (!kept) {
                    entry->uncached = true;
                    break;
                }
                entry->rules.push_back(std::move(*kept));
            }
        }
        if (entry->uncached) {
            entry->rules.clear();
            entry->rules.shrink_to_fit();
        }
        cache->put(sku, entry, generation, at);
        if (entry->uncached) {
            all.rules.erase(std::remove_if(all.rules.begin(), all.rules.end(),
                                           [&](const Candidate& c) { return !explain && !ownRule(c, customer); }),
                            all.rules.end());
            return all;  // answered from what was read
        }
        cached = std::move(entry);
    }
    ItemRules out;
    out.found = true;
    out.active = cached->active;
    out.item = cached->item;
    for (const auto& rule : cached->rules) {
        if (explain || ownRule(rule, customer)) {
            out.rules.push_back(rule.candidate(sku));
        }
    }
    return out;
}

PriceQuote PriceResolver::priceLine(const CustomerTerms& customer, const std::string& sku,
                                    const model::Decimal& quantity, const std::string& currency,
                                    const std::string& date, bool explain, Reading& reading) {
    checkQuantity(quantity);
    ItemRules item = itemRules(customer, sku, explain, reading);
    if (!item.found) {
        throw PricingError(PricingErrorKind::UnknownItem, "unknown item " + sku + ": no such SKU");
    }
    if (!item.active) {
        throw PricingError(PricingErrorKind::InactiveItem, "item " + sku + " is inactive: it is no longer sold");
    }
    return selectPrice(QuoteBasis{customer, std::move(item.item), quantity, currency, date}, std::move(item.rules));
}

PriceQuote PriceResolver::price(const PriceRequest& request) {
    checkQuantity(request.quantity);
    const std::string date = checkedDate(request.date);
    Reading reading(*this, false);
    const CustomerTerms customer = customerTerms(request.customer, reading);
    const std::string currency = checkedCurrency(request.currency, customer);
    return priceLine(customer, request.sku, request.quantity, currency, date, request.explain, reading);
}

CartQuote PriceResolver::priceCart(const CartRequest& cart) {
    const std::string date = checkedDate(cart.date);
    Reading reading(*this, true);
    CustomerTerms customer = customerTerms(cart.customer, reading);
    const std::string currency = checkedCurrency(cart.currency, customer);
    CartQuote out{
        std::move(customer), currency, date, {}, model::Money{Decimal(), model::Currency::of(currency)}, true};
    out.lines.reserve(cart.lines.size());
    for (const auto& line : cart.lines) {
        PricedLine priced;
        priced.sku = line.sku;
        priced.quantity = line.quantity;
        try {
            priced.quote = priceLine(out.customer, line.sku, line.quantity, currency, date, cart.explain, reading);
            out.total = out.total + priced.quote->line_total;
        } catch (const PricingError& e) {
            priced.error = e;
            out.complete = false;
        }
        out.lines.push_back(std::move(priced));
    }
    return out;
}

std::string todayUtc() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

}  // namespace syncline::pricing
