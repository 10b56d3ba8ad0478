#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/connector/stream_config.h"

namespace syncline::connector {

/// One canonical field of a pull stream: what a connector must or may deliver.
struct StreamField {
    std::string name;
    FieldType default_type;  ///< how a config-driven connector normalizes it unless the config says otherwise
    bool required;           ///< the stream's mapping must name a column for it
    std::optional<std::string> null_as = std::nullopt;  ///< stored instead of NULL (the webstore column is NOT NULL)
};

/// The webstore entity a pull stream fills: its name in sync_state, rejects, conflicts and the audit log,
/// its table, and its key columns.
struct StreamEntity {
    std::string entity;  ///< "product"
    std::string stream;  ///< "products"
    std::string table;   ///< "products"
    std::vector<std::string> keys;
};

/// Every pull stream's entity, in dependency order.
const std::vector<StreamEntity>& streamEntities();

/// The entity called `entity` ("product"), or nullptr.
const StreamEntity* findEntity(std::string_view entity);

/// The pull streams ("products", "stock", "customers", "price_rules"), in dependency order.
const std::vector<std::string>& pullStreams();

/// The fields of `stream`; empty for an unknown stream. The names are the webstore's column names.
const std::vector<StreamField>& streamFields(std::string_view stream);

}  // namespace syncline::connector
