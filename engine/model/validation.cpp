#include "engine/model/validation.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string_view>

#include "engine/model/currency.h"
#include "engine/model/iso_date.h"

namespace syncline::model {
namespace {

using Reason = std::optional<std::string>;

constexpr std::size_t kMaxDisplayedCharacters = 64;

enum class Lines { Single, Multi };

struct CodePoint {
    char32_t value;
    std::size_t length;
};

struct LeadByte {
    std::size_t length;
    char32_t bits;
    char32_t smallest;  // anything below is an overlong encoding
};

std::optional<LeadByte> classifyLeadByte(unsigned char lead) {
    if ((lead & 0xE0) == 0xC0) {
        return LeadByte{2, lead & 0x1Fu, 0x80};
    }
    if ((lead & 0xF0) == 0xE0) {
        return LeadByte{3, lead & 0x0Fu, 0x800};
    }
    if ((lead & 0xF8) == 0xF0) {
        return LeadByte{4, lead & 0x07u, 0x10000};
    }
    return std::nullopt;
}

// Decodes the UTF-8 sequence at text[pos]; nullopt for malformed, overlong, surrogate or out-of-range sequences.
std::optional<CodePoint> decodeUtf8(std::string_view text, std::size_t pos) {
    const auto lead = static_cast<unsigned char>(text[pos]);
    if (lead < 0x80) {
        return CodePoint{lead, 1};
    }
    const std::optional<LeadByte> kind = classifyLeadByte(lead);
    if (!kind) {
        return std::nullopt;
    }
    const std::size_t length = kind->length;
    char32_t value = kind->bits;
    if (pos + length > text.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[pos + i]);
        if ((next & 0xC0) != 0x80) {
            return std::nullopt;
        }
        value = (value << 6) | (next & 0x3F);
    }
    if (value < kind->smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        return std::nullopt;
    }
    return CodePoint{value, length};
}

// C0, DEL and C1; C1 characters usually mean Windows-1252 text was decoded as Latin-1 somewhere upstream.
bool isControl(char32_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F);
}

bool isLineBreakOrTab(char32_t c) {
    return c == '\t' || c == '\n' || c == '\r';
}

void appendHexEscapes(std::string& out, std::string_view bytes) {
    constexpr char kHex[] = "0123456789ABCDEF";
    for (char byte : bytes) {
        const auto b = static_cast<unsigned char>(byte);
        out += "\\x";
        out += kHex[b >> 4];
        out += kHex[b & 0x0F];
    }
}

// A log- and database-safe excerpt of raw ERP text.
std::string displayValue(std::string_view raw) {
    std::string out;
    std::size_t characters = 0;
    for (std::size_t pos = 0; pos < raw.size(); ++characters) {
        if (characters == kMaxDisplayedCharacters) {
            out += "...";
            break;
        }
        const std::optional<CodePoint> cp = decodeUtf8(raw, pos);
        const std::size_t length = cp ? cp->length : 1;
        const std::string_view bytes = raw.substr(pos, length);
        if (!cp || isControl(cp->value)) {
            appendHexEscapes(out, bytes);
        } else {
            if (cp->value == '"' || cp->value == '\\') {
                out += '\\';
            }
            out += bytes;
        }
        pos += length;
    }
    return out;
}

bool isBlank(std::string_view value) {
    return value.find_first_not_of(' ') == std::string_view::npos;
}

Reason textReason(std::string_view value, std::size_t max_characters, Lines lines) {
    std::size_t characters = 0;
    for (std::size_t pos = 0; pos < value.size(); ++characters) {
        const std::optional<CodePoint> cp = decodeUtf8(value, pos);
        if (!cp) {
            return "is not valid UTF-8";
        }
        if (isControl(cp->value) && !(lines == Lines::Multi && isLineBreakOrTab(cp->value))) {
            return "contains control characters";
        }
        pos += cp->length;
    }
    if (characters > max_characters) {
        return "is longer than " + std::to_string(max_characters) + " characters";
    }
    return std::nullopt;
}

Reason requiredTextReason(std::string_view value, std::size_t max_characters) {
    if (isBlank(value)) {
        return "is required";
    }
    return textReason(value, max_characters, Lines::Single);
}

Reason keyReason(std::string_view value) {
    if (Reason reason = requiredTextReason(value, kMaxKeyLength)) {
        return reason;
    }
    if (value.front() == ' ' || value.back() == ' ') {
        return "must not start or end with spaces";
    }
    return std::nullopt;
}

Reason optionalKeyReason(std::string_view value) {
    return value.empty() ? std::nullopt : keyReason(value);
}

