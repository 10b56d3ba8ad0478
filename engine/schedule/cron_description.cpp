#include "engine/schedule/cron_description.h"

#include <algorithm>
#include <array>
#include <functional>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace syncline::schedule {

namespace {

constexpr std::array<const char*, 13> kMonths = {"",        "January",  "February", "March",  "April",
                                                 "May",     "June",     "July",     "August", "September",
                                                 "October", "November", "December"};
constexpr std::array<const char*, 8> kWeekdays = {"Sunday",   "Monday", "Tuesday",  "Wednesday",
                                                  "Thursday", "Friday", "Saturday", "Sunday"};

template <std::size_t N>
std::vector<int> valuesOf(const std::bitset<N>& bits, int low, int high) {
    std::vector<int> out;
    for (int v = low; v <= high; ++v) {
        if (bits[static_cast<std::size_t>(v)]) {
            out.push_back(v);
        }
    }
    return out;
}

std::string joinWords(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        out += (i == 0 ? "" : (i + 1 == items.size() ? " and " : ", ")) + items[i];
    }
    return out;
}

std::string number(int v) {
    return std::to_string(v);
}

// Runs of three or more consecutive values as "A through B": "1 through 5, 7 and 9".
std::string listPhrase(const std::vector<int>& values, const std::function<std::string(int)>& name = number) {
    std::vector<std::string> items;
    for (std::size_t i = 0; i < values.size();) {
        std::size_t end = i;
        while (end + 1 < values.size() && values[end + 1] == values[end] + 1) {
            ++end;
        }
        if (end - i >= 2) {
            items.push_back(name(values[i]) + " through " + name(values[end]));
        } else {
            for (std::size_t k = i; k <= end; ++k) {
                items.push_back(name(values[k]));
            }
        }
        i = end + 1;
    }
    return joinWords(items);
}

// start, start + step, ... up to the end of the field (as `*/S` and `N/S` write it), with step 2 or more. Two
// values only count when the first is the field's lowest (`*/30`), so that "5,35" stays a list.
struct Progression {
    int start;
    int step;
};

std::optional<Progression> progression(const std::vector<int>& values, int field_min, int field_max) {
    if (values.size() < 2 || values[1] - values[0] < 2 || (values.size() == 2 && values[0] != field_min)) {
        return std::nullopt;
    }
    const int step = values[1] - values[0];
    for (std::size_t i = 2; i < values.size(); ++i) {
        if (values[i] - values[i - 1] != step) {
            return std::nullopt;
        }
    }
    if (values.back() + step <= field_max) {
        return std::nullopt;
    }
    return Progression{values.front(), step};
}

std::string ordinal(int n) {
    const int tens = n % 100;
    const char* suffix = "th";
    if (tens < 11 || tens > 13) {
        suffix = n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    }
    return std::to_string(n) + suffix;
}

std::string clock(int hour, int minute) {
    return fmt::format("{:02}:{:02}", hour, minute);
}

// Seconds or minutes: "every 15 minutes", "every 15 minutes from minute 5", "at minute 30", "at minutes 5 and 35".
std::string unitPhrase(const std::vector<int>& values, int size, const std::string& unit) {
    if (static_cast<int>(values.size()) == size) {
        return "every " + unit;
    }
    if (const auto p = progression(values, 0, size - 1)) {
        if (p->start == 0 && size % p->step == 0) {
            return fmt::format("every {} {}s", p->step, unit);
        }
        return fmt::format("every {} {}s from {} {}", p->step, unit, unit, p->start);
    }
    if (values.size() == 1) {
        return fmt::format("at {} {}", unit, values.front());
    }
    return fmt::format("at {}s {}", unit, listPhrase(values));
}

// The hours of a recurring time: "from 08:00 through 17:59", "during hours 8, 12 and 18".
std::string hoursPhrase(const std::vector<int>& hours) {
    if (hours.back() - hours.front() + 1 == static_cast<int>(hours.size())) {
        return "from " + clock(hours.front(), 0) + " through " + clock(hours.back(), 59);
    }
    return "during hours " + listPhrase(hours);
}

