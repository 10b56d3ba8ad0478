#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncline::model {

/// An active ISO 4217 currency: its three-letter alphabetic code and the number of minor-unit digits
/// (EUR 2, JPY 0, KWD 3, CLF 4). Values only come from the built-in table, so a Currency is always valid;
/// there is deliberately no default constructor. Precious metals, testing and "no currency" codes (XAU, XTS,
/// XXX, ...) have no minor unit and are not in the table. A plain value type, thread-compatible.
class Currency {
  public:
    /// Looks `code` up in the table. Case-sensitive: "eur" is rejected. On failure returns nullopt and, if `why` is
    /// given, sets it to "currency code must be three uppercase letters (ISO 4217)" or
    /// "unknown ISO 4217 currency code". Never throws.
    static std::optional<Currency> fromCode(std::string_view code, std::string* why = nullptr);

    /// Like fromCode() but throws std::invalid_argument (naming the code and the reason); for codes known in
    /// advance, such as literals and configuration already validated.
    static Currency of(std::string_view code);

    /// Every currency in the table, sorted by code.
    static const std::vector<Currency>& all();

    /// The three-letter code, e.g. "EUR"; valid as long as this object lives.
    std::string_view code() const { return {code_.data(), code_.size()}; }

    /// Digits after the decimal point in the currency's minor unit (0..4).
    int minorDigits() const { return minor_digits_; }

    bool operator==(const Currency&) const = default;

  private:
    Currency(std::string_view code, int minor_digits);

    std::array<char, 3> code_;
    std::int8_t minor_digits_;
};

/// Writes the code.
std::ostream& operator<<(std::ostream& out, const Currency& currency);

}  // namespace syncline::model
