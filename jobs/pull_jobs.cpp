#include "jobs/pull_jobs.h"

#include <algorithm>
#include <tuple>

#include "engine/connector/streams.h"
#include "engine/model/records.h"
#include "engine/model/validation.h"

namespace syncline::jobs {

namespace {

using model::Decimal;
using model::FieldError;
using sync::RowView;

// Reads decimal fields, collecting a FieldError for each that does not parse.
class DecimalReader {
  public:
    explicit DecimalReader(const RowView& row) : row_(row) {}

    Decimal required(const std::string& field) {
        if (!row_.get(field)) {
            errors.push_back(FieldError{field, "", "is required"});
        }
        return optional(field).value_or(Decimal());
    }

    std::optional<Decimal> optional(const std::string& field) {
        const auto text = row_.get(field);
        if (!text) {
            return std::nullopt;
        }
        std::string why;
        const auto value = Decimal::parse(*text, &why);
        if (!value) {
            errors.push_back(FieldError{field, *text, why});
        }
        return value;
    }

    std::vector<FieldError> errors;

  private:
    const RowView& row_;
};

// Model validation after the field-level parse errors, which come first.
template <typename Record>
std::vector<FieldError> check(DecimalReader& reader, const Record& record) {
    auto errors = std::move(reader.errors);
    for (auto& e : model::validate(record)) {
        if (std::none_of(errors.begin(), errors.end(), [&](const FieldError& f) { return f.field == e.field; })) {
            errors.push_back(std::move(e));
        }
    }
    return errors;
}

std::vector<FieldError> validateProduct(const RowView& row) {
    DecimalReader d(row);
    model::Product p;
    p.sku = row.text("sku");
    p.name = row.text("name");
    p.description = row.text("description");
    p.unit_of_measure = row.text("unit");
    p.currency = row.text("currency");
    p.active = row.get("active").value_or("1") == "1";
    p.erp_modified = row.text("erp_modified");
    p.list_price = d.required("list_price");
    return check(d, p);
}

std::vector<FieldError> validateStock(const RowView& row) {
    DecimalReader d(row);
    model::StockLevel s;
    s.sku = row.text("sku");
    s.warehouse = row.text("warehouse");
    s.quantity = d.required("quantity");
    s.erp_modified = row.text("erp_modified");
    return check(d, s);
}

std::vector<FieldError> validateCustomer(const RowView& row) {
    DecimalReader d(row);
    model::Customer c;
    c.code = row.text("code");
    c.name = row.text("name");
    c.customer_group = row.text("customer_group");
    c.price_list = row.text("price_list");
    c.currency = row.text("currency");
    c.email = row.text("email");
    c.blocked = row.get("blocked").value_or("0") == "1";
    c.erp_modified = row.text("erp_modified");
    return check(d, c);
}

std::vector<FieldError> validatePriceRule(const RowView& row) {
    DecimalReader d(row);
    model::PriceRule r;
    r.rule_id = row.text("rule_id");
    r.sku = row.text("sku");
    const auto scope = model::parsePriceScope(row.text("scope"));
    if (!scope) {
        d.errors.push_back(
            FieldError{"scope", row.text("scope"), "must be everyone, customer_group, price_list or customer"});
    }
    r.scope = scope.value_or(model::PriceScope::Everyone);
    r.scope_key = row.text("scope_key");
    r.min_quantity = d.optional("min_quantity").value_or(Decimal());
    r.max_quantity = d.optional("max_quantity");
    r.unit_price = d.optional("unit_price");
    r.discount_percent = d.optional("discount_percent");
    r.currency = row.text("currency");
    r.valid_from = row.text("valid_from");
    r.valid_to = row.get("valid_to");
    r.erp_modified = row.text("erp_modified");
    auto errors = check(d, r);
    // The model lets a percentage come without a currency; the webstore keeps one with every rule (NOT NULL,
    // 3 letters), so such a rule is rejected here rather than failing the whole batch on the table's constraint.
    if (r.currency.empty() &&
        std::none_of(errors.begin(), errors.end(), [](const FieldError& e) { return e.field == "currency"; })) {
        errors.push_back(
            FieldError{"currency", "", "is required: the webstore keeps a currency with every price rule"});
    }
    return errors;
}

}  // namespace

const std::vector<PullJob>& pullJobs() {
    static const std::vector<PullJob> jobs = [] {
        const std::vector<std::tuple<std::string, std::string, sync::RowValidator>> flows = {
            {"catalog", "products with list prices", validateProduct},
            {"stock", "stock per item and warehouse", validateStock},
            {"customers", "customers with group and price list", validateCustomer},
            {"prices", "customer-specific prices, price lists, quantity breaks", validatePriceRule},
        };
        std::vector<PullJob> out;
        for (std::size_t i = 0; i < flows.size(); ++i) {
            const auto& e = connector::streamEntities()[i];
            const auto& [name, description, validate] = flows[i];
            out.push_back({name, description, {e.entity, e.stream, e.table, e.keys, validate}});
        }
        return out;
    }();
    return jobs;
}

const PullJob* findPullJob(const std::string& name) {
    const auto& jobs = pullJobs();
    const auto it = std::find_if(jobs.begin(), jobs.end(), [&](const PullJob& j) { return j.name == name; });
    return it == jobs.end() ? nullptr : &*it;
}

}  // namespace syncline::jobs
