#include "engine/schedule/cron.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include <fmt/format.h>

namespace syncline::schedule {

namespace chr = std::chrono;

namespace {

enum class Names { None, Month, Weekday };

struct FieldSpec {
    std::string_view name;
    int min;
    int max;       // highest value a number may have (7 for the day of week: Sunday again)
    int star_max;  // highest value `*` and `N/S` reach (6 for the day of week)
    Names names = Names::None;
};

constexpr FieldSpec kSecond{"second", 0, 59, 59};
constexpr FieldSpec kMinute{"minute", 0, 59, 59};
constexpr FieldSpec kHour{"hour", 0, 23, 23};
constexpr FieldSpec kDayOfMonth{"day of month", 1, 31, 31};
constexpr FieldSpec kMonth{"month", 1, 12, 12, Names::Month};
constexpr FieldSpec kDayOfWeek{"day of week", 0, 7, 6, Names::Weekday};

constexpr std::array<std::string_view, 12> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                          "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<std::string_view, 7> kDayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

struct Macro {
    std::string_view name;
    std::string_view expansion;
};

constexpr std::array<Macro, 7> kMacros = {{{"@hourly", "0 * * * *"},
                                           {"@daily", "0 0 * * *"},
                                           {"@midnight", "0 0 * * *"},
                                           {"@weekly", "0 0 * * 0"},
                                           {"@monthly", "0 0 1 * *"},
                                           {"@yearly", "0 0 1 1 *"},
                                           {"@annually", "0 0 1 1 *"}}};

// A valid expression matches within this many days of any time (29 February on a given weekday recurs within
// 40 years); it bounds every search.
constexpr chr::days kHorizon{366 * 100};

bool isBlank(char c) {
    return c == ' ' || c == '\t';
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (auto& c : out) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return out;
}

struct Field {
    std::string_view text;
    int column;  // 1-based, in the whole expression
};

struct ParsedField {
    std::bitset<64> bits;
    bool star = false;  // written `*` or `*/S`
};

// One field: a comma-separated list of `*`, `N`, `N-M`, with an optional `/S`.
class FieldParser {
  public:
    FieldParser(const Field& field, const FieldSpec& spec) : text_(field.text), column_(field.column), spec_(spec) {}

    ParsedField parse() {
        ParsedField out;
        out.star = text_.front() == '*' && text_.find(',') == std::string_view::npos;
        while (true) {
            if (atEnd() || peek() == ',') {
                fail(column(), "empty element in the list of the " + std::string(spec_.name) + " field");
            }
            element(out.bits);
            if (atEnd()) {
                return out;
            }
            if (peek() != ',') {
                unexpected();
            }
            ++pos_;
        }
    }

  private:
    [[noreturn]] static void fail(int column, std::string reason) { throw CronParseError(column, std::move(reason)); }

    bool atEnd() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }
    int column() const { return column_ + static_cast<int>(pos_); }

    [[noreturn]] void unexpected() const {
        const char c = peek();
        if (c == '?') {
            fail(column(), "'?' is not supported; write *");
        }
        fail(column(), fmt::format("unexpected '{}' in the {} field", c, spec_.name));
    }

    void element(std::bitset<64>& bits) {
        const int start_column = column();
        int low = 0;
        int high = 0;
        bool range = false;
        if (peek() == '*') {
            ++pos_;
            low = spec_.min;
            high = spec_.star_max;
            range = true;
        } else {
            low = value();
            high = low;
            if (!atEnd() && peek() == '-') {
                ++pos_;
                high = value();
                range = true;
                if (spec_.names == Names::Weekday && high == 0 && low > 0) {
                    high = 7;  // FRI-SUN
                }
                if (high < low) {
                    fail(start_column, fmt::format("{} range {}-{} runs backwards; write the lower value first",
                                                   spec_.name, low, high));
                }
            }
        }
        int step = 1;
        if (!atEnd() && peek() == '/') {
            ++pos_;
            const int step_column = column();
            if (atEnd() || !std::isdigit(static_cast<unsigned char>(peek()))) {
                fail(step_column, fmt::format("expected a step (a number) after '/' in the {} field", spec_.name));
            }
            step = number();
            if (step == 0) {
                fail(step_column, fmt::format("{} step 0 is not allowed; the step must be 1 or more", spec_.name));
            }
            if (!range) {
                high = std::max(low, spec_.star_max);  // N/S: from N to the end of the field (7/S: Sunday)
            }
        }
        for (int v = low; v <= high; v += step) {
            bits.set(spec_.names == Names::Weekday && v == 7 ? 0 : static_cast<std::size_t>(v));
        }
    }

