#pragma once

#include <string>
#include <vector>

namespace syncline::connector {

/// How a config-driven connector writes a webstore order into the ERP ([erp.orders]): the ERP's own SQL with named
/// parameters (`:order_id`, `:sku`, ...; see docs/connectors/odbc.md for the values). Plain data, validated for
/// presence by the config reader and for its parameters by the connector.
struct OrderExportConfig {
    /// Returns the ERP document number (first column of the first row) of the order whose reference is `:order_id`,
    /// and no row when the ERP has no such order. The only value it may use is `:order_id`.
    std::string find_query;
    /// Run once per order, in this order, before the lines. The first row of a statement that returns a result set
    /// adds its columns (labels lower-cased) as named values for the statements after it and for `line`.
    std::vector<std::string> header;
    /// Run once per order line, after the header.
    std::string line;
    /// The named value (usually a column of a header SELECT) that holds the ERP document number; empty: find_query
    /// is run after the commit to read it.
    std::string document_number;

    /// Optional: the ERP's state of the order whose reference is `:order_id`, one row with the columns `status`
    /// (open, confirmed, shipped, invoiced or cancelled: map the ERP's own codes in SQL), and optionally
    /// `tracking_number` and `invoice_number`; no row when the ERP has no such order. Read by the order_status job.
    std::string status_query;
    /// Whether order export is configured at all (any statement set).
    bool configured() const { return !find_query.empty() || !header.empty() || !line.empty(); }
};

}  // namespace syncline::connector
