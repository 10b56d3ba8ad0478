#pragma once

#include <cstdint>

namespace syncline::demo_erp {

class ErpFacts;
class TableWriter;

/// First sales order number (DocNum) and first invoice number: DocNum = kFirstOrderNumber + DocEntry - 1.
inline constexpr int64_t kFirstOrderNumber = 100001;
inline constexpr int64_t kFirstInvoiceNumber = 500001;

/// Writes DOCN, SORH and SORL: document numbering (continuing after the generated orders) and historic sales orders
/// entered directly in the ERP (ExtRef is NULL: none came from the webstore).
void writeOrderTables(const ErpFacts& facts, TableWriter& out);

}  // namespace syncline::demo_erp