Reason currencyReason(std::string_view code) {
    if (code.empty()) {
        return "is required";
    }
    std::string why;
    if (!Currency::fromCode(code, &why)) {
        return why;
    }
    return std::nullopt;
}

Reason timestampReason(std::string_view value) {
    if (value.empty()) {
        return "is required";
    }
    if (!isIsoDateTime(value)) {
        return "must be an ISO-8601 timestamp like 2026-03-01T10:15:00Z";
    }
    return std::nullopt;
}

// The ERP's change time is optional: a connector whose source has no such column leaves it empty.
Reason optionalTimestampReason(std::string_view value) {
    return value.empty() ? std::nullopt : timestampReason(value);
}

Reason dateReason(std::string_view value) {
    if (value.empty()) {
        return "is required";
    }
    if (!isIsoDate(value)) {
        return "must be a real calendar date YYYY-MM-DD";
    }
    return std::nullopt;
}

Reason emailReason(std::string_view value) {
    if (value.empty()) {
        return std::nullopt;
    }
    if (Reason reason = textReason(value, kMaxEmailLength, Lines::Single)) {
        return reason;
    }
    const std::size_t at = value.find('@');
    const std::string_view domain = at == std::string_view::npos ? "" : value.substr(at + 1);
    const std::size_t dot = domain.find('.');
    const bool looks_valid = at > 0 && domain.find('@') == std::string_view::npos && dot != std::string_view::npos &&
                             dot > 0 && domain.back() != '.' && value.find(' ') == std::string_view::npos;
    return looks_valid ? std::nullopt : Reason("is not an email address");
}

Reason nonNegativeReason(const Decimal& value) {
    return value.isNegative() ? Reason("must not be negative") : std::nullopt;
}

Reason positiveReason(const Decimal& value) {
    return value > Decimal() ? std::nullopt : Reason("must be greater than 0");
}

// An amount as an administrator expects to see it: with the currency's minor digits when the currency is known.
std::string amountText(const Decimal& amount, std::string_view currency_code) {
    const std::optional<Currency> currency = Currency::fromCode(currency_code);
    const int minor_digits = currency ? currency->minorDigits() : 0;
    return amount.toString(std::max(minor_digits, amount.fractionalDigits()));
}

class Findings {
  public:
    void check(std::string field, std::string_view value, Reason reason) {
        if (reason) {
            errors_.push_back(FieldError{std::move(field), displayValue(value), std::move(*reason)});
        }
    }

    std::vector<FieldError> take() { return std::move(errors_); }

  private:
    std::vector<FieldError> errors_;
};

void checkScope(Findings& findings, const PriceRule& rule) {
    const std::string_view key = rule.scope_key;
    if (rule.scope == PriceScope::Everyone) {
        findings.check("scope_key", key, key.empty() ? std::nullopt : Reason("must be empty when scope is everyone"));
    } else if (key.empty()) {
        findings.check("scope_key", key, "is required when scope is " + std::string(toString(rule.scope)));
    } else {
        findings.check("scope_key", key, keyReason(key));
    }
}

void checkQuantityBand(Findings& findings, const PriceRule& rule) {
    findings.check("min_quantity", rule.min_quantity.toString(), nonNegativeReason(rule.min_quantity));
    if (rule.max_quantity && *rule.max_quantity <= rule.min_quantity) {
        findings.check("max_quantity", rule.max_quantity->toString(),
                       "must be greater than min_quantity (" + rule.min_quantity.toString() + ")");
    }
}

Reason discountReason(const Decimal& percent) {
    const bool in_range = percent > Decimal() && percent <= Decimal::fromInt(100);
    return in_range ? std::nullopt : Reason("must be greater than 0 and at most 100");
}

void checkPriceAndCurrency(Findings& findings, const PriceRule& rule) {
    if (rule.unit_price && rule.discount_percent) {
        findings.check("discount_percent", rule.discount_percent->toString(),
                       "must not be set together with unit_price");
    } else if (rule.unit_price) {
        findings.check("unit_price", amountText(*rule.unit_price, rule.currency), nonNegativeReason(*rule.unit_price));
    } else if (rule.discount_percent) {
        findings.check("discount_percent", rule.discount_percent->toString(), discountReason(*rule.discount_percent));
    } else {
        findings.check("unit_price", "", "set either unit_price or discount_percent");
    }
    const bool currency_needed = rule.unit_price.has_value() || !rule.currency.empty();
    findings.check("currency", rule.currency, currency_needed ? currencyReason(rule.currency) : std::nullopt);
}

