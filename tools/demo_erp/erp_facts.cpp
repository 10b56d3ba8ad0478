#include "erp_facts.h"

#include <algorithm>

#include "row.h"

namespace syncline::demo_erp {
namespace {

constexpr int64_t kDiscountSteps[] = {2'500000,  5'000000,  7'500000,  10'000000, 12'500000,
                                      15'000000, 20'000000, 25'000000, 30'000000};

int64_t currencyPermille(std::string_view currency) {
    if (currency == "USD") {
        return 1080;
    }
    if (currency == "CHF") {
        return 950;
    }
    return 1000;
}

const UnitOfMeasure& unitByCode(std::string_view code) {
    for (const auto& unit : unitsOfMeasure()) {
        if (unit.code == code) {
            return unit;
        }
    }
    return unitsOfMeasure().front();
}

const CustomerGroup& customerGroup(int number) {
    return customerGroups()[static_cast<size_t>(number - 1)];
}

}  // namespace

Code::Code(char prefix, int64_t number, int digits) : size_(static_cast<size_t>(digits) + 1) {
    text_[0] = prefix;
    for (int i = digits; i >= 1; --i) {
        text_[i] = static_cast<char>('0' + number % 10);
        number /= 10;
    }
}

int64_t smallestMicros(int decimals) {
    int64_t unit = 1;
    for (int i = decimals; i < 6; ++i) {
        unit *= 10;
    }
    return unit;
}

int64_t roundMicros(int64_t micros, int decimals) {
    const int64_t unit = smallestMicros(decimals);
    const int64_t half = unit / 2;
    return micros >= 0 ? (micros + half) / unit * unit : -((-micros + half) / unit * unit);
}

const PriceList& ErpFacts::priceList(int number) {
    return priceLists()[static_cast<size_t>(number - 1)];
}

int64_t ErpFacts::priceInList(const ItemFacts& item, const PriceList& list) {
    return std::max(roundMicros(item.list_price * list.permille_of_list_price / 1000, item.price_decimals),
                    smallestMicros(item.price_decimals));
}

ItemFacts ErpFacts::item(int64_t index) const {
    SeededRandom r = random(Stream::kItem, index);
    const ItemGroup& group = r.pick(itemGroups());
    const ProductLine& line = r.pick(group.lines);
    const UnitOfMeasure& unit = unitByCode(line.unit);
    // Skewed towards the cheap end of the range, as real assortments are.
    const auto u = static_cast<int64_t>(r.below(10000));
    const int64_t span = line.max_price_ten_thousandths - line.min_price_ten_thousandths;
    const int64_t micros = (line.min_price_ten_thousandths + span * u / 10000 * u / 10000) * 100;
    int decimals = 2;
    if (micros < Row::kMicrosPerUnit) {
        decimals = 4;
    } else if (unit.decimals > 0 || r.chance(100)) {
        decimals = 3;
    }
    return ItemFacts{&group, &line, &unit, roundMicros(micros, decimals), decimals, !r.chance(30)};
}

CustomerFacts ErpFacts::customer(int64_t index) const {
    SeededRandom r = random(Stream::kCustomer, index);
    const Country* country = &countries().back();
    auto x = static_cast<unsigned>(r.below(1000));
    for (const auto& c : countries()) {
        if (x < c.permille) {
            country = &c;
            break;
        }
        x -= c.permille;
    }
    int group = 6;
    if (country->code == "US") {
        group = 4;
    } else if (country->code == "CH") {
        group = 5;
    } else {
        const auto g = r.below(100);
        group = g < 30 ? 1 : g < 65 ? 2 : g < 90 ? 3 : 6;
    }
    int list = customerGroup(group).price_list;
    if (priceList(list).currency == "EUR" && r.chance(100)) {
        list = static_cast<int>(r.between(1, 4));  // an individual EUR price list
    }
    return CustomerFacts{country, &customerGroup(group), list, priceList(list).currency, r.chance(30)};
}

SpecialPriceFacts ErpFacts::specialPrice(int64_t index) const {
    // Every tenth-plus-one price repeats the item and customer of the one before, with a short promotion window inside
    // the other's long window: overlapping rules the pricing must resolve.
    const bool is_promotion = index % 10 == 1;
    const bool has_promotion = index % 10 == 0 && index + 1 < plan_.specialPrices();
    SeededRandom target = random(Stream::kSpecialPriceTarget, is_promotion ? index - 1 : index);
    SpecialPriceFacts f{};
    f.item = static_cast<int64_t>(target.below(static_cast<uint64_t>(plan_.items())));
    if (target.chance(800)) {
        f.customer = static_cast<int64_t>(target.below(static_cast<uint64_t>(plan_.customers())));
        f.currency = customer(*f.customer).currency;
    } else {
        const CustomerGroup& group = target.pick(customerGroups());
        f.group = group.number;
        f.currency = priceList(group.price_list).currency;
    }

    SeededRandom r = random(Stream::kSpecialPriceTerms, index);
    f.is_discount = r.chance(400);
    if (f.is_discount) {
        f.value = r.pick(std::span<const int64_t>(kDiscountSteps));
    } else {
        const ItemFacts it = item(f.item);
        const int64_t permille = r.between(700, 950) * currencyPermille(f.currency) / 1000;
        f.value = std::max(roundMicros(it.list_price * permille / 1000, it.price_decimals),
                           smallestMicros(it.price_decimals));
    }
    if (has_promotion) {
        f.valid_from = calendar_.dayAround(r, -330, -30);
        f.valid_to = r.chance(400) ? std::nullopt : std::optional(calendar_.dayAround(r, 90, 365));
    } else if (is_promotion) {
        f.valid_from = calendar_.dayAround(r, -20, 0);
        f.valid_to = calendar_.dayAround(r, 7, 60);
    } else if (const auto kind = r.below(100); kind < 20) {  // expired
        f.valid_to = calendar_.dayAround(r, -300, -1);
        f.valid_from = *f.valid_to - r.between(30, 365);
    } else if (kind < 80) {  // valid now
        f.valid_from = calendar_.dayAround(r, -365, 0);
        f.valid_to = r.chance(500) ? std::nullopt : std::optional(calendar_.dayAround(r, 1, 365));
    } else {  // starts later
        f.valid_from = calendar_.dayAround(r, 1, 120);
        f.valid_to = r.chance(500) ? std::nullopt : std::optional(f.valid_from + r.between(30, 365));
    }
    f.active = !r.chance(50);
    return f;
}

OrderFacts ErpFacts::order(int64_t index) const {
    SeededRandom r = random(Stream::kOrder, index);
    OrderFacts f{};
    f.customer = static_cast<int64_t>(r.below(static_cast<uint64_t>(plan_.customers())));
    const int64_t age = r.between(1, 365);  // before the as-of day, so no order lies in the future
    f.doc_day = calendar_.asOfDay() - age;
    f.lines = static_cast<int>(r.between(1, 5));
    f.ship_status = 'N';
    if (r.chance(40)) {
        f.closed = f.cancelled = true;
    } else if (age > 14) {
        f.closed = f.invoiced = true;
        f.ship_status = 'S';
    } else if (age > 3 && r.chance(300)) {
        f.ship_status = 'P';
    }
    return f;
}

OrderLineFacts ErpFacts::orderLine(int64_t order, int line, const OrderFacts& facts) const {
    SeededRandom r = random(Stream::kOrderLine, order * 8 + line);
    OrderLineFacts f{};
    f.item = static_cast<int64_t>(r.below(static_cast<uint64_t>(plan_.items())));
    const ItemFacts it = item(f.item);
    switch (it.unit->decimals) {
        case 0:
            f.quantity = (r.chance(100) ? r.between(100, 500) : r.between(1, 50)) * Row::kMicrosPerUnit;
            break;
        case 2:
            f.quantity = r.between(50, 25000) * 10000;
            break;
        default:
            f.quantity = r.between(500, 500000) * 1000;
            break;
    }
    f.unit_price = priceInList(it, priceList(customer(facts.customer).price_list));
    const __int128 total = static_cast<__int128>(f.quantity) * f.unit_price / Row::kMicrosPerUnit;
    f.line_total = roundMicros(static_cast<int64_t>(total), 2);
    const auto w = r.below(10);
    f.warehouse = warehouses()[w < 7 ? 0 : w < 9 ? 1 : 2].code;
    return f;
}

}  // namespace syncline::demo_erp
