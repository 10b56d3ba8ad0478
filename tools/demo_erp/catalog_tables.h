#pragma once

namespace syncline::demo_erp {

class ErpFacts;
class TableWriter;

/// Writes UOMS, ITGR, WHSE, ITMS and ITWS (units, item groups, warehouses, items, stock), in that order.
void writeCatalogTables(const ErpFacts& facts, TableWriter& out);

}  // namespace syncline::demo_erp
