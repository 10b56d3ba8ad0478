#pragma once

namespace syncline::demo_erp {

class ErpFacts;
class TableWriter;

/// Writes PRLS and PRLP: the price lists and their item prices.
void writePriceLists(const ErpFacts& facts, TableWriter& out);
/// Writes SPPH and SPPB: special prices per customer or customer group, and their quantity breaks.
void writeSpecialPrices(const ErpFacts& facts, TableWriter& out);

}  // namespace syncline::demo_erp
