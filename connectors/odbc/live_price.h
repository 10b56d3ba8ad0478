#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "connectors/odbc/connection.h"
#include "connectors/odbc/named_parameters.h"
#include "engine/connector/connector.h"

namespace syncline::odbc {

using connector::LivePriceAnswer;
using connector::LivePriceQuestion;

/// The ERP's own price for one line, asked with a configured query ([erp.live_price] query): any SELECT or stored
/// procedure call the driver accepts, with the named parameters :customer, :sku, :quantity, :currency and :date. The
/// first row's first column is the unit price, the second column (optional) its currency; no row means the ERP
/// has no price for it.
///
/// Thread-safe: each call borrows a connection from a pool that grows to the calls in flight; a connection whose
/// call failed is closed, not returned. ask() blocks for as long as the ERP takes: the caller bounds the wait.
class LivePriceQuery {
  public:
    /// Throws std::invalid_argument naming the problem for a query that is empty, malformed or uses an unknown
    /// parameter.
    LivePriceQuery(std::string connection_string, std::chrono::seconds login_timeout, const std::string& query);

    /// Throws OdbcError (with the SQLSTATE and the driver's message, secrets removed).
    std::optional<LivePriceAnswer> ask(const LivePriceQuestion& question);

  private:
    std::string connection_string_;
    std::chrono::seconds login_timeout_;
    NamedStatement query_;
    std::mutex mutex_;
    std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace syncline::odbc