    // Digits, capped so that an absurd value is reported as out of range rather than overflowing.
    int number() {
        long value = 0;
        while (!atEnd() && std::isdigit(static_cast<unsigned char>(peek()))) {
            value = std::min(value * 10 + (peek() - '0'), 1000000000L);
            ++pos_;
        }
        return static_cast<int>(value);
    }

    int value() {
        const int start = column();
        if (atEnd()) {
            fail(start, fmt::format("expected a {} value at the end of the field", spec_.name));
        }
        if (std::isdigit(static_cast<unsigned char>(peek()))) {
            const int v = number();
            if (v < spec_.min || v > spec_.max) {
                fail(start, fmt::format("{} {} out of range {}-{}", spec_.name, v, spec_.min, spec_.max));
            }
            return v;
        }
        if (!std::isalpha(static_cast<unsigned char>(peek()))) {
            unexpected();
        }
        const std::size_t begin = pos_;
        while (!atEnd() && std::isalpha(static_cast<unsigned char>(peek()))) {
            ++pos_;
        }
        return name(text_.substr(begin, pos_ - begin), start);
    }

    int name(std::string_view word, int start) const {
        const std::string wanted = upper(word);
        if (spec_.names == Names::Month) {
            for (std::size_t i = 0; i < kMonthNames.size(); ++i) {
                if (kMonthNames[i] == wanted) {
                    return static_cast<int>(i) + 1;
                }
            }
            fail(start, fmt::format("unknown month '{}'; use 1-12 or JAN-DEC", word));
        }
        if (spec_.names == Names::Weekday) {
            for (std::size_t i = 0; i < kDayNames.size(); ++i) {
                if (kDayNames[i] == wanted) {
                    return static_cast<int>(i);
                }
            }
            fail(start, fmt::format("unknown day of week '{}'; use 0-7 or SUN-SAT", word));
        }
        fail(start, fmt::format("'{}' is not a {} number (names are allowed in the month and day-of-week fields; "
                                "L, W and # are not supported)",
                                word, spec_.name));
    }

    std::string_view text_;
    int column_;
    const FieldSpec& spec_;
    std::size_t pos_ = 0;
};

std::vector<Field> splitFields(std::string_view text) {
    std::vector<Field> fields;
    std::size_t i = 0;
    while (i < text.size()) {
        if (isBlank(text[i])) {
            ++i;
            continue;
        }
        const std::size_t begin = i;
        while (i < text.size() && !isBlank(text[i])) {
            ++i;
        }
        fields.push_back(Field{text.substr(begin, i - begin), static_cast<int>(begin) + 1});
    }
    return fields;
}

template <std::size_t N>
std::bitset<N> narrow(const std::bitset<64>& bits) {
    return std::bitset<N>(bits.to_ullong());
}

constexpr std::array<unsigned, 13> kLongestMonth = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// The next set bit at or after `from`, or -1.
template <std::size_t N>
int nextBit(const std::bitset<N>& bits, int from) {
    for (int i = from; i < static_cast<int>(N); ++i) {
        if (bits[static_cast<std::size_t>(i)]) {
            return i;
        }
    }
    return -1;
}

// "1-5,7,9": consecutive values as ranges.
template <std::size_t N>
std::string formatList(const std::bitset<N>& bits, int low, int high) {
    std::string out;
    for (int v = low; v <= high; ++v) {
        if (!bits[static_cast<std::size_t>(v)]) {
            continue;
        }
        int end = v;
        while (end + 1 <= high && bits[static_cast<std::size_t>(end + 1)]) {
            ++end;
        }
        out += (out.empty() ? "" : ",") + (end == v ? std::to_string(v) : fmt::format("{}-{}", v, end));
        v = end;
    }
    return out;
}

// A field written `*` or `*/S`: its set is low, low + S, ...
template <std::size_t N>
std::string formatStar(const std::bitset<N>& bits, int low, int high) {
    const int first = nextBit(bits, low);
    const int second = nextBit(bits, first + 1);
    if (second < 0) {
        return high == low ? "*" : fmt::format("*/{}", high - low + 1);
    }
    return second - first == 1 ? "*" : fmt::format("*/{}", second - first);
}

template <std::size_t N>
std::string formatField(const std::bitset<N>& bits, int low, int high, bool star) {
    if (star) {
        return formatStar(bits, low, high);
    }
    return formatList(bits, low, high);
}

template <std::size_t N>
bool allSet(const std::bitset<N>& bits, int low, int high) {
    for (int v = low; v <= high; ++v) {
        if (!bits[static_cast<std::size_t>(v)]) {
            return false;
        }
    }
    return true;
}

}  // namespace

