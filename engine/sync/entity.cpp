#include "engine/sync/entity.h"

namespace syncline::sync {

std::optional<std::string> RowView::get(const std::string& field) const {
    for (std::size_t i = 0; i < fields_.size() && i < values_.size(); ++i) {
        if (fields_[i] == field) {
            return values_[i];
        }
    }
    return std::nullopt;
}

}  // namespace syncline::sync
