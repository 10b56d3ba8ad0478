#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "engine/connector/stream_config.h"

namespace syncline::connector {

/// Turns one source value into the canonical text of a config-driven connector's field (see FieldType), so every
/// connector and every ERP delivers the same text for the same value: "12.5" whether the driver said "12.500000",
/// " 12,5" or "+0012.50".
///
/// Rules, per type (ASCII whitespace counts as space):
/// - Text: trailing whitespace removed (CHAR padding), the rest kept as is.
/// - Code: leading and trailing whitespace removed.
/// - Decimal: trimmed; an optional sign, digits, at most one '.' or one ',' as the decimal separator and at least one
///   digit; no exponent, NaN, infinity, thousands separator or inner space. Shortest exact form: "12.500000" → "12.5",
///   "007" → "7", ".5" → "0.5", "-0.0" → "0", "5." → "5". More than 6 decimals only when the extra ones are zeros.
///   The integer part is not range-checked here (the canonical model does that).
/// - Flag: trimmed, case-insensitive Y/N, J/N, 1/0, true/false, t/f, yes/no, X/'' → "1" / "0".
/// - Date: 'YYYY-MM-DD', optionally followed by ' ' or 'T' and a valid time (as for Timestamp), which is dropped.
///   A real calendar date (leap years), years 0001-9999.
/// - Timestamp: 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DDTHH:MM:SS', each with an optional fraction of any
///   length → "YYYY-MM-DD HH:MM:SS[.ffffff]": a date alone gets 00:00:00, trailing fraction zeros are dropped, a
///   fraction finer than microseconds must be zeros. Hours 00-23, minutes and seconds 00-59; no time zone.
///
/// Missing values: NULL, or a value that is empty after trimming, is replaced by the mapping's default_value when it
/// has one (the default is normalized like a source value, so a Text/Code default gets the prefix and a Decimal
/// default is canonical); without a default the result is NULL (std::nullopt) — also for Text and Code, where an
/// empty string becomes NULL rather than "" (stream_config.h's "empty stays empty" predates this rule). The one
/// exception is Flag: an empty (not NULL) flag is the '' of the X/'' convention and gives "0" when there is no default.
///
/// `prefix` is prepended to every non-NULL Text and Code result; other types ignore it.
///
/// Returns the canonical text, or std::nullopt for NULL. On a value that does not fit the type, returns std::nullopt
/// and sets `*error` (when `error` is not null) to a short reason for an administrator, without the field name:
/// "'12,5.3' is not a decimal number". `*error` is left alone on success.
/// Pure function: any thread, never blocks, never throws except std::bad_alloc.
std::optional<std::string> normalizeField(const FieldMapping& mapping, const std::optional<std::string>& raw,
                                          std::string* error);

/// normalizeField without copying the source value into a std::string (for connectors reading from driver buffers).
std::optional<std::string> normalizeFieldText(const FieldMapping& mapping, std::optional<std::string_view> raw,
                                              std::string* error);

/// Why the mapping's default_value cannot be used ("default 'abc' is not a decimal number"), or std::nullopt when it
/// has none or it normalizes cleanly. For config validation. Pure: any thread, never throws except std::bad_alloc.
std::optional<std::string> defaultValueError(const FieldMapping& mapping);

}  // namespace syncline::connector
