#pragma once

#include <string>

namespace syncline::config {

/// A secret read from an environment variable or a file. It has no stream operator and no
/// implicit conversion, so it cannot end up in a log line or an error message by accident.
class Secret {
  public:
    Secret() = default;
    Secret(std::string value, std::string source) : value_(std::move(value)), source_(std::move(source)) {}

    bool empty() const { return value_.empty(); }
    /// The secret itself: pass it to the driver, nowhere else.
    const std::string& reveal() const { return value_; }
    /// Where it came from, safe to show: "environment variable ERP_PASSWORD" or "file /run/secrets/erp".
    const std::string& source() const { return source_; }

  private:
    std::string value_;
    std::string source_;
};

}  // namespace syncline::config
