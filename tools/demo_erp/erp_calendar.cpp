#include "erp_calendar.h"

#include <chrono>

namespace syncline::demo_erp {
namespace {

// Howard Hinnant's civil-calendar algorithms (proleptic Gregorian), exact for the whole int64 day range we use.
struct CivilDate {
    int64_t year;
    unsigned month;
    unsigned day;
};

CivilDate civilFromDays(int64_t z) {
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void putDigits(char* out, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

// Shared moments: every 7th night at 02:00:00, plus the end of a few month-end price runs at 23:59:59.
constexpr int kSharedMoments = 48;

int64_t sharedMoment(int64_t as_of_day, uint64_t k) {
    const int64_t day = as_of_day - 1 - static_cast<int64_t>(k) * 7;
    const int64_t second_of_day = k % 6 == 5 ? 86399 : 7200;
    return day * ErpCalendar::kSecondsPerDay + second_of_day;
}

}  // namespace

int64_t ErpCalendar::today() {
    const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
    return now.time_since_epoch().count();
}

std::optional<int64_t> ErpCalendar::parseDate(std::string_view text) {
    if (text.size() != kDateSize || text[4] != '-' || text[7] != '-') {
        return std::nullopt;
    }
    int64_t parts[3] = {0, 0, 0};
    const size_t starts[3] = {0, 5, 8};
    const size_t sizes[3] = {4, 2, 2};
    for (int p = 0; p < 3; ++p) {
        for (size_t i = 0; i < sizes[p]; ++i) {
            const char c = text[starts[p] + i];
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
            parts[p] = parts[p] * 10 + (c - '0');
        }
    }
    const auto month = static_cast<unsigned>(parts[1]);
    const auto day = static_cast<unsigned>(parts[2]);
    if (parts[0] < 1971 || month < 1 || month > 12 || day < 1 || day > 31) {
        return std::nullopt;
    }
    const int64_t days = daysFromCivil(parts[0], month, day);
    const CivilDate back = civilFromDays(days);
    if (back.month != month || back.day != day) {
        return std::nullopt;  // e.g. 2025-02-30
    }
    return days;
}

void ErpCalendar::formatDate(int64_t day, char* out) {
    const CivilDate date = civilFromDays(day);
    putDigits(out, date.year, 4);
    out[4] = '-';
    putDigits(out + 5, date.month, 2);
    out[7] = '-';
    putDigits(out + 8, date.day, 2);
}

void ErpCalendar::formatTimestamp(int64_t seconds, char* out) {
    const int64_t day = seconds >= 0 ? seconds / kSecondsPerDay : (seconds - kSecondsPerDay + 1) / kSecondsPerDay;
    const int64_t second_of_day = seconds - day * kSecondsPerDay;
    formatDate(day, out);
    out[10] = ' ';
    putDigits(out + 11, second_of_day / 3600, 2);
    out[13] = ':';
    putDigits(out + 14, second_of_day / 60 % 60, 2);
    out[16] = ':';
    putDigits(out + 17, second_of_day % 60, 2);
}

int64_t ErpCalendar::modifiedTimestamp(SeededRandom& random) const {
    if (random.chance(250)) {
        return sharedMoment(as_of_day_, random.below(kSharedMoments));
    }
    const int64_t start = (as_of_day_ - 365) * kSecondsPerDay;
    return start + random.between(0, 365 * kSecondsPerDay - 1);
}

int64_t ErpCalendar::createTimestamp(SeededRandom& random, int64_t modified) const {
    if (random.chance(333)) {
        return modified;
    }
    return modified - random.between(60, 3 * 365 * kSecondsPerDay);
}

int64_t ErpCalendar::dayAround(SeededRandom& random, int64_t from_days, int64_t to_days) const {
    return as_of_day_ + random.between(from_days, to_days);
}

}  // namespace syncline::demo_erp
