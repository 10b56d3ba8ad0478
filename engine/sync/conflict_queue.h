#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/store/webstore.h"

namespace syncline::sync {

/// A field a pull held for an admin (ownership policy `manual`), from `conflicts`.
struct ConflictRow {
    std::int64_t id = 0;
    std::optional<std::int64_t> run_id;
    std::string entity;
    std::string key;  ///< composite keys joined with U+001F
    std::string field;
    std::optional<std::string> base;   ///< the ERP value both sides started from
    std::optional<std::string> erp;    ///< the ERP's new value
    std::optional<std::string> store;  ///< the webstore's value when the run found the conflict
    std::string status;                ///< open, resolved
    std::optional<std::string> resolution;
    std::optional<std::string> resolved_by;
    std::optional<std::string> resolved_at;
    std::string created_at;
};

/// Why a resolution was refused: unknown id, already resolved, a value the field cannot hold.
class ResolveError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

enum class Take { Erp, Store, Value };

/// The manual conflict queue: lists held fields and resolves them. A resolution writes the chosen
/// value into the webstore row, makes the ERP's value the field's new base (so the next run sees
/// no ERP change and respects the decision), closes the conflict and writes an audit row, all in one
/// transaction.
class ConflictQueue {
  public:
    explicit ConflictQueue(store::Webstore& store) : store_(store) {}

    std::vector<ConflictRow> list(bool include_resolved, const std::optional<std::string>& entity, int limit);

    /// `value` is used with Take::Value. `actor` is who decided ("user:alice"). Returns the closed row.
    ConflictRow resolve(std::int64_t id, Take take, const std::optional<std::string>& value, const std::string& actor);

  private:
    store::Webstore& store_;
};

}  // namespace syncline::sync
