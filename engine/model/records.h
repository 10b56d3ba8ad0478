#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/model/decimal.h"

namespace syncline::model {

// The canonical model: what connectors read from the ERP and write to the webstore, independent of either side's
// schema. Plain data; validate() in validation.h checks the rules. Text is UTF-8. Timestamps (`erp_modified`,
// `placed_at`) are ISO-8601 text as the ERP delivered them ("2026-03-01T10:15:00Z", "2026-03-01 10:15:00");
// dates are "YYYY-MM-DD". Currencies are ISO 4217 codes as text so an unknown code can be reported, not lost.

/// A sellable article.
struct Product {
    std::string sku;
    std::string name;
    std::string description;
    std::string unit_of_measure;  ///< e.g. "pcs", "m", "kg", or a UN/ECE code such as "C62"
    Decimal list_price;           ///< per unit of measure, up to 6 places
    std::string currency;
    bool active = true;
    std::string erp_modified;

    bool operator==(const Product&) const = default;
};

/// Quantity on hand of one SKU in one warehouse. May be negative: many ERPs allow selling ahead of goods receipt.
struct StockLevel {
    std::string sku;
    std::string warehouse;
    Decimal quantity;
    std::string erp_modified;

    bool operator==(const StockLevel&) const = default;
};

/// A business customer (debtor) account.
struct Customer {
    std::string code;
    std::string name;
    std::string customer_group;  ///< may be empty
    std::string price_list;      ///< may be empty
    std::string currency;
    bool blocked = false;  ///< blocked accounts must not place orders
    std::string email;     ///< may be empty
    std::string erp_modified;

    bool operator==(const Customer&) const = default;
};

/// Whom a price rule applies to.
enum class PriceScope { Everyone, CustomerGroup, PriceList, Customer };

/// "everyone", "customer_group", "price_list", "customer".
std::string_view toString(PriceScope scope);

/// Parses the names produced by toString(PriceScope); nullopt for anything else.
std::optional<PriceScope> parsePriceScope(std::string_view text);

/// A special price or discount for a SKU, a scope and a quantity band, valid over a date range.
/// Exactly one of unit_price and discount_percent is set.
struct PriceRule {
    std::string rule_id;
    std::string sku;
    PriceScope scope = PriceScope::Everyone;
    std::string scope_key;                ///< group / price list / customer code; empty iff scope is Everyone
    Decimal min_quantity;                 ///< inclusive
    std::optional<Decimal> max_quantity;  ///< exclusive; none = no upper bound
    std::optional<Decimal> unit_price;
    std::optional<Decimal> discount_percent;  ///< 12.5 means 12.5 % off the list price
    std::string currency;                     ///< required with unit_price; may be empty for a discount
    std::string valid_from;                   ///< "YYYY-MM-DD", inclusive
    std::optional<std::string> valid_to;      ///< "YYYY-MM-DD", inclusive; none = open-ended
    std::string erp_modified;

    bool operator==(const PriceRule&) const = default;
};

/// One line of a webstore order.
struct OrderLine {
    int line_no = 0;  ///< positive and unique within the order
    std::string sku;
    Decimal quantity;
    Decimal unit_price;  ///< in the order's currency, up to 6 places
    std::optional<std::string> note;

    bool operator==(const OrderLine&) const = default;
};

/// A webstore order as handed to the ERP. Its processing status lives with the outbox entry, not here.
struct Order {
    std::string order_id;
    std::string customer_code;
    std::string currency;
    std::string placed_at;
    std::vector<OrderLine> lines;

    bool operator==(const Order&) const = default;
};

/// Where an order is on its way from the webstore into the ERP and back.
enum class OrderStatus { Placed, Claimed, Exported, Confirmed, Shipped, Invoiced, Cancelled, NeedsAttention };

/// Stable lower-case storage names: "placed", "claimed", "exported", "confirmed", "shipped", "invoiced",
/// "cancelled", "needs_attention".
std::string_view toString(OrderStatus status);

/// Parses the names produced by toString(OrderStatus), case-sensitively; nullopt for anything else.
std::optional<OrderStatus> parseOrderStatus(std::string_view text);

}  // namespace syncline::model
