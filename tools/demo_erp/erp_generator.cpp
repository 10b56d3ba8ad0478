#include "erp_generator.h"

#include "catalog_tables.h"
#include "erp_facts.h"
#include "order_tables.h"
#include "partner_tables.h"
#include "price_tables.h"

namespace syncline::demo_erp {
namespace {

constexpr std::string_view kTableNames[] = {"UOMS", "ITGR", "WHSE", "ITMS", "ITWS", "PRLS", "PRLP",
                                            "CSGR", "BPMS", "SPPH", "SPPB", "DOCN", "SORH", "SORL"};

}  // namespace

std::span<const std::string_view> ErpGenerator::tableNames() {
    return kTableNames;
}

void ErpGenerator::writeAll(Sink& sink, const TableReport& report) const {
    const ErpFacts facts(plan_);
    TableWriter out(sink, report);
    writeCatalogTables(facts, out);
    writePriceLists(facts, out);
    writePartnerTables(facts, out);
    writeSpecialPrices(facts, out);
    writeOrderTables(facts, out);
}

}  // namespace syncline::demo_erp
