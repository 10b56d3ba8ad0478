#include "connectors/odbc/odbc_connector.h"

#include <stdlib.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "connectors/odbc/catalog.h"
#include "connectors/odbc/odbc_error.h"
#include "connectors/odbc/odbc_pull_session.h"
#include "connectors/odbc/streaming_attributes.h"

namespace syncline::odbc {

using connector::Error;
using connector::ErrorKind;
using connector::Result;

OdbcConnector::OdbcConnector(OdbcConnectorConfig config) : config_(std::move(config)) {
    if (!config_.odbc_ini_dir.empty()) {
        // unixODBC reads these once, at the first ODBC call of the process.
        ::setenv("ODBCSYSINI", config_.odbc_ini_dir.c_str(), 1);
        ::setenv("ODBCINI", (config_.odbc_ini_dir + "/odbc.ini").c_str(), 1);
    }
    config_.connection_string = withLinkAttributes(config_.connection_string);
    if (config_.orders.configured()) {
        orders_.emplace(config_.orders,
                        OrderExportTarget{config_.connection_string, config_.login_timeout, config_.query_timeout});
    }
}

std::string OdbcConnector::kind() const {
    return "odbc";
}

std::vector<std::string> OdbcConnector::streams() const {
    std::vector<std::string> names;
    for (const auto& stream : config_.streams) {
        names.push_back(stream.stream);
    }
    return names;
}

bool OdbcConnector::incremental(const std::string& stream) const {
    return std::any_of(config_.streams.begin(), config_.streams.end(),
                       [&](const OdbcStream& s) { return s.stream == stream && !s.incremental_query.empty(); });
}

Result<std::string> OdbcConnector::check() {
    try {
        Connection connection(config_.connection_string, config_.login_timeout);
        const ConnectionInfo info = describe(connection);
        return info.dbms_name + " " + info.dbms_version + " via " + info.driver_name + " " + info.driver_version;
    } catch (const OdbcError& error) {
        return toError(error);
    } catch (const std::exception& error) {
        return Error{ErrorKind::Fatal, "", error.what()};
    }
}

Result<std::unique_ptr<connector::PullSession>> OdbcConnector::open(const std::string& stream,
                                                                    const connector::OpenRequest& request) {
    const auto it = std::find_if(config_.streams.begin(), config_.streams.end(),
                                 [&](const OdbcStream& s) { return s.stream == stream; });
    if (it == config_.streams.end()) {
        std::string configured;
        for (const auto& name : streams()) {
            configured += (configured.empty() ? "" : ", ") + name;
        }
        return Error{ErrorKind::Config, "",
                     "stream '" + stream + "' is not configured for the ODBC connector; configured: " +
                         (configured.empty() ? "none" : configured)};
    }
    try {
        PullQuery query;
        query.connection_string =
            withStreamingAttributes(config_.connection_string, static_cast<std::size_t>(std::max(it->batch_size, 1)));
        query.login_timeout = config_.login_timeout;
        query.query_timeout = config_.query_timeout;
        // sqliteodbc's SQLCancel also closes the statement's cursor from the calling thread, racing the fetch.
        query.cancel_overdue = driverFamily(query.connection_string) != DriverFamily::SqliteOdbc;
        query.stream = *it;
        query.request = request;
        const auto cursor = std::find_if(it->fields.begin(), it->fields.end(),
                                         [&](const connector::FieldMapping& m) { return m.field == it->cursor_field; });
        const auto from =
            cursor == it->fields.end() ? std::nullopt : connector::FieldCursor::startOf(cursor->type, request);
        const bool incremental =
            request.mode == connector::PullMode::Incremental && !it->incremental_query.empty() && from.has_value();
        query.sql = incremental ? it->incremental_query : it->query;
        if (incremental) {
            query.parameters.push_back(from);
        }
        return OdbcPullSession::open(query);
    } catch (const std::exception& error) {
        return Error{ErrorKind::Fatal, "", "stream '" + stream + "': " + error.what()};
    }
}

bool OdbcConnector::exportsOrders() const {
    return orders_.has_value();
}

Result<std::optional<std::string>> OdbcConnector::findOrder(const std::string& key) {
    if (!orders_) {
        return connector::Connector::findOrder(key);
    }
    return orders_->find(key);
}

Result<std::string> OdbcConnector::pushOrder(const model::Order& order, const std::string& key) {
    if (!orders_) {
        return connector::Connector::pushOrder(order, key);
    }
    return orders_->push(order, key);
}

bool OdbcConnector::readsOrderStatus() const {
    return orders_.has_value() && orders_->readsStatus();
}

Result<std::optional<connector::OrderState>> OdbcConnector::orderStatus(const std::string& key) {
    if (!orders_) {
        return connector::Connector::orderStatus(key);
    }
    return orders_->status(key);
}

}  // namespace syncline::odbc
