#pragma once

#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "engine/connector/registry.h"
#include "syncline_thrift/ConnectorService.h"

/// Conversions between the connector interface (engine/connector) and the types of schemas/thrift/connector.thrift,
/// both ways: the thrift connector kind (the client) and syncline-connector-host (a server) share them, so the two
/// ends agree on every field. Pure functions, any thread.
namespace syncline::thrift_connector {

namespace api = ::syncline::connector_api;

/// The number a received enum field holds. A service may send a value the IDL has no name for (a newer service, or
/// a broken one); the generated code stores it as is, and reading it through the enum type would be undefined.
template <typename Enum>
int rawValue(const Enum& value) {
    static_assert(sizeof(Enum) == sizeof(int));
    int out = 0;
    std::memcpy(&out, &value, sizeof(out));
    return out;
}

/// The protocol version this build speaks: API_VERSION of connector.thrift. A service that reports another one in
/// its spec is refused.
int protocolVersion();

// --- errors ----------------------------------------------------------------------------------------------------

connector::Error fromWire(const api::ConnectorError& error);
api::ConnectorError toWire(const connector::Error& error);

// --- spec and settings -------------------------------------------------------------------------------------------

api::Spec toWire(const connector::ConnectorSpec& spec);

/// The spec a service sent, checked: its API version is ours (protocolVersion()), the kind is named, the streams are
/// pull streams, every setting kind is known. Returns the reason when it is not, prefixed by nothing (the caller says
/// which service sent it).
std::optional<std::string> problemOf(const api::Spec& spec);

/// A checked spec (problemOf said nothing) as the engine's.
connector::ConnectorSpec fromWire(const api::Spec& spec);

/// The settings sent to the service: `values` is the JSON the remote connector reads as its own settings.
api::Settings toWire(const std::string& kind, const nlohmann::json& values,
                     const std::map<std::string, std::string>& secrets, int login_timeout_s, int query_timeout_s);

/// Settings received; throws std::invalid_argument when values_json is not a JSON object.
connector::Settings fromWire(const api::Settings& settings);

api::Features toWire(const connector::ConfiguredFeatures& features, const connector::Connector* connector);
connector::ConfiguredFeatures fromWire(const api::Features& features);

// --- pull --------------------------------------------------------------------------------------------------------

api::OpenRequest toWire(const connector::OpenRequest& request);
/// Throws std::invalid_argument for a cursor_limit that is no "YYYY-MM-DD HH:MM:SS".
connector::OpenRequest fromWire(const api::OpenRequest& request);

/// Moves `batch` into its wire form (NULLs listed in `nulls`), `last` set when the stream ends after it.
void toWire(connector::RecordBatch&& batch, std::size_t field_count, bool last, api::Batch& out);

/// Moves a received batch into `out` (cleared first), each row holding `field_count` values. A row with another
/// number of values gets a row error (and is padded or cut to size, so the batch stays rectangular); row errors,
/// beyond_limit and raw entries with a row index outside the batch are dropped. Returns the first problem that makes
/// the batch unusable as a whole (a NULL cell that does not exist), or nullopt.
std::optional<std::string> fromWire(api::Batch&& batch, std::size_t field_count, connector::RecordBatch& out);

// --- discover, stream checks, orders, live prices ----------------------------------------------------------------

api::DiscoverRequest toWire(const connector::DiscoverRequest& request);
connector::DiscoverRequest fromWire(const api::DiscoverRequest& request);
api::Discovery toWire(const connector::Discovery& discovery);
/// `table_prefix` is put in front of each suggestion's tables ("settings." gives [erp.settings.streams.x]).
connector::Discovery fromWire(const api::Discovery& discovery, const std::string& table_prefix);

api::StreamCheck toWire(const connector::StreamCheck& check);
connector::StreamCheck fromWire(const api::StreamCheck& check);

api::Order toWire(const model::Order& order);
/// Throws std::invalid_argument for a quantity or price that is no decimal.
model::Order fromWire(const api::Order& order);

api::OrderState toWire(const connector::OrderState& state);
connector::OrderState fromWire(const api::OrderState& state);

api::LivePriceQuestion toWire(const connector::LivePriceQuestion& question);
connector::LivePriceQuestion fromWire(const api::LivePriceQuestion& question);

}  // namespace syncline::thrift_connector
