#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/connector/connector.h"
#include "engine/store/webstore.h"

namespace syncline::sync {

struct OrderStatusCounts {
    std::int64_t checked = 0;
    std::int64_t updated = 0;    ///< status, tracking or invoice number changed
    std::int64_t conflicts = 0;  ///< cancelled in the shop, shipped or invoiced by the ERP: held for an admin
    std::int64_t problems = 0;   ///< the ERP has no such order, or reports a status it cannot map
};

struct OrderStatusResult {
    std::int64_t run_id = 0;
    std::string status;  ///< succeeded, completed_with_rejects (problems or conflicts), failed
    OrderStatusCounts counts;
    std::optional<connector::Error> error;
};

/// The order_status job: brings the ERP's state of exported orders back into the webstore. Statuses only move
/// forward (exported → confirmed → shipped → invoiced; cancelled by the ERP at any point), with the tracking and
/// invoice numbers and an audit row per change. An order the shop cancelled after export while the ERP shipped or
/// invoiced it becomes a conflict (entity "order", field "status") for an admin: `syncline conflicts resolve ID
/// --take erp|store`. Orders the shop cancelled while the ERP still has them open are logged: Syncline does not
/// cancel ERP orders.
class OrderStatusSync {
  public:
    OrderStatusSync(store::Webstore& store, connector::Connector& erp) : store_(store), erp_(erp) {}
    OrderStatusResult run(const std::string& node, const std::string& triggered_by = "manual");

  private:
    store::Webstore& store_;
    connector::Connector& erp_;
};

}  // namespace syncline::sync
