#include "engine/model/iso_date.h"

#include <optional>

namespace syncline::model {
namespace {

// Reads exactly `count` digits at `pos`; nullopt if any is missing or not a digit.
std::optional<int> readDigits(std::string_view text, std::size_t pos, std::size_t count) {
    if (pos + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool isLeapYear(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
    constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kDays[month - 1];
}

// "HH:MM" or "HH:MM:SS[.f{1,9}]" at the start of text; returns the length consumed, or nullopt.
std::optional<std::size_t> timeLength(std::string_view text) {
    const auto hour = readDigits(text, 0, 2);
    const auto minute = readDigits(text, 3, 2);
    if (!hour || !minute || text[2] != ':' || *hour > 23 || *minute > 59) {
        return std::nullopt;
    }
    if (text.size() == 5 || text[5] != ':') {
        return 5;
    }
    const auto second = readDigits(text, 6, 2);
    if (!second || *second > 59) {
        return std::nullopt;
    }
    std::size_t end = 8;
    if (end < text.size() && text[end] == '.') {
        const std::size_t digits_start = ++end;
        while (end < text.size() && text[end] >= '0' && text[end] <= '9') {
            ++end;
        }
        if (end == digits_start || end - digits_start > 9) {
            return std::nullopt;
        }
    }
    return end;
}

// "" (local time), "Z", "±HH", "±HHMM" or "±HH:MM".
bool isZone(std::string_view text) {
    if (text.empty() || text == "Z") {
        return true;
    }
    if (text[0] != '+' && text[0] != '-') {
        return false;
    }
    const auto hour = readDigits(text, 1, 2);
    if (!hour || *hour > 23) {
        return false;
    }
    std::string_view minutes = text.substr(3);
    if (minutes.empty()) {
        return true;
    }
    if (minutes[0] == ':') {
        minutes.remove_prefix(1);
    }
    const auto minute = readDigits(minutes, 0, 2);
    return minute && *minute <= 59 && minutes.size() == 2;
}

}  // namespace

bool isIsoDate(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        return false;
    }
    const auto year = readDigits(text, 0, 4);
    const auto month = readDigits(text, 5, 2);
    const auto day = readDigits(text, 8, 2);
    if (!year || !month || !day || *year < 1 || *month < 1 || *month > 12) {
        return false;
    }
    return *day >= 1 && *day <= daysInMonth(*year, *month);
}

bool isIsoDateTime(std::string_view text) {
    if (!isIsoDate(text.substr(0, 10))) {
        return false;
    }
    if (text.size() == 10) {
        return true;
    }
    if (text[10] != 'T' && text[10] != ' ') {
        return false;
    }
    const std::string_view rest = text.substr(11);
    const std::optional<std::size_t> time_length = timeLength(rest);
    return time_length && isZone(rest.substr(*time_length));
}

}  // namespace syncline::model
