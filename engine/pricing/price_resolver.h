#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/decimal.h"
#include "engine/model/money.h"
#include "engine/pricing/price_cache.h"
#include "engine/pricing/price_quote.h"
#include "engine/store/webstore.h"

namespace syncline::store {
class SqliteStatement;
}

namespace syncline::pricing {

/// What a customer pays for an item.
struct PriceRequest {
    std::string customer;  ///< customer code
    std::string sku;
    model::Decimal quantity = model::Decimal::fromUnits(model::Decimal::kUnitsPerOne);  ///< > 0; default 1
    std::optional<std::string> date;      ///< "YYYY-MM-DD"; default today (UTC)
    std::optional<std::string> currency;  ///< ISO 4217 code; default the customer's currency
    /// Also read the item's rules that cannot apply (other customers, groups, price lists; inactive rules), so
    /// that the quote lists them with the reason. Off, only the customer's own active rules are read: faster,
    /// and nothing about other customers' prices is in the quote (for the storefront).
    bool explain = true;
};

/// One line of a cart.
struct CartLine {
    std::string sku;
    model::Decimal quantity;
};

/// A whole cart of one customer, priced on one day in one currency.
struct CartRequest {
    std::string customer;
    std::vector<CartLine> lines;
    std::optional<std::string> date;      ///< default today (UTC)
    std::optional<std::string> currency;  ///< default the customer's
    bool explain = false;                 ///< as PriceRequest::explain
};

/// A cart line's price, or why it has none (UnknownItem, InactiveItem, NoPrice, InvalidRequest for its quantity).
struct PricedLine {
    std::string sku;  ///< as requested
    model::Decimal quantity;
    std::optional<PriceQuote> quote;
    std::optional<PricingError> error;
};

struct CartQuote {
    CustomerTerms customer;
    std::string currency;
    std::string date;
    std::vector<PricedLine> lines;  ///< in the order of the request
    model::Money total;             ///< the sum of the priced lines' totals
    bool complete = false;          ///< every line has a price
};

/// Prices items for customers from the webstore's customers, products and price_rules (docs/pricing.md).
///
/// On SQLite the look-ups are statements prepared once and kept for the resolver's life; on PostgreSQL they go
/// through Poco::Data. One resolver per Webstore, on that Webstore's thread; the Webstore must outlive it. A look-up
/// (on PostgreSQL: a cart) is read in one read transaction when the session has none open, so a pull committing
/// meanwhile never mixes old and new rules within one cart. Reads only; blocks on the database.
///
/// With a PriceCache (shared by the resolvers of a process), customers and items are read through it: a look-up
/// whose customer and item are cached reads nothing from the webstore, and the cache follows committed changes within
/// its check interval (PriceCache). Each cached item answers as one read of it did; the lines of one cart may then
/// come from reads made at different times within that interval.
class PriceResolver {
  public:
    explicit PriceResolver(store::Webstore& store, std::shared_ptr<PriceCache> cache = nullptr);
    ~PriceResolver();
    PriceResolver(const PriceResolver&) = delete;
    PriceResolver& operator=(const PriceResolver&) = delete;

    /// The price of one line. Throws PricingError (every kind), Poco::Data exceptions for database failures.
    PriceQuote price(const PriceRequest& request);

    /// Every line of a cart with one customer look-up. Throws PricingError for what concerns the whole cart
    /// (unknown or inactive customer, a malformed date or currency); a line's own problem is in that line.
    CartQuote priceCart(const CartRequest& cart);

  private:
    struct ItemRules;
    class Reading;

    CachedCustomer readCustomer(const std::string& code);
    CustomerTerms customerTerms(const std::string& code, Reading& reading);
    ItemRules readItem(const CustomerTerms& customer, const std::string& sku, bool explain);
    ItemRules itemRules(const CustomerTerms& customer, const std::string& sku, bool explain, Reading& reading);
    PriceQuote priceLine(const CustomerTerms& customer, const std::string& sku, const model::Decimal& quantity,
                         const std::string& currency, const std::string& date, bool explain, Reading& reading);

    store::Webstore& store_;
    std::shared_ptr<PriceCache> cache_;
    std::unique_ptr<store::SqliteStatement> customer_statement_;
    std::unique_ptr<store::SqliteStatement> explain_statement_;
    std::unique_ptr<store::SqliteStatement> own_rules_statement_;
    std::unique_ptr<store::SqliteStatement> begin_statement_;
    std::unique_ptr<store::SqliteStatement> commit_statement_;
};

/// Today's date in UTC, "YYYY-MM-DD".
std::string todayUtc();

}  // namespace syncline::pricing
