#include "partner_tables.h"

#include <string>

#include "erp_facts.h"
#include "table_writer.h"

namespace syncline::demo_erp {
namespace {

constexpr std::string_view kGroupColumns[] = {"GroupNo", "GroupName", "PriceListNo", "ModifiedDate"};
constexpr TableSpec kGroups{"CSGR", "customer groups", kGroupColumns};
constexpr std::string_view kPartnerColumns[] = {"CardCode", "CardName",    "CardType",    "GroupNo", "PriceListNo",
                                                "Currency", "BlockedFlag", "EMail",       "Phone",   "City",
                                                "Country",  "CreateDate",  "ModifiedDate"};
constexpr TableSpec kPartners{"BPMS", "business partners", kPartnerColumns};

/// Text fields of one partner, reused from row to row.
struct PartnerText {
    std::string name;
    std::string email;
    std::string phone;
};

void buildText(SeededRandom& r, const Country& country, PartnerText& text) {
    const std::string_view surname = r.pick(surnames());
    std::string_view second = r.pick(country.trades);
    text.name.assign(surname);
    if (r.chance(150)) {
        second = r.pick(surnames());
        text.name.append(" & ").append(second);
    } else {
        text.name.append(" ").append(second);
    }
    text.name.append(" ").append(r.pick(country.legal_forms));

    text.email.clear();
    if (r.chance(20)) {
        text.email.assign(r.pick(badEmails()));
    } else if (!r.chance(50)) {
        text.email.append(r.pick(mailboxes())).append("@");
        appendSlug(surname, text.email);
        text.email.append("-");
        appendSlug(second, text.email);
        text.email.append(".example");
    }

    text.phone.clear();
    if (!r.chance(100)) {
        text.phone.append(country.phone_prefix).append(" ").append(std::to_string(r.between(10, 99)));
        text.phone.append(" ").append(std::to_string(r.between(100000, 9999999)));
    }
}

void addOptionalText(Row& row, const std::string& text) {
    if (text.empty()) {
        row.null();
    } else {
        row.text(text);
    }
}

void writeCustomerGroups(const ErpFacts& facts, TableWriter& out) {
    out.begin(kGroups);
    for (const auto& group : customerGroups()) {
        SeededRandom r = facts.random(Stream::kCustomerDetails, -group.number);
        out.row().integer(group.number).text(group.name).integer(group.price_list);
        out.row().timestamp(facts.calendar().modifiedTimestamp(r));
        out.emit();
    }
    out.end();
}

}  // namespace

void writePartnerTables(const ErpFacts& facts, TableWriter& out) {
    writeCustomerGroups(facts, out);
    out.begin(kPartners);
    PartnerText text;
    for (int64_t c = 0; c < facts.plan().customers(); ++c) {
        const CustomerFacts customer = facts.customer(c);
        SeededRandom r = facts.random(Stream::kCustomerDetails, c);
        buildText(r, *customer.country, text);
        Row& row = out.row();
        row.code(ErpFacts::customerCode(c).view(), 15).text(text.name).code("C", 1);
        row.integer(customer.group->number).integer(customer.price_list).code(customer.currency, 3);
        row.flag(customer.blocked);
        addOptionalText(row, text.email);
        addOptionalText(row, text.phone);
        row.text(r.pick(customer.country->cities)).code(customer.country->code, 2);
        const int64_t modified = facts.calendar().modifiedTimestamp(r);
        row.timestamp(facts.calendar().createTimestamp(r, modified)).timestamp(modified);
        out.emit();
    }
    // Suppliers live in the same master, as in most ERPs: a customer pull must filter on CardType = 'C'.
    const Country& home = countries().front();
    for (int64_t s = 0; s < facts.plan().suppliers(); ++s) {
        SeededRandom r = facts.random(Stream::kSupplier, s);
        buildText(r, home, text);
        Row& row = out.row();
        row.code(ErpFacts::supplierCode(s).view(), 15).text(text.name).code("S", 1).null().null().code("EUR", 3);
        row.flag(false);
        addOptionalText(row, text.email);
        addOptionalText(row, text.phone);
        row.text(r.pick(home.cities)).code(home.code, 2);
        const int64_t modified = facts.calendar().modifiedTimestamp(r);
        row.timestamp(facts.calendar().createTimestamp(r, modified)).timestamp(modified);
        out.emit();
    }
    out.end();
}

}  // namespace syncline::demo_erp
