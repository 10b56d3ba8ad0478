#include "engine/model/iso_date.h"

#include <gtest/gtest.h>

namespace syncline::model {
namespace {

TEST(IsoDate, AcceptsRealCalendarDates) {
    for (std::string_view text :
         {"2026-03-01", "2024-02-29", "2000-02-29", "2026-12-31", "2026-04-30", "0001-01-01", "9999-12-31"}) {
        EXPECT_TRUE(isIsoDate(text)) << text;
    }
}

TEST(IsoDate, RejectsImpossibleAndMalformedDates) {
    for (std::string_view text : {"2026-02-30", "2026-02-29", "1900-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
                                  "2026-01-00", "0000-01-01", "2026-4-01", "26-04-01", "2026/04/01", "2026-04-01 ",
                                  " 2026-04-01", "", "2026-04-01T00:00", "2026-O4-01", "+202-04-01"}) {
        EXPECT_FALSE(isIsoDate(text)) << text;
    }
}

TEST(IsoDateTime, AcceptsCommonErpAndDatabaseForms) {
    for (std::string_view text : {"2026-03-01", "2026-03-01T10:15", "2026-03-01T10:15:00Z", "2026-03-01 10:15:00",
                                  "2026-03-01T10:15:00.123456789+01:00", "2026-03-01T23:59:59-0530",
                                  "2026-03-01 10:15:00+01", "2024-02-29T00:00:00.5Z"}) {
        EXPECT_TRUE(isIsoDateTime(text)) << text;
    }
}

TEST(IsoDateTime, RejectsImpossibleAndMalformedTimestamps) {
    for (std::string_view text :
         {"", "yesterday", "2026-03-01T24:00:00", "2026-03-01T10:60", "2026-03-01T10:15:60", "2026-03-01T10:15:00.",
          "2026-03-01T10:15:00.1234567890", "2026-03-01T10:15:00+25:00", "2026-03-01T10:15:00+01:0",
          "2026-03-01T10:15:00+01:60", "2026-03-01X10:15", "2026-02-30T10:15:00", "2026-03-01T10", "2026-03-01T",
          "2026-03-01T10:15:00ZZ", "2026-03-01T1:15", "2026-03-01T10:15:00 ", "01.03.2026 10:15"}) {
        EXPECT_FALSE(isIsoDateTime(text)) << text;
    }
}

}  // namespace
}  // namespace syncline::model