CronParseError::CronParseError(int column, std::string reason)
    : std::invalid_argument(fmt::format("{} at column {}", reason, column)),
      column_(column),
      reason_(std::move(reason)) {}

class CronParser {
  public:
    static CronExpression parse(std::string_view text) {
        const auto fields = splitFields(text);
        if (fields.empty()) {
            throw CronParseError(1, "empty cron expression");
        }
        CronExpression out;
        const std::size_t first = static_cast<std::size_t>(fields.front().column - 1);
        const auto& last = fields.back();
        out.text_ =
            std::string(text.substr(first, static_cast<std::size_t>(last.column - 1) + last.text.size() - first));
        if (fields.front().text.front() == '@') {
            const std::string expansion = macro(fields);
            fill(out, splitFields(expansion), fields.front().column);
            return out;
        }
        if (fields.size() < 5) {
            throw CronParseError(static_cast<int>(last.column + last.text.size()),
                                 fmt::format("expected 5 fields (minute hour day-of-month month day-of-week) or 6 "
                                             "(second first), found {}",
                                             fields.size()));
        }
        if (fields.size() > 6) {
            throw CronParseError(
                fields[6].column,
                fmt::format("expected 5 or 6 fields, found {}; the extra fields start here", fields.size()));
        }
        fill(out, fields, 0);
        return out;
    }

  private:
    static std::string macro(const std::vector<Field>& fields) {
        const std::string name = [&] {
            std::string lower(fields.front().text);
            for (auto& c : lower) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            return lower;
        }();
        for (const auto& m : kMacros) {
            if (m.name == name) {
                if (fields.size() > 1) {
                    throw CronParseError(fields[1].column, fmt::format("nothing may follow {}", fields.front().text));
                }
                return std::string(m.expansion);
            }
        }
        throw CronParseError(fields.front().column,
                             fmt::format("unknown macro '{}'; allowed: @hourly, @daily, @midnight, @weekly, "
                                         "@monthly, @yearly, @annually",
                                         fields.front().text));
    }

    // `macro_column` > 0: the fields come from a macro's expansion, which always parses; errors name the macro.
    static void fill(CronExpression& out, const std::vector<Field>& fields, int macro_column) {
        const bool seconds = fields.size() == 6;
        const std::size_t o = seconds ? 1 : 0;
        out.has_seconds_field_ = seconds;
        out.seconds_ = seconds ? narrow<60>(FieldParser(fields[0], kSecond).parse().bits) : std::bitset<60>(1);
        out.minutes_ = narrow<60>(FieldParser(fields[o], kMinute).parse().bits);
        const auto hours = FieldParser(fields[o + 1], kHour).parse();
        out.hours_ = narrow<24>(hours.bits);
        out.hour_star_ = hours.star;
        const auto days = FieldParser(fields[o + 2], kDayOfMonth).parse();
        out.days_of_month_ = narrow<32>(days.bits);
        out.day_of_month_star_ = days.star;
        out.months_ = narrow<13>(FieldParser(fields[o + 3], kMonth).parse().bits);
        const auto weekdays = FieldParser(fields[o + 4], kDayOfWeek).parse();
        out.days_of_week_ = narrow<7>(weekdays.bits);
        out.day_of_week_star_ = weekdays.star;
        checkDaysOccur(out, fields[o + 2], fields[o + 3], macro_column);
    }

