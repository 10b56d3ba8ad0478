#include "catalog_tables.h"

#include <string>

#include "erp_facts.h"
#include "table_writer.h"

namespace syncline::demo_erp {
namespace {

constexpr std::string_view kUnitColumns[] = {"UomCode", "UomName", "QtyDecimals", "ModifiedDate"};
constexpr TableSpec kUnits{"UOMS", "units of measure", kUnitColumns};
constexpr std::string_view kGroupColumns[] = {"ItmGrpCode", "ItmGrpName", "ModifiedDate"};
constexpr TableSpec kGroups{"ITGR", "item groups", kGroupColumns};
constexpr std::string_view kWarehouseColumns[] = {"WhsCode", "WhsName", "ActiveFlag", "ModifiedDate"};
constexpr TableSpec kWarehouses{"WHSE", "warehouses", kWarehouseColumns};
constexpr std::string_view kItemColumns[] = {"ItemCode",  "ItemName",   "ItmGrpCode",  "SalesUom",
                                             "ListPrice", "PriceCurr",  "ActiveFlag",  "WeightKg",
                                             "BarCode",   "CreateDate", "ModifiedDate"};
constexpr TableSpec kItems{"ITMS", "item master", kItemColumns};
constexpr std::string_view kStockColumns[] = {"ItemCode",     "WhsCode",    "OnHandQty",
                                              "CommittedQty", "OnOrderQty", "ModifiedDate"};
constexpr TableSpec kStock{"ITWS", "stock per item and warehouse", kStockColumns};

// Master rows that are not numbered items use negative indexes of the details stream.
SeededRandom masterRandom(const ErpFacts& facts, int64_t k) {
    return facts.random(Stream::kItemDetails, -1 - k);
}

// EAN-13 starting with 40, unique per item: multiplying by a number prime to 10 permutes 0..10^10-1.
void appendBarCode(int64_t item, std::string& out) {
    char digits[13];
    digits[0] = '4';
    digits[1] = '0';
    uint64_t body = static_cast<uint64_t>(item + 1) * 7919 % 10'000'000'000ULL;
    for (int i = 11; i >= 2; --i) {
        digits[i] = static_cast<char>('0' + body % 10);
        body /= 10;
    }
    int sum = 0;
    for (int i = 0; i < 12; ++i) {
        sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);
    }
    digits[12] = static_cast<char>('0' + (10 - sum % 10) % 10);
    out.append(digits, 13);
}

// A quantity with the unit's decimals, up to max_units.
int64_t quantity(SeededRandom& r, int decimals, int64_t max_units) {
    int64_t scale = 1;
    for (int i = 0; i < decimals; ++i) {
        scale *= 10;
    }
    return r.between(0, max_units * scale) * (Row::kMicrosPerUnit / scale);
}

void writeUnits(const ErpFacts& facts, TableWriter& out) {
    out.begin(kUnits);
    int64_t k = 0;
    for (const auto& unit : unitsOfMeasure()) {
        SeededRandom r = masterRandom(facts, k++);
        out.row().code(unit.code, 8).text(unit.name).integer(unit.decimals);
        out.row().timestamp(facts.calendar().modifiedTimestamp(r));
        out.emit();
    }
    out.end();
}

void writeGroups(const ErpFacts& facts, TableWriter& out) {
    out.begin(kGroups);
    int64_t k = 100;
    for (const auto& group : itemGroups()) {
        SeededRandom r = masterRandom(facts, k++);
        out.row().code(group.code, 8).text(group.name).timestamp(facts.calendar().modifiedTimestamp(r));
        out.emit();
    }
    out.end();
}

void writeWarehouses(const ErpFacts& facts, TableWriter& out) {
    out.begin(kWarehouses);
    int64_t k = 200;
    for (const auto& warehouse : warehouses()) {
        SeededRandom r = masterRandom(facts, k++);
        out.row().code(warehouse.code, 8).text(warehouse.name).flag(warehouse.active);
        out.row().timestamp(facts.calendar().modifiedTimestamp(r));
        out.emit();
    }
    out.end();
}

void writeItems(const ErpFacts& facts, TableWriter& out) {
    out.begin(kItems);
    std::string text;
    for (int64_t i = 0; i < facts.plan().items(); ++i) {
        const ItemFacts item = facts.item(i);
        SeededRandom r = facts.random(Stream::kItemDetails, i);
        const ProductLine& line = *item.line;
        text.assign(line.noun).append(" ").append(r.pick(line.sizes)).append(" ").append(r.pick(line.variants));
        if (line.pack > 0) {
            text.append(", box of ").append(std::to_string(line.pack));
        }
        Row& row = out.row();
        row.code(ErpFacts::itemCode(i).view(), 20).text(text).code(item.group->code, 8).code(item.unit->code, 8);
        row.decimal(item.list_price).code("EUR", 3).flag(item.active);
        if (r.chance(50)) {
            row.null();
        } else {
            row.decimal(r.between(line.min_grams, line.max_grams) * 1000);
        }
        if (r.chance(150)) {
            row.null();
        } else {
            text.clear();
            appendBarCode(i, text);
            row.text(text);
        }
        const int64_t modified = facts.calendar().modifiedTimestamp(r);
        row.timestamp(facts.calendar().createTimestamp(r, modified)).timestamp(modified);
        out.emit();
    }
    out.end();
}

void writeStock(const ErpFacts& facts, TableWriter& out) {
    out.begin(kStock);
    for (int64_t i = 0; i < facts.plan().items(); ++i) {
        const ItemFacts item = facts.item(i);
        SeededRandom r = facts.random(Stream::kStock, i);
        const Code code = ErpFacts::itemCode(i);
        for (const auto& warehouse : warehouses()) {
            if (!warehouse.active || !r.chance(warehouse.stock_permille)) {
                continue;
            }
            const int decimals = item.unit->decimals;
            int64_t on_hand = r.chance(100) ? 0 : quantity(r, decimals, decimals == 0 ? 2000 : 20000);
            if (r.chance(3)) {
                on_hand = -quantity(r, decimals, 20) - Row::kMicrosPerUnit;  // the ERP allowed negative stock
            }
            // Committed to open sales orders: whole units, at most half of what is on hand.
            int64_t committed = 0;
            if (on_hand > 0 && !r.chance(600)) {
                committed = on_hand / 1000 * r.between(1, 500) / Row::kMicrosPerUnit * Row::kMicrosPerUnit;
            }
            const int64_t on_order = r.chance(700) ? 0 : quantity(r, 0, 1000);
            Row& row = out.row();
            row.code(code.view(), 20).code(warehouse.code, 8).decimal(on_hand).decimal(committed).decimal(on_order);
            row.timestamp(facts.calendar().modifiedTimestamp(r));
            out.emit();
        }
    }
    out.end();
}

}  // namespace

void writeCatalogTables(const ErpFacts& facts, TableWriter& out) {
    writeUnits(facts, out);
    writeGroups(facts, out);
    writeWarehouses(facts, out);
    writeItems(facts, out);
    writeStock(facts, out);
}

}  // namespace syncline::demo_erp
