#include "price_tables.h"

#include <algorithm>

#include "erp_facts.h"
#include "table_writer.h"

namespace syncline::demo_erp {
namespace {

constexpr std::string_view kListColumns[] = {"PriceListNo", "PriceListName", "Currency", "ModifiedDate"};
constexpr TableSpec kLists{"PRLS", "price lists", kListColumns};
constexpr std::string_view kListPriceColumns[] = {"PriceListNo", "ItemCode", "Price", "Currency", "ModifiedDate"};
constexpr TableSpec kListPrices{"PRLP", "price-list item prices", kListPriceColumns};
constexpr std::string_view kSpecialColumns[] = {"SpecPriceId", "ItemCode",   "CardCode",    "GroupNo",
                                                "Currency",    "Price",      "DiscountPct", "ValidFrom",
                                                "ValidTo",     "ActiveFlag", "ModifiedDate"};
constexpr TableSpec kSpecials{"SPPH", "special prices (customer or group)", kSpecialColumns};
constexpr std::string_view kBreakColumns[] = {"SpecPriceId", "BreakNo", "FromQty", "Price", "DiscountPct"};
constexpr TableSpec kBreaks{"SPPB", "special-price quantity breaks", kBreakColumns};

// Break thresholds per quantity decimals of the sales unit (pieces and boxes, metres, kilograms and litres).
constexpr int64_t kPieceBreaks[] = {5, 10, 25, 50, 100, 250};
constexpr int64_t kMetreBreaks[] = {50, 100, 250, 500, 1000, 2500};
constexpr int64_t kBulkBreaks[] = {100, 250, 500, 1000, 2500, 5000};
constexpr int kMaxBreaks = 6;
constexpr int64_t kMaxDiscount = 60 * Row::kMicrosPerUnit;

void writeListPrices(const ErpFacts& facts, TableWriter& out) {
    const int64_t items = facts.plan().items();
    const auto lists = static_cast<int64_t>(priceLists().size());
    out.begin(kListPrices);
    for (const auto& list : priceLists()) {
        // Each list covers a different slice of the assortment: the evenly spread pick is rotated per list.
        const auto rows = static_cast<uint64_t>(facts.plan().priceListRows(list.number));
        const int64_t rotation = (list.number - 1) * items / lists;
        for (int64_t i = 0; i < items; ++i) {
            if (!evenlyPicked(static_cast<uint64_t>((i + rotation) % items), rows, static_cast<uint64_t>(items))) {
                continue;
            }
            SeededRandom r = facts.random(Stream::kListPrice, (list.number - 1) * items + i);
            Row& row = out.row();
            row.integer(list.number).code(ErpFacts::itemCode(i).view(), 20);
            row.decimal(ErpFacts::priceInList(facts.item(i), list)).code(list.currency, 3);
            row.timestamp(facts.calendar().modifiedTimestamp(r));
            out.emit();
        }
    }
    out.end();
}

void writeSpecialPriceHeaders(const ErpFacts& facts, TableWriter& out) {
    out.begin(kSpecials);
    for (int64_t h = 0; h < facts.plan().specialPrices(); ++h) {
        const SpecialPriceFacts f = facts.specialPrice(h);
        SeededRandom r = facts.random(Stream::kSpecialPriceDetails, h);
        Row& row = out.row();
        row.integer(h + 1).code(ErpFacts::itemCode(f.item).view(), 20);
        if (f.customer) {
            row.code(ErpFacts::customerCode(*f.customer).view(), 15).null();
        } else {
            row.null().integer(f.group);
        }
        row.code(f.currency, 3);
        if (f.is_discount) {
            row.null().decimal(f.value);
        } else {
            row.decimal(f.value).null();
        }
        row.date(f.valid_from);
        if (f.valid_to) {
            row.date(*f.valid_to);
        } else {
            row.null();
        }
        row.flag(f.active).timestamp(facts.calendar().modifiedTimestamp(r));
        out.emit();
    }
    out.end();
}

void writeQuantityBreaks(const ErpFacts& facts, TableWriter& out) {
    out.begin(kBreaks);
    for (int64_t h = 0; h < facts.plan().specialPrices(); ++h) {
        const int count = std::min(facts.plan().breaksOf(h), kMaxBreaks);
        if (count <= 0) {
            continue;
        }
        const SpecialPriceFacts f = facts.specialPrice(h);
        const ItemFacts item = facts.item(f.item);
        const int64_t* thresholds = item.unit->decimals == 0   ? kPieceBreaks
                                    : item.unit->decimals == 2 ? kMetreBreaks
                                                               : kBulkBreaks;
        SeededRandom r = facts.random(Stream::kSpecialPriceDetails, ~h);
        const auto start = static_cast<int>(r.below(static_cast<uint64_t>(kMaxBreaks - count + 1)));
        for (int j = 0; j < count; ++j) {
            Row& row = out.row();
            row.integer(h + 1).integer(j + 1).decimal(thresholds[start + j] * Row::kMicrosPerUnit);
            if (f.is_discount) {
                row.null().decimal(std::min(f.value + (j + 1) * 2'500000, kMaxDiscount));
            } else {
                const int64_t price = roundMicros(f.value * (1000 - 40 * (j + 1)) / 1000, item.price_decimals);
                row.decimal(std::max(price, smallestMicros(item.price_decimals))).null();
            }
            out.emit();
        }
    }
    out.end();
}

}  // namespace

void writePriceLists(const ErpFacts& facts, TableWriter& out) {
    out.begin(kLists);
    for (const auto& list : priceLists()) {
        SeededRandom r = facts.random(Stream::kListPrice, -list.number);
        out.row().integer(list.number).text(list.name).code(list.currency, 3);
        out.row().timestamp(facts.calendar().modifiedTimestamp(r));
        out.emit();
    }
    out.end();
    writeListPrices(facts, out);
}

void writeSpecialPrices(const ErpFacts& facts, TableWriter& out) {
    writeSpecialPriceHeaders(facts, out);
    writeQuantityBreaks(facts, out);
}

}  // namespace syncline::demo_erp