// The time of day; `recurring` says whether it repeats within a day ("every 15 minutes") or names times ("at 02:30").
std::string timePhrase(const CronExpression& e, bool& recurring) {
    const auto seconds = valuesOf(e.seconds(), 0, 59);
    const auto minutes = valuesOf(e.minutes(), 0, 59);
    const auto hours = valuesOf(e.hours(), 0, 23);
    const bool all_minutes = minutes.size() == 60;
    const bool all_hours = hours.size() == 24;
    const bool on_the_minute = seconds.size() == 1 && seconds.front() == 0;
    recurring = true;
    if (seconds.size() == 1 && minutes.size() == 1 && !all_hours && hours.size() <= 6) {
        recurring = false;
        std::vector<std::string> times;
        for (int h : hours) {
            times.push_back(clock(h, minutes.front()) +
                            (on_the_minute ? std::string() : fmt::format(":{:02}", seconds.front())));
        }
        return "at " + joinWords(times);
    }
    if (!on_the_minute) {
        std::string text = unitPhrase(seconds, 60, "second");
        if (!all_minutes) {
            text += minutes.size() == 1 ? fmt::format(" during minute {}", minutes.front())
                                        : " during minutes " + listPhrase(minutes);
        }
        if (!all_hours) {
            text += " " + hoursPhrase(hours);
        } else if (!all_minutes) {
            text += " of every hour";
        }
        return text;
    }
    if (minutes.size() == 1) {
        const int m = minutes.front();
        if (const auto p = progression(hours, 0, 23); p && !all_hours) {
            if (p->start == 0 && m == 0 && 24 % p->step == 0) {
                return fmt::format("every {} hours", p->step);
            }
            return fmt::format("every {} hours from {}", p->step, clock(p->start, m));
        }
        const std::string hourly = m == 0 ? "every hour" : fmt::format("every hour at minute {}", m);
        return all_hours ? hourly : hourly + " " + hoursPhrase(hours);
    }
    std::string text = unitPhrase(minutes, 60, "minute");
    if (all_hours) {
        return text.rfind("at ", 0) == 0 ? text + " of every hour" : text;
    }
    return text + " " + hoursPhrase(hours);
}

std::string weekdayPhrase(const std::vector<int>& days) {
    // Monday first, so that FRI-SUN reads "Friday through Sunday".
    std::vector<int> iso;
    for (int d : days) {
        iso.push_back(d == 0 ? 7 : d);
    }
    std::sort(iso.begin(), iso.end());
    return listPhrase(iso, [](int d) { return std::string(kWeekdays[static_cast<std::size_t>(d)]); });
}

std::string dayOfMonthPhrase(const std::vector<int>& days) {
    if (const auto p = progression(days, 1, 31)) {
        return fmt::format("every {} day of the month", ordinal(p->step)) +
               (p->start == 1 ? "" : fmt::format(" from day {}", p->start));
    }
    if (days.size() == 1) {
        return fmt::format("day {} of the month", days.front());
    }
    return "days " + listPhrase(days) + " of the month";
}

}  // namespace

std::string describeCron(const CronExpression& e) {
    bool recurring = true;
    const std::string time = timePhrase(e, recurring);
    const auto days = valuesOf(e.daysOfMonth(), 1, 31);
    const auto weekdays = valuesOf(e.daysOfWeek(), 0, 6);
    const auto months = valuesOf(e.months(), 1, 12);
    const bool any_day_of_month = e.dayOfMonthUnrestricted() && days.size() == 31;
    const bool any_weekday = e.dayOfWeekUnrestricted() && weekdays.size() == 7;
    if (days.size() == 1 && months.size() == 1 && any_weekday) {
        return fmt::format("{} on {} {}", time, kMonths[static_cast<std::size_t>(months.front())], days.front());
    }
    std::string day;
    if (!any_day_of_month && !any_weekday) {
        // Vixie rule: both restricted = either matches; one written * or */S = both must.
        const bool either = !e.dayOfMonthUnrestricted() && !e.dayOfWeekUnrestricted();
        day = "on " + dayOfMonthPhrase(days) + (either ? " or on " : " if it is a ") + weekdayPhrase(weekdays);
    } else if (!any_day_of_month) {
        day = "on " + dayOfMonthPhrase(days);
    } else if (!any_weekday) {
        day = "on " + weekdayPhrase(weekdays);
    }
    std::string out = time;
    if (!day.empty()) {
        out += " " + day;
    } else if (!recurring) {
        out += " every day";
    }
    if (months.size() != 12) {
        out += " in " + listPhrase(months, [](int m) { return std::string(kMonths[static_cast<std::size_t>(m)]); });
    }
    return out;
}

std::string describeInterval(std::chrono::seconds every) {
    const auto n = every.count();
    const auto unit = [n](long long size, const char* name) {
        return n == size ? fmt::format("every {}", name) : fmt::format("every {} {}s", n / size, name);
    };
    if (n > 86400 && n % 86400 == 0) {
        return unit(86400, "day");
    }
    if (n % 3600 == 0) {
        return unit(3600, "hour");
    }
    if (n % 60 == 0) {
        return unit(60, "minute");
    }
    return unit(1, "second");
}

}  // namespace syncline::schedule