void checkValidity(Findings& findings, const PriceRule& rule) {
    const Reason from_reason = dateReason(rule.valid_from);
    findings.check("valid_from", rule.valid_from, from_reason);
    if (!rule.valid_to) {
        return;
    }
    Reason to_reason = dateReason(*rule.valid_to);
    if (!to_reason && !from_reason && *rule.valid_to < rule.valid_from) {
        to_reason = "must not be before valid_from (" + rule.valid_from + ")";
    }
    findings.check("valid_to", *rule.valid_to, std::move(to_reason));
}

void checkLine(Findings& findings, const OrderLine& line, const std::string& prefix, std::string_view currency,
               std::map<int, std::size_t>& first_index_of_line_no, std::size_t index) {
    Reason line_no_reason = line.line_no > 0 ? std::nullopt : Reason("must be greater than 0");
    const auto [first, inserted] = first_index_of_line_no.emplace(line.line_no, index);
    if (!line_no_reason && !inserted) {
        line_no_reason = "duplicate line number (also lines[" + std::to_string(first->second) + "])";
    }
    findings.check(prefix + "line_no", std::to_string(line.line_no), std::move(line_no_reason));
    findings.check(prefix + "sku", line.sku, keyReason(line.sku));
    findings.check(prefix + "quantity", line.quantity.toString(), positiveReason(line.quantity));
    findings.check(prefix + "unit_price", amountText(line.unit_price, currency), nonNegativeReason(line.unit_price));
    if (line.note) {
        findings.check(prefix + "note", *line.note, textReason(*line.note, kMaxNoteLength, Lines::Multi));
    }
}

}  // namespace

std::vector<FieldError> validate(const Product& product) {
    Findings findings;
    findings.check("sku", product.sku, keyReason(product.sku));
    findings.check("name", product.name, requiredTextReason(product.name, kMaxNameLength));
    findings.check("description", product.description,
                   textReason(product.description, kMaxDescriptionLength, Lines::Multi));
    findings.check("unit_of_measure", product.unit_of_measure,
                   requiredTextReason(product.unit_of_measure, kMaxUnitOfMeasureLength));
    findings.check("list_price", amountText(product.list_price, product.currency),
                   nonNegativeReason(product.list_price));
    findings.check("currency", product.currency, currencyReason(product.currency));
    findings.check("erp_modified", product.erp_modified, optionalTimestampReason(product.erp_modified));
    return findings.take();
}

std::vector<FieldError> validate(const StockLevel& stock) {
    Findings findings;
    findings.check("sku", stock.sku, keyReason(stock.sku));
    findings.check("warehouse", stock.warehouse, keyReason(stock.warehouse));
    findings.check("erp_modified", stock.erp_modified, optionalTimestampReason(stock.erp_modified));
    return findings.take();
}

std::vector<FieldError> validate(const Customer& customer) {
    Findings findings;
    findings.check("code", customer.code, keyReason(customer.code));
    findings.check("name", customer.name, requiredTextReason(customer.name, kMaxNameLength));
    findings.check("customer_group", customer.customer_group, optionalKeyReason(customer.customer_group));
    findings.check("price_list", customer.price_list, optionalKeyReason(customer.price_list));
    findings.check("currency", customer.currency, currencyReason(customer.currency));
    findings.check("email", customer.email, emailReason(customer.email));
    findings.check("erp_modified", customer.erp_modified, optionalTimestampReason(customer.erp_modified));
    return findings.take();
}

std::vector<FieldError> validate(const PriceRule& rule) {
    Findings findings;
    findings.check("rule_id", rule.rule_id, keyReason(rule.rule_id));
    findings.check("sku", rule.sku, keyReason(rule.sku));
    checkScope(findings, rule);
    checkQuantityBand(findings, rule);
    checkPriceAndCurrency(findings, rule);
    checkValidity(findings, rule);
    findings.check("erp_modified", rule.erp_modified, optionalTimestampReason(rule.erp_modified));
    return findings.take();
}

std::vector<FieldError> validate(const Order& order) {
    Findings findings;
    findings.check("order_id", order.order_id, keyReason(order.order_id));
    findings.check("customer_code", order.customer_code, keyReason(order.customer_code));
    findings.check("currency", order.currency, currencyReason(order.currency));
    findings.check("placed_at", order.placed_at, timestampReason(order.placed_at));
    findings.check("lines", "", order.lines.empty() ? Reason("an order needs at least one line") : std::nullopt);
    std::map<int, std::size_t> first_index_of_line_no;
    for (std::size_t i = 0; i < order.lines.size(); ++i) {
        const std::string prefix = "lines[" + std::to_string(i) + "].";
        checkLine(findings, order.lines[i], prefix, order.currency, first_index_of_line_no, i);
    }
    return findings.take();
}

std::string describe(const FieldError& error) {
    return "field '" + error.field + "' = \"" + error.value + "\": " + error.reason;
}

}  // namespace syncline::model