    // With the day of week unrestricted, the day of month alone picks days: it must name a day that its months have.
    static void checkDaysOccur(const CronExpression& e, const Field& days, const Field& months, int macro_column) {
        if (!e.day_of_week_star_ || e.day_of_month_star_) {
            return;
        }
        for (unsigned m = 1; m <= 12; ++m) {
            for (unsigned d = 1; d <= kLongestMonth[m]; ++d) {
                if (e.months_[m] && e.days_of_month_[d]) {
                    return;
                }
            }
        }
        throw CronParseError(macro_column > 0 ? macro_column : days.column,
                             fmt::format("day of month '{}' never occurs in month '{}', so the schedule would never "
                                         "fire",
                                         days.text, months.text));
    }
};

CronExpression CronExpression::parse(std::string_view text) {
    return CronParser::parse(text);
}

bool CronExpression::matchesDay(chr::year_month_day day) const {
    if (!months_[static_cast<unsigned>(day.month())]) {
        return false;
    }
    const bool dom = days_of_month_[static_cast<unsigned>(day.day())];
    const bool dow = days_of_week_[chr::weekday(chr::sys_days(day)).c_encoding()];
    if (day_of_month_star_ || day_of_week_star_) {
        return dom && dow;
    }
    return dom || dow;
}

bool CronExpression::matches(chr::local_seconds time) const {
    const auto day = chr::floor<chr::days>(time);
    const chr::hh_mm_ss tod(time - day);
    return matchesDay(chr::year_month_day(day)) && hours_[static_cast<std::size_t>(tod.hours().count())] &&
           minutes_[static_cast<std::size_t>(tod.minutes().count())] &&
           seconds_[static_cast<std::size_t>(tod.seconds().count())];
}

std::optional<chr::local_seconds> CronExpression::nextMatch(chr::local_seconds from, chr::local_seconds limit) const {
    limit = std::min<chr::local_seconds>(limit, from + kHorizon);
    auto t = from;
    // Each step either returns or moves t forward to the start of the next candidate month, day, hour, minute or
    // second, so the loop visits at most a few entries per matching day.
    while (t < limit) {
        const auto day = chr::floor<chr::days>(t);
        const chr::year_month_day ymd(day);
        if (!months_[static_cast<unsigned>(ymd.month())]) {
            t = chr::local_days((ymd.year() / ymd.month() + chr::months(1)) / 1);
            continue;
        }
        if (!matchesDay(ymd)) {
            t = day + chr::days(1);
            continue;
        }
        const chr::hh_mm_ss tod(t - day);
        const int h = static_cast<int>(tod.hours().count());
        const int m = static_cast<int>(tod.minutes().count());
        const int s = static_cast<int>(tod.seconds().count());
        if (!hours_[static_cast<std::size_t>(h)]) {
            const int next = nextBit(hours_, h);
            t = next < 0 ? day + chr::days(1) : day + chr::hours(next);
            continue;
        }
        if (!minutes_[static_cast<std::size_t>(m)]) {
            const int next = nextBit(minutes_, m);
            t = day + chr::hours(h) + (next < 0 ? chr::minutes(60) : chr::minutes(next));
            continue;
        }
        if (!seconds_[static_cast<std::size_t>(s)]) {
            const int next = nextBit(seconds_, s);
            t = day + chr::hours(h) + chr::minutes(m) + (next < 0 ? chr::seconds(60) : chr::seconds(next));
            continue;
        }
        return t;
    }
    return std::nullopt;
}

std::string CronExpression::format() const {
    std::string out;
    if (has_seconds_field_) {
        out = (allSet(seconds_, 0, 59) ? "*" : formatList(seconds_, 0, 59)) + " ";
    }
    out += allSet(minutes_, 0, 59) ? "*" : formatList(minutes_, 0, 59);
    out += " " + formatField(hours_, 0, 23, hour_star_);
    out += " " + formatField(days_of_month_, 1, 31, day_of_month_star_);
    out += " " + (allSet(months_, 1, 12) ? std::string("*") : formatList(months_, 1, 12));
    out += " " + formatField(days_of_week_, 0, 6, day_of_week_star_);
    return out;
}

bool CronExpression::operator==(const CronExpression& other) const {
    return seconds_ == other.seconds_ && minutes_ == other.minutes_ && hours_ == other.hours_ &&
           days_of_month_ == other.days_of_month_ && months_ == other.months_ && days_of_week_ == other.days_of_week_ &&
           hour_star_ == other.hour_star_ && day_of_month_star_ == other.day_of_month_star_ &&
           day_of_week_star_ == other.day_of_week_star_;
}

}  // namespace syncline::schedule
