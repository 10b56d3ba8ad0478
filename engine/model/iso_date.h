#pragma once

#include <string_view>

namespace syncline::model {

/// True for a real Gregorian calendar date written "YYYY-MM-DD", years 0001..9999, leap years included:
/// "2024-02-29" is valid, "2026-02-30", "2026-2-3" and "2026-02-03T00:00" are not. Because the format is fixed,
/// valid dates order correctly as strings.
bool isIsoDate(std::string_view text);

/// True for an ISO-8601 timestamp as ERPs and databases write it: a date as isIsoDate(), optionally followed by
/// 'T' or ' ', "HH:MM" or "HH:MM:SS" with an optional fraction of 1..9 digits, and an optional zone "Z", "±HH",
/// "±HHMM" or "±HH:MM". A date alone is accepted (some ERPs keep only a modification date).
/// Examples: "2026-03-01", "2026-03-01T10:15:00Z", "2026-03-01 10:15:00.123+01:00".
bool isIsoDateTime(std::string_view text);

}  // namespace syncline::model
