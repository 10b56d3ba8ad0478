#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/validation.h"

namespace syncline::sync {

/// Read access to one row of a batch by canonical field name.
class RowView {
  public:
    RowView(const std::vector<std::string>& fields, const std::vector<std::optional<std::string>>& values)
        : fields_(fields), values_(values) {}

    /// The value of `field`; nullopt when NULL or when the connector does not deliver the field.
    std::optional<std::string> get(const std::string& field) const;
    /// The value or "" when NULL / not delivered.
    std::string text(const std::string& field) const { return get(field).value_or(""); }

  private:
    const std::vector<std::string>& fields_;
    const std::vector<std::optional<std::string>>& values_;
};

/// Checks one row; returns every field error (empty = valid). Given by the job (jobs/).
using RowValidator = std::function<std::vector<model::FieldError>(const RowView&)>;

/// How one entity is stored in the webstore. The table's columns carry the stream's canonical
/// field names (connector/streams.h); every such table has `active` and `updated_at` columns.
struct EntityTable {
    std::string entity;                    ///< "product": sync_state.entity, rejects.entity
    std::string stream;                    ///< "products"
    std::string table;                     ///< "products"
    std::vector<std::string> key_columns;  ///< {"sku"} or {"sku", "warehouse"}
    RowValidator validate;
};

}  // namespace syncline::sync
