#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "seeded_random.h"

namespace syncline::demo_erp {

/// Dates and timestamps of the demo ERP, relative to an "as of" day. Days count from 1970-01-01, timestamps are
/// seconds from 1970-01-01 00:00:00 in ERP local time (the ERP stores no time zone, like most mid-market ERPs).
class ErpCalendar {
  public:
    static constexpr int64_t kSecondsPerDay = 86400;
    static constexpr size_t kDateSize = 10;       // YYYY-MM-DD
    static constexpr size_t kTimestampSize = 19;  // YYYY-MM-DD HH:MM:SS

    explicit ErpCalendar(int64_t as_of_day) : as_of_day_(as_of_day) {}

    /// Today's date (UTC) as a day number.
    static int64_t today();
    /// Parses YYYY-MM-DD; nullopt when malformed.
    static std::optional<int64_t> parseDate(std::string_view text);
    static void formatDate(int64_t day, char* out);
    static void formatTimestamp(int64_t seconds, char* out);

    int64_t asOfDay() const { return as_of_day_; }

    /// A ModifiedDate in the year before the as-of day. About one in four rows gets one of a few dozen shared
    /// "nightly import" moments, so that many rows carry exactly the same timestamp, as after a mass update in a real
    /// ERP; incremental pulls must not lose rows that tie on the boundary.
    int64_t modifiedTimestamp(SeededRandom& random) const;
    /// A CreateDate at or before `modified`: a third of the rows were never changed after creation.
    int64_t createTimestamp(SeededRandom& random, int64_t modified) const;
    /// A day within [as_of + from_days, as_of + to_days].
    int64_t dayAround(SeededRandom& random, int64_t from_days, int64_t to_days) const;

  private:
    int64_t as_of_day_;
};

}  // namespace syncline::demo_erp
