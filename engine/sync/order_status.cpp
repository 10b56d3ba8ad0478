#include "engine/sync/order_status.h"

#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/Nullable.h>

#include <map>

#include <spdlog/spdlog.h>

#include "engine/audit/audit_log.h"
#include "engine/store/dialect.h"
#include "engine/store/transaction.h"
#include "engine/sync/pull_pipeline.h"
#include "engine/sync/run_log.h"

namespace syncline::sync {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::SqlType;
using store::typedParam;

namespace {

// How far an order has come; cancelled is handled apart.
int rank(const std::string& status) {
    static const std::map<std::string, int> ranks = {
        {"exported", 0}, {"open", 0}, {"confirmed", 1}, {"shipped", 2}, {"invoiced", 3}};
    const auto it = ranks.find(status);
    return it == ranks.end() ? -1 : it->second;
}

std::optional<std::string> opt(const Poco::Nullable<std::string>& v) {
    return v.isNull() ? std::nullopt : std::optional<std::string>(v.value());
}

}  // namespace

OrderStatusResult OrderStatusSync::run(const std::string& node, const std::string& triggered_by) {
    RunLog log(store_);
    log.abandonStale("order_status", node);  // a run killed before it could record its end
    OrderStatusResult result;
    result.run_id = log.start("order_status", node, "incremental", triggered_by);
    const std::string actor = "run:" + std::to_string(result.run_id);
    auto& c = result.counts;
    auto finish = [&](const std::string& status, std::optional<connector::Error> error) {
        result.status = status;
        result.error = std::move(error);
        PullProgress progress;
        progress.read = c.checked;
        progress.applied = c.updated;
        progress.unchanged = c.checked - c.updated - c.conflicts - c.problems;
        progress.rejected = c.problems;
        progress.conflicted = c.conflicts;
        log.finish(result.run_id, status, progress, result.error);
        return result;
    };
    if (!erp_.readsOrderStatus()) {
        return finish("failed", connector::Error{connector::ErrorKind::Config, "no-order-status",
                                                 "[erp.orders] has no status_query: the ERP's order status "
                                                 "cannot be read"});
    }
    const auto b = store_.backend();
    try {
        // Exported orders not final yet, and orders the shop cancelled whose ERP state is not known to match
        // (once a conflict about them exists, an admin decides).
        std::vector<std::string> ids, statuses;
        std::vector<Poco::Nullable<std::string>> erp_statuses, tracking, invoices;
        store_.session() << "SELECT order_id, status, erp_status, tracking_number, invoice_number FROM orders o "
                            "WHERE erp_doc_number IS NOT NULL AND (status IN ('exported', 'confirmed', 'shipped') OR "
                            "(status = 'cancelled' AND (erp_status IS NULL OR erp_status <> 'cancelled') AND NOT "
                            "EXISTS (SELECT 1 FROM conflicts c WHERE c.entity = 'order' AND c.entity_key = "
                            "o.order_id AND c.field = 'status'))) ORDER BY order_id",
            into(ids), into(statuses), into(erp_statuses), into(tracking), into(invoices), now;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            ++c.checked;
            const auto state = erp_.orderStatus(ids[i]);
            if (!state) {
                if (state.error().kind == connector::ErrorKind::Transient) {
                    return finish("failed", state.error());
                }
                ++c.problems;
                spdlog::error("order {}: {}", ids[i], state.error().describe());
                continue;
            }
            if (!state.value()) {
                ++c.problems;
                spdlog::error("order {}: exported, but the ERP has no order with this reference", ids[i]);
                continue;
            }
            const auto& erp = *state.value();
            const std::string& now_status = statuses[i];
            std::string next = now_status;
            if (now_status == "cancelled") {
                if (erp.status == "shipped" || erp.status == "invoiced") {
                    store::Transaction tx(store_);
                    std::string id = ids[i];
                    std::string field = "status";
                    std::string erp_value = erp.status;
                    std::string base = opt(erp_statuses[i]).value_or("exported");
                    std::string at = store::Webstore::utcNow();
                    Poco::Int64 run_id = result.run_id;
                    store_.session() << "INSERT INTO conflicts (run_id, entity, entity_key, field, base_value, "
                                        "erp_value, store_value, status, created_at) VALUES ($1, 'order', $2, $3, $4, "
                                        "$5, 'cancelled', 'open', " +
                                            typedParam(b, 6, SqlType::Timestamp) + ")",
                        use(run_id), use(id), use(field), use(base), use(erp_value), use(at), now;
                    audit::ChangeSet changes;
                    changes.addConflict("status", base, erp.status, std::string("cancelled"), std::string("cancelled"),
                                        std::string("cancelled"), "manual", "held");
                    audit::AuditLog(store_).append({actor, "order", id, "conflict", changes.json()});
                    tx.commit();
                    ++c.conflicts;
                    spdlog::warn("order {}: cancelled in the shop but {} by the ERP: held for an admin", id,
                                 erp.status);
                    continue;
                }
                if (erp.status != "cancelled") {
                    spdlog::warn("order {}: cancelled in the shop, still {} in the ERP: cancel it there", ids[i],
                                 erp.status);
                }
            } else if (erp.status == "cancelled" || rank(erp.status) > rank(now_status)) {
                next = erp.status;
            }
            const auto tracking_next = erp.tracking_number ? erp.tracking_number : opt(tracking[i]);
            const auto invoice_next = erp.invoice_number ? erp.invoice_number : opt(invoices[i]);
            const bool changed =
                next != now_status || tracking_next != opt(tracking[i]) || invoice_next != opt(invoices[i]);
            if (!changed && opt(erp_statuses[i]) == erp.status) {
                continue;
            }
            store::Transaction tx(store_);
            std::string id = ids[i];
            std::string status = next;
            std::string erp_status = erp.status;
            auto nullable = [](const std::optional<std::string>& v) {
                return v ? Poco::Nullable<std::string>(*v) : Poco::Nullable<std::string>();
            };
            auto track = nullable(tracking_next);
            auto invoice = nullable(invoice_next);
            std::string at = store::Webstore::utcNow();
            store_.session() << "UPDATE orders SET status = $1, erp_status = $2, tracking_number = $3, "
                                "invoice_number = $4, updated_at = " +
                                    typedParam(b, 5, SqlType::Timestamp) + " WHERE order_id = $6",
                use(status), use(erp_status), use(track), use(invoice), use(at), use(id), now;
            if (changed) {
                audit::ChangeSet changes;
                if (next != now_status) {
                    changes.add("status", now_status, next);
                }
                if (tracking_next != opt(tracking[i])) {
                    changes.add("tracking_number", opt(tracking[i]), tracking_next);
                }
                if (invoice_next != opt(invoices[i])) {
                    changes.add("invoice_number", opt(invoices[i]), invoice_next);
                }
                audit::AuditLog(store_).append({actor, "order", id, "status", changes.json()});
                ++c.updated;
            }
            tx.commit();
        }
    } catch (const Poco::Exception& e) {
        finish("failed", connector::Error{connector::ErrorKind::Fatal, "webstore", e.displayText()});
        throw;
    }
    return finish(c.problems + c.conflicts > 0 ? "completed_with_rejects" : "succeeded", std::nullopt);
}

}  // namespace syncline::sync
