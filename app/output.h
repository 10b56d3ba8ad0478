#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace syncline::app {

/// Rows for a listing command: printed as an aligned text table, or as a JSON array of objects
/// with `--json` (a stable contract: keys are the column names, values keep their JSON types).
class Listing {
  public:
    explicit Listing(std::vector<std::string> columns) : columns_(std::move(columns)) {}

    /// One row; `values` in column order. Strings, integers and null are allowed.
    void add(std::vector<nlohmann::json> values);

    std::string text() const;
    nlohmann::json json() const;
    void print(bool as_json) const;
    std::size_t size() const { return rows_.size(); }

  private:
    std::vector<std::string> columns_;
    std::vector<std::vector<nlohmann::json>> rows_;
};

}  // namespace syncline::app
