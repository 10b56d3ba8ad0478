#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "erp_calendar.h"
#include "erp_plan.h"
#include "seeded_random.h"
#include "vocabulary.h"

namespace syncline::demo_erp {

/// A short code such as "A0000042", built without allocating.
class Code {
  public:
    Code(char prefix, int64_t number, int digits);
    std::string_view view() const { return std::string_view(text_, size_); }

  private:
    char text_[24];
    size_t size_;
};

struct ItemFacts {
    const ItemGroup* group;
    const ProductLine* line;
    const UnitOfMeasure* unit;
    int64_t list_price;  // EUR, micros
    int price_decimals;
    bool active;
};

struct CustomerFacts {
    const Country* country;
    const CustomerGroup* group;
    int price_list;
    std::string_view currency;
    bool blocked;
};

struct SpecialPriceFacts {
    int64_t item;
    std::optional<int64_t> customer;  // a customer index, or
    int group;                        // a customer group number when customer is empty
    std::string_view currency;
    bool is_discount;
    int64_t value;  // price in currency or discount percent, micros
    int64_t valid_from;
    std::optional<int64_t> valid_to;
    bool active;
};

struct OrderFacts {
    int64_t customer;
    int64_t doc_day;
    int lines;
    bool closed;
    bool cancelled;
    char ship_status;  // N not shipped, P partially, S shipped
    bool invoiced;
};

struct OrderLineFacts {
    int64_t item;
    int64_t quantity;    // micros
    int64_t unit_price;  // micros, order currency
    int64_t line_total;  // micros, rounded to cents
    std::string_view warehouse;
};

/// The demo ERP's content as pure functions of (seed, row index): what item 42 is, which customer special price 7
/// belongs to, which lines order 3 has. Table writers call these instead of remembering earlier tables, which keeps
/// memory flat at any size and makes the output depend on nothing but the options.
class ErpFacts {
  public:
    explicit ErpFacts(const ErpPlan& plan) : plan_(plan), calendar_(plan.options().as_of_day) {}

    const ErpPlan& plan() const { return plan_; }
    const ErpCalendar& calendar() const { return calendar_; }
    SeededRandom random(Stream stream, int64_t index) const {
        return SeededRandom(plan_.options().seed, stream, static_cast<uint64_t>(index));
    }

    static Code itemCode(int64_t item) { return Code('A', item + 1, 7); }
    static Code customerCode(int64_t customer) { return Code('C', customer + 1, 6); }
    static Code supplierCode(int64_t supplier) { return Code('S', supplier + 1, 5); }

    ItemFacts item(int64_t index) const;
    CustomerFacts customer(int64_t index) const;
    SpecialPriceFacts specialPrice(int64_t index) const;
    OrderFacts order(int64_t index) const;
    OrderLineFacts orderLine(int64_t order, int line, const OrderFacts& facts) const;
    /// The item's list price in a price list's currency and level, rounded to the item's price decimals.
    static int64_t priceInList(const ItemFacts& item, const PriceList& list);
    static const PriceList& priceList(int number);

  private:
    const ErpPlan& plan_;
    ErpCalendar calendar_;
};

/// Rounds micros to `decimals` places, half away from zero.
int64_t roundMicros(int64_t micros, int decimals);
/// One unit of the last of `decimals` places, in micros: 10000 for 2 places.
int64_t smallestMicros(int decimals);

}  // namespace syncline::demo_erp
