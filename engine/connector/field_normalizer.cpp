#include "engine/connector/field_normalizer.h"

#include <algorithm>
#include <array>
#include <utility>

namespace syncline::connector {

namespace {

constexpr std::size_t kMaxQuotedValue = 60;
constexpr std::size_t kMaxDecimals = 6;
constexpr std::size_t kMaxFraction = 6;

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isDigit(char c) {
    return c >= '0' && c <= '9';
}
char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string_view trimRight(std::string_view text) {
    while (!text.empty() && isSpace(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}
std::string_view trim(std::string_view text) {
    while (!text.empty() && isSpace(text.front())) {
        text.remove_prefix(1);
    }
    return trimRight(text);
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

// The value as shown in an error message: quoted, cut when long.
std::string quoted(std::string_view text) {
    if (text.size() > kMaxQuotedValue) {
        return "'" + std::string(text.substr(0, kMaxQuotedValue)) + "...'";
    }
    return "'" + std::string(text) + "'";
}

void fail(std::string* error, std::string message) {
    if (error != nullptr) {
        *error = std::move(message);
    }
}

// Parses `count` digits at `pos` into `value`; false when any is not a digit.
bool digitsAt(std::string_view text, std::size_t pos, std::size_t count, int& value) {
    if (pos + count > text.size()) {
        return false;
    }
    value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!isDigit(text[i])) {
            return false;
        }
        value = value * 10 + (text[i] - '0');
    }
    return true;
}

int daysInMonth(int year, int month) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : kDays[static_cast<std::size_t>(month - 1)];
}

// 'YYYY-MM-DD' at the start of `text`, a real calendar date.
bool isDateAt(std::string_view text) {
    int year = 0, month = 0, day = 0;
    return text.size() >= 10 && digitsAt(text, 0, 4, year) && text[4] == '-' && digitsAt(text, 5, 2, month) &&
           text[7] == '-' && digitsAt(text, 8, 2, day) && year >= 1 && month >= 1 && month <= 12 && day >= 1 &&
           day <= daysInMonth(year, month);
}

// 'HH:MM:SS[.f...]' as all of `text`: the length of its canonical form "HH:MM:SS[.ffffff]", which is a prefix of it
// (a fraction loses its trailing zeros, or all of it when it is zero); 0 when it is not a time. `sub_microsecond` is
// set when the only fault is a non-zero fraction finer than microseconds.
std::size_t canonicalTimeLength(std::string_view text, bool& sub_microsecond) {
    constexpr std::size_t kSeconds = 8;  // "HH:MM:SS"
    int hour = 0, minute = 0, second = 0;
    if (text.size() < kSeconds || !digitsAt(text, 0, 2, hour) || text[2] != ':' || !digitsAt(text, 3, 2, minute) ||
        text[5] != ':' || !digitsAt(text, 6, 2, second) || hour > 23 || minute > 59 || second > 59) {
        return 0;
    }
    if (text.size() == kSeconds) {
        return kSeconds;
    }
    std::string_view fraction = text.substr(kSeconds + 1);
    if (text[kSeconds] != '.' || fraction.empty()) {
        return 0;
    }
    for (char c : fraction) {
        if (!isDigit(c)) {
            return 0;
        }
    }
    while (!fraction.empty() && fraction.back() == '0') {
        fraction.remove_suffix(1);
    }
    if (fraction.size() > kMaxFraction) {
        sub_microsecond = true;
        return 0;
    }
    return fraction.empty() ? kSeconds : kSeconds + 1 + fraction.size();
}

// "YYYY-MM-DD HH:MM:SS[.ffffff]" of a date with an optional ' ' or 'T' time part; nullopt and `error` otherwise.
// `date_only` keeps just the date (FieldType::Date).
std::optional<std::string> normalizeDateTime(std::string_view text, bool date_only, std::string* error) {
    constexpr std::size_t kDate = 10;  // "YYYY-MM-DD"
    bool sub_microsecond = false;
    std::size_t time_length = 0;
    const bool ok =
        isDateAt(text) &&
        (text.size() == kDate || ((text[kDate] == ' ' || text[kDate] == 'T') &&
                                  (time_length = canonicalTimeLength(text.substr(kDate + 1), sub_microsecond)) > 0));
    if (!ok) {
        const char* const expected = date_only ? "a date (YYYY-MM-DD)" : "a timestamp (YYYY-MM-DD[ HH:MM:SS[.ffffff]])";
        fail(error,
             sub_microsecond ? quoted(text) + " is finer than microseconds" : quoted(text) + " is not " + expected);
        return std::nullopt;
    }
    std::string out;
    out.reserve(date_only ? kDate : kDate + 1 + std::max<std::size_t>(time_length, 8));
    out.append(text.substr(0, kDate));
    if (!date_only) {
        out += ' ';
        out.append(time_length > 0 ? text.substr(kDate + 1, time_length) : std::string_view("00:00:00"));
    }
    return out;
}

std::optional<std::string> normalizeDecimal(std::string_view text, std::string* error) {
    std::size_t pos = 0;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        negative = text[pos] == '-';
        ++pos;
    }
    const std::size_t int_begin = pos;
    while (pos < text.size() && isDigit(text[pos])) {
        ++pos;
    }
    std::string_view integer = text.substr(int_begin, pos - int_begin);
    std::string_view fraction;
    if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        const std::size_t fraction_begin = ++pos;
        while (pos < text.size() && isDigit(text[pos])) {
            ++pos;
        }
        fraction = text.substr(fraction_begin, pos - fraction_begin);
    }
    if (pos != text.size() || (integer.empty() && fraction.empty())) {
        fail(error, quoted(text) + " is not a decimal number");
        return std::nullopt;
    }
    while (!integer.empty() && integer.front() == '0') {
        integer.remove_prefix(1);
    }
    while (!fraction.empty() && fraction.back() == '0') {
        fraction.remove_suffix(1);
    }
    if (fraction.size() > kMaxDecimals) {
        fail(error, quoted(text) + " has more than 6 decimal places");
        return std::nullopt;
    }
    std::string out;
    if (negative && (!integer.empty() || !fraction.empty())) {
        out += '-';  // never "-0"
    }
    if (integer.empty()) {
        out += '0';
    } else {
        out.append(integer);
    }
    if (!fraction.empty()) {
        out += '.';
        out.append(fraction);
    }
    return out;
}

