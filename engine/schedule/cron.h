#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace syncline::schedule {

/// A cron expression that does not parse. what() is "<reason> at column <column>".
class CronParseError : public std::invalid_argument {
  public:
    CronParseError(int column, std::string reason);

    /// 1-based character position in the expression as written (leading blanks count).
    int column() const { return column_; }
    /// The problem without the position, e.g. "hour 24 out of range 0-23".
    const std::string& reason() const { return reason_; }

  private:
    int column_;
    std::string reason_;
};

/// A parsed cron expression: the seconds, minutes, hours, days of the month, months and days of the week on which it
/// fires, as bit sets. Immutable and cheap to copy; every member may be called from any thread.
///
/// Syntax (Vixie cron, plus an optional seconds field):
///   minute hour day-of-month month day-of-week             5 fields; the second is 0
///   second minute hour day-of-month month day-of-week      6 fields
///   @hourly @daily @midnight @weekly @monthly @yearly @annually
/// A field is a comma-separated list of `*`, `N`, `N-M`, `*/S`, `N-M/S` and `N/S` (= N through the field's
/// maximum, step S). Months take JAN-DEC, days of the week SUN-SAT (any case); day of week 0 and 7 are Sunday,
/// and a range ending in Sunday (`FRI-SUN`) wraps to 7. Unsupported: `?`, `L`, `W`, `#`, @reboot.
///
/// Day rule (Vixie): a day matches when its month matches and, if both the day-of-month and the day-of-week field
/// are restricted, EITHER matches; otherwise both must. A field is unrestricted when it is written `*` or `*/S`
/// (as in Vixie cron, `*/2` counts as unrestricted: `0 0 */2 * MON` fires on odd days that are Mondays).
/// An expression whose days of the month never occur in its months (`0 0 30 FEB *`) is refused.
class CronExpression {
  public:
    /// Parses `text`. Throws CronParseError naming the column of the offending character.
    static CronExpression parse(std::string_view text);

    /// Whether the wall-clock time `time` (to the second) matches.
    bool matches(std::chrono::local_seconds time) const;
    /// Whether some time on `day` matches: its month, and its day of month and day of week by the day rule.
    bool matchesDay(std::chrono::year_month_day day) const;

    /// The first wall-clock time at or after `from` that matches, if there is one before `limit`.
    std::optional<std::chrono::local_seconds> nextMatch(std::chrono::local_seconds from,
                                                        std::chrono::local_seconds limit) const;

    /// Canonical text that parses back to an equal expression: lists and ranges (`1-5,7`), `*` for an
    /// unrestricted field, `*/S` where the field was written so; six fields when the seconds field was written.
    std::string format() const;

    /// The text that was parsed, trimmed.
    const std::string& text() const { return text_; }
    /// Whether the expression was written with a seconds field.
    bool hasSecondsField() const { return has_seconds_field_; }
    /// Whether the hour field is `*` or `*/S`: such expressions fire at every instant whose wall-clock time matches
    /// across daylight-saving changes; the others fire once at a time skipped or repeated (see Schedule).
    bool wildcardHour() const { return hour_star_; }
    /// Whether the day-of-month / day-of-week field is `*` or `*/S` (unrestricted, for the day rule).
    bool dayOfMonthUnrestricted() const { return day_of_month_star_; }
    bool dayOfWeekUnrestricted() const { return day_of_week_star_; }

    const std::bitset<60>& seconds() const { return seconds_; }
    const std::bitset<60>& minutes() const { return minutes_; }
    const std::bitset<24>& hours() const { return hours_; }
    /// Bits 1-31.
    const std::bitset<32>& daysOfMonth() const { return days_of_month_; }
    /// Bits 1-12.
    const std::bitset<13>& months() const { return months_; }
    /// Bits 0-6, 0 = Sunday.
    const std::bitset<7>& daysOfWeek() const { return days_of_week_; }

    /// Same firing times: compares the fields and their restricted flags, not the text.
    bool operator==(const CronExpression& other) const;

  private:
    friend class CronParser;
    CronExpression() = default;

    std::string text_;
    bool has_seconds_field_ = false;
    std::bitset<60> seconds_;
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_of_month_;
    std::bitset<13> months_;
    std::bitset<7> days_of_week_;
    bool hour_star_ = false;
    bool day_of_month_star_ = false;
    bool day_of_week_star_ = false;
};

}  // namespace syncline::schedule
