#pragma once

namespace syncline::demo_erp {

class ErpFacts;
class TableWriter;

/// Writes CSGR and BPMS: customer groups, then the business partners (customers, then a few suppliers).
void writePartnerTables(const ErpFacts& facts, TableWriter& out);

}  // namespace syncline::demo_erp