std::optional<std::string> normalizeFlag(std::string_view text, std::string* error) {
    static constexpr std::array<std::string_view, 7> kTrue = {"y", "j", "1", "true", "t", "yes", "x"};
    static constexpr std::array<std::string_view, 5> kFalse = {"n", "0", "false", "f", "no"};
    for (std::string_view word : kTrue) {
        if (equalsIgnoreCase(text, word)) {
            return "1";
        }
    }
    for (std::string_view word : kFalse) {
        if (equalsIgnoreCase(text, word)) {
            return "0";
        }
    }
    fail(error, quoted(text) + " is not a flag (Y/N, J/N, 1/0, true/false, t/f, yes/no, X/'')");
    return std::nullopt;
}

std::string withPrefix(const std::string& prefix, std::string_view value) {
    std::string out;
    out.reserve(prefix.size() + value.size());
    out.append(prefix).append(value);
    return out;
}

// A present, non-blank value of the mapping's type: `value` as the source gave it, `trimmed` the same without
// leading and trailing space (a view into `value`).
std::optional<std::string> convert(const FieldMapping& mapping, std::string_view value, std::string_view trimmed,
                                   std::string* error) {
    switch (mapping.type) {
        case FieldType::Text:  // leading space kept: only the end of trimmed ends the value
            return withPrefix(mapping.prefix, value.substr(0, static_cast<std::size_t>(trimmed.data() - value.data()) +
                                                                  trimmed.size()));
        case FieldType::Code:
            return withPrefix(mapping.prefix, trimmed);
        case FieldType::Decimal:
            return normalizeDecimal(trimmed, error);
        case FieldType::Flag:
            return normalizeFlag(trimmed, error);
        case FieldType::Date:
            return normalizeDateTime(trimmed, true, error);
        case FieldType::Timestamp:
            return normalizeDateTime(trimmed, false, error);
    }
    fail(error, "unknown field type");
    return std::nullopt;
}

}  // namespace

std::optional<std::string> normalizeFieldText(const FieldMapping& mapping, std::optional<std::string_view> raw,
                                              std::string* error) {
    if (raw) {
        if (const std::string_view trimmed = trim(*raw); !trimmed.empty()) {
            return convert(mapping, *raw, trimmed, error);
        }
    }
    const std::string_view fallback = mapping.default_value ? trim(*mapping.default_value) : std::string_view();
    if (!fallback.empty()) {
        std::string why;
        auto value = convert(mapping, *mapping.default_value, fallback, &why);
        if (!value) {
            fail(error, "default " + why);
        }
        return value;
    }
    if (raw && mapping.type == FieldType::Flag) {
        return "0";  // the '' of X/''
    }
    return std::nullopt;
}

std::optional<std::string> normalizeField(const FieldMapping& mapping, const std::optional<std::string>& raw,
                                          std::string* error) {
    return raw ? normalizeFieldText(mapping, std::string_view(*raw), error)
               : normalizeFieldText(mapping, std::nullopt, error);
}

std::optional<std::string> defaultValueError(const FieldMapping& mapping) {
    if (!mapping.default_value) {
        return std::nullopt;
    }
    std::string why;
    if (!normalizeFieldText(mapping, std::nullopt, &why) && !why.empty()) {
        return why;
    }
    return std::nullopt;
}

}  // namespace syncline::connector
