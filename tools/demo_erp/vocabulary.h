#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace syncline::demo_erp {

/// The fixed master data and word lists the demo ERP is built from. Names contain UTF-8 (Ø, ², °, ü), quotes and
/// apostrophes on purpose: a connector must carry them unharmed.

struct UnitOfMeasure {
    std::string_view code;
    std::string_view name;
    int decimals;  // decimal places allowed in quantities
};

/// One kind of product: an item name is "<noun> <size> <variant>", plus ", box of <pack>" for boxes.
struct ProductLine {
    std::string_view noun;
    std::span<const std::string_view> sizes;
    std::span<const std::string_view> variants;
    std::string_view unit;
    int pack;                           // pieces per box when unit is BOX
    int64_t min_price_ten_thousandths;  // list price range per sales unit, EUR / 10000
    int64_t max_price_ten_thousandths;
    int64_t min_grams;  // weight per sales unit
    int64_t max_grams;
};

struct ItemGroup {
    std::string_view code;
    std::string_view name;
    std::span<const ProductLine> lines;
};

struct Warehouse {
    std::string_view code;
    std::string_view name;
    bool active;
    unsigned stock_permille;  // share of items stocked here
};

struct PriceList {
    int number;
    std::string_view name;
    std::string_view currency;
    int64_t permille_of_list_price;  // price = list price (EUR) * permille / 1000, already converted to the currency
};

struct CustomerGroup {
    int number;
    std::string_view name;
    int price_list;
};

struct Country {
    std::string_view code;
    std::string_view currency;
    std::string_view phone_prefix;
    unsigned permille;  // share of customers
    std::span<const std::string_view> cities;
    std::span<const std::string_view> trades;
    std::span<const std::string_view> legal_forms;
};

std::span<const UnitOfMeasure> unitsOfMeasure();
std::span<const ItemGroup> itemGroups();
std::span<const Warehouse> warehouses();
std::span<const PriceList> priceLists();
std::span<const CustomerGroup> customerGroups();
std::span<const Country> countries();
std::span<const std::string_view> surnames();
std::span<const std::string_view> mailboxes();
/// E-mail values a sync must reject or clean: "n/a", "tbd", a missing '@'...
std::span<const std::string_view> badEmails();
std::span<const std::string_view> orderComments();

/// Lower-case ASCII for a domain name: "Müller" -> "mueller", "O'Brien" -> "obrien", "Élec" -> "elec".
void appendSlug(std::string_view text, std::string& out);

}  // namespace syncline::demo_erp
