#pragma once

#include <optional>
#include <string>
#include <vector>

namespace syncline::connector {

/// How a config-driven connector turns one source column into a canonical field's text.
enum class FieldType {
    Text,     ///< as is, trailing spaces removed (CHAR padding); empty stays empty
    Code,     ///< a key or code: leading and trailing spaces removed
    Decimal,  ///< a number as returned by the driver ("12.500000", "12,5", " 7", "1E2" is refused) → "12.5"
    Flag,     ///< 'Y'/'N', '1'/'0', 'true'/'false', 'J'/'N', 'X'/'' (case-insensitive) → "1" / "0"
    Date,     ///< 'YYYY-MM-DD' with any time part dropped → "YYYY-MM-DD"
    /// 'YYYY-MM-DD[ T]HH:MM:SS[.ffffff]' → "YYYY-MM-DD HH:MM:SS[.ffffff]" (trailing fraction zeros dropped, the
    /// source's local time kept as is). The SQL literal form, so a watermark made of it can be bound back into the
    /// ERP's incremental query and compares right both as a timestamp and as text.
    Timestamp,
};

/// Stable lower-case name, as written in the config ("text", "code", "decimal", "flag", "date", "timestamp").
std::string toString(FieldType type);
std::optional<FieldType> parseFieldType(const std::string& name);

/// One canonical field of a stream and where its value comes from.
struct FieldMapping {
    std::string field;   ///< canonical field name, e.g. "sku"
    std::string column;  ///< source column (result-set column name, case-insensitive)
    FieldType type = FieldType::Text;
    std::string prefix;                        ///< prepended to a non-empty value (codes that need a prefix)
    std::optional<std::string> default_value;  ///< used when the column is NULL (or empty after trimming)
};

/// One stream (products, stock, customers, price_rules) of a config-driven connector: how its fields are mapped.
/// Where the rows come from (an SQL query, a request, a file) is the connector's own setting.
struct StreamConfig {
    std::string stream;
    std::string cursor_field;  ///< the mapped field whose maximum becomes the next cursor (field_cursor.h)
    int batch_size = 5000;     ///< rows per batch
    std::vector<FieldMapping> fields;
};

}  // namespace syncline::connector
