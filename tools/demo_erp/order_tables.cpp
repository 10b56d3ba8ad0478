#include "order_tables.h"

#include <algorithm>
#include <string>

#include "erp_facts.h"
#include "table_writer.h"

namespace syncline::demo_erp {
namespace {

constexpr std::string_view kNumberingColumns[] = {"ObjectCode", "ObjectName", "NextEntry", "NextNumber",
                                                  "ModifiedDate"};
constexpr TableSpec kNumbering{"DOCN", "document numbering", kNumberingColumns};
constexpr std::string_view kHeaderColumns[] = {
    "DocEntry",  "DocNum",     "CardCode",   "DocDate",    "DueDate",   "Currency", "DocTotal",   "ExtRef",
    "DocStatus", "CancelFlag", "ShipStatus", "TrackingNo", "InvoiceNo", "Comments", "CreateDate", "ModifiedDate"};
constexpr TableSpec kHeaders{"SORH", "sales order headers", kHeaderColumns};
constexpr std::string_view kLineColumns[] = {"DocEntry",  "LineNum", "ItemCode", "Quantity",
                                             "UnitPrice", "WhsCode", "LineTotal"};
constexpr TableSpec kLines{"SORL", "sales order lines", kLineColumns};

constexpr int64_t kDay = ErpCalendar::kSecondsPerDay;

void writeNumbering(const ErpFacts& facts, TableWriter& out) {
    const int64_t orders = facts.plan().orders();
    SeededRandom r = facts.random(Stream::kOrder, -1);
    const int64_t modified = facts.calendar().asOfDay() * kDay - r.between(60, 3600);
    out.begin(kNumbering);
    out.row().code("SORD", 8).text("Sales order").integer(orders + 1).integer(kFirstOrderNumber + orders);
    out.row().timestamp(modified);
    out.emit();
    out.row().code("INVC", 8).text("A/R invoice").integer(orders + 1).integer(kFirstInvoiceNumber + orders);
    out.row().timestamp(modified);
    out.emit();
    out.end();
}

void writeHeaders(const ErpFacts& facts, TableWriter& out) {
    out.begin(kHeaders);
    std::string tracking;
    for (int64_t o = 0; o < facts.plan().orders(); ++o) {
        const OrderFacts order = facts.order(o);
        const CustomerFacts customer = facts.customer(order.customer);
        int64_t total = 0;
        for (int line = 0; line < order.lines; ++line) {
            total += facts.orderLine(o, line, order).line_total;
        }
        SeededRandom r = facts.random(Stream::kOrder, ~o);
        Row& row = out.row();
        row.integer(o + 1).integer(kFirstOrderNumber + o).code(ErpFacts::customerCode(order.customer).view(), 15);
        row.date(order.doc_day).date(order.doc_day + r.between(2, 10)).code(customer.currency, 3).decimal(total);
        row.null()
            .code(order.closed ? "C" : "O", 1)
            .flag(order.cancelled)
            .code(std::string_view(&order.ship_status, 1), 1);
        if (order.ship_status == 'N') {
            row.null();
        } else {
            tracking.assign("JJD14").append(std::to_string(r.between(1'000'000'000'000LL, 9'999'999'999'999LL)));
            row.text(tracking);
        }
        if (order.invoiced) {
            row.integer(kFirstInvoiceNumber + o);
        } else {
            row.null();
        }
        if (r.chance(200)) {
            row.text(r.pick(orderComments()));
        } else {
            row.null();
        }
        const int64_t age = facts.calendar().asOfDay() - order.doc_day;
        const int64_t created = order.doc_day * kDay + r.between(7 * 3600, 18 * 3600);
        int64_t modified = created;
        if (order.closed || order.ship_status != 'N') {
            modified = created + r.between(0, age - 1) * kDay + r.between(0, 6 * 3600);
        }
        row.timestamp(created).timestamp(modified);
        out.emit();
    }
    out.end();
}

void writeLines(const ErpFacts& facts, TableWriter& out) {
    out.begin(kLines);
    for (int64_t o = 0; o < facts.plan().orders(); ++o) {
        const OrderFacts order = facts.order(o);
        for (int line = 0; line < order.lines; ++line) {
            const OrderLineFacts f = facts.orderLine(o, line, order);
            Row& row = out.row();
            row.integer(o + 1).integer(line + 1).code(ErpFacts::itemCode(f.item).view(), 20).decimal(f.quantity);
            row.decimal(f.unit_price).code(f.warehouse, 8).decimal(f.line_total);
            out.emit();
        }
    }
    out.end();
}

}  // namespace

void writeOrderTables(const ErpFacts& facts, TableWriter& out) {
    writeNumbering(facts, out);
    writeHeaders(facts, out);
    writeLines(facts, out);
}

}  // namespace syncline::demo_erp
