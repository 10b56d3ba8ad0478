// OdbcConnector's discover and live prices: what the source has, and the ERP's own price for a line.
#include <algorithm>

#include "connectors/odbc/catalog.h"
#include "connectors/odbc/live_price.h"
#include "connectors/odbc/odbc_connector.h"
#include "connectors/odbc/odbc_error.h"
#include "engine/connector/stream_mapping.h"
#include "engine/connector/streams.h"

namespace syncline::odbc {

using connector::Error;
using connector::ErrorKind;
using connector::Result;

namespace {

class OdbcLivePrices final : public connector::LivePriceSource {
  public:
    OdbcLivePrices(const std::string& connection_string, std::chrono::seconds login_timeout, const std::string& query)
        : query_(connection_string, login_timeout, query) {}

    Result<std::optional<connector::LivePriceAnswer>> ask(const connector::LivePriceQuestion& question) override {
        try {
            return query_.ask(question);
        } catch (const OdbcError& error) {
            return toError(error);
        } catch (const std::exception& error) {
            return Error{ErrorKind::Fatal, "", error.what()};
        }
    }

  private:
    LivePriceQuery query_;
};

std::string selectOf(const connector::SuggestedMapping& mapping, const std::string& quote) {
    std::string columns;
    for (const auto& [field, column] : mapping.fields) {
        columns += (columns.empty() ? "" : ", ") + quoteIdentifier(column, quote);
    }
    const auto dot = mapping.resource.find('.');
    const TableInfo table = dot == std::string::npos
                                ? TableInfo{"", mapping.resource}
                                : TableInfo{mapping.resource.substr(0, dot), mapping.resource.substr(dot + 1)};
    return "SELECT " + columns + " FROM " + qualifiedName(table, quote);
}

}  // namespace

Result<connector::Discovery> OdbcConnector::discover(const connector::DiscoverRequest& request) {
    const auto& stream = request.stream;
    const auto& known = connector::pullStreams();
    if (stream && std::find(known.begin(), known.end(), *stream) == known.end()) {
        std::string list;
        for (const auto& s : known) {
            list += (list.empty() ? "" : ", ") + s;
        }
        return Error{ErrorKind::Config, "", "unknown stream '" + *stream + "'; streams: " + list};
    }
    try {
        Connection connection(config_.connection_string, config_.login_timeout);
        const std::string quote = "\"";  // the SQL standard's identifier quote, which the drivers we know take
        connector::Discovery out;
        const bool with_views = request.columns;  // `connectors test --tables` lists the tables only, as before
        for (const auto& table : listTables(connection, with_views)) {
            connector::DiscoveredResource resource;
            resource.name = table.schema.empty() ? table.name : table.schema + "." + table.name;
            if (request.columns) {
                for (auto& column : listColumns(connection, table)) {
                    resource.columns.push_back({std::move(column.name), std::move(column.type), column.nullable});
                }
            }
            if (request.count_rows) {
                resource.rows = countRows(connection, table);
            }
            out.resources.push_back(std::move(resource));
        }
        for (const auto& name : known) {
            if ((stream && name != *stream) || !request.columns) {
                continue;
            }
            if (const auto mapping = connector::suggestMapping(name, out.resources)) {
                const std::vector<std::string> extra = {"query = " + connector::tomlString(selectOf(*mapping, quote))};
                out.suggestions.emplace_back(name, connector::mappingToml(*mapping, extra));
                if (stream) {
                    // Only the resource the stream maps to.
                    out.resources.erase(std::remove_if(out.resources.begin(), out.resources.end(),
                                                       [&](const auto& r) { return r.name != mapping->resource; }),
                                        out.resources.end());
                }
            }
        }
        return out;
    } catch (const OdbcError& error) {
        return toError(error);
    } catch (const std::exception& error) {
        return Error{ErrorKind::Fatal, "", error.what()};
    }
}

Result<std::shared_ptr<connector::LivePriceSource>> OdbcConnector::livePrices() {
    if (config_.live_price_query.empty()) {
        return std::shared_ptr<connector::LivePriceSource>();
    }
    try {
        return std::shared_ptr<connector::LivePriceSource>(std::make_shared<OdbcLivePrices>(
            config_.connection_string, config_.login_timeout, config_.live_price_query));
    } catch (const std::invalid_argument& error) {
        return Error{ErrorKind::Config, "", std::string("erp.live_price.query: ") + error.what()};
    }
}

}  // namespace syncline::odbc
