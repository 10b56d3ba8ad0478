#include "row.h"

#include <algorithm>
#include <charconv>

#include "erp_calendar.h"

namespace syncline::demo_erp {

char* Row::appendText(size_t size) {
    const auto offset = static_cast<uint32_t>(text_.size());
    text_.resize(text_.size() + size);
    fields_.push_back(Field{Kind::kText, 0, offset, static_cast<uint32_t>(size)});
    return text_.data() + offset;
}

Row& Row::null() {
    fields_.push_back(Field{Kind::kNull, 0, 0, 0});
    return *this;
}

Row& Row::integer(int64_t value) {
    fields_.push_back(Field{Kind::kInteger, value, 0, 0});
    return *this;
}

Row& Row::text(std::string_view value) {
    value.copy(appendText(value.size()), value.size());
    return *this;
}

Row& Row::code(std::string_view value, size_t width) {
    const size_t size = value.size() > width ? value.size() : width;
    char* out = appendText(size);
    value.copy(out, value.size());
    std::fill(out + value.size(), out + size, ' ');
    return *this;
}

Row& Row::decimal(int64_t micros) {
    char buffer[32];
    char* p = buffer;
    uint64_t magnitude = micros < 0 ? 0 - static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
    if (micros < 0) {
        *p++ = '-';
    }
    p = std::to_chars(p, buffer + sizeof buffer, magnitude / kMicrosPerUnit).ptr;
    *p++ = '.';
    uint64_t fraction = magnitude % kMicrosPerUnit;
    for (int i = 5; i >= 0; --i) {
        p[i] = static_cast<char>('0' + fraction % 10);
        fraction /= 10;
    }
    p += 6;
    return text(std::string_view(buffer, static_cast<size_t>(p - buffer)));
}

Row& Row::date(int64_t day) {
    ErpCalendar::formatDate(day, appendText(ErpCalendar::kDateSize));
    return *this;
}

Row& Row::timestamp(int64_t seconds) {
    ErpCalendar::formatTimestamp(seconds, appendText(ErpCalendar::kTimestampSize));
    return *this;
}

}  // namespace syncline::demo_erp
