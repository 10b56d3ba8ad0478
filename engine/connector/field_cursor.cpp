#include "engine/connector/field_cursor.h"

#include <cstdio>
#include <ctime>

#include "engine/model/decimal.h"

namespace syncline::connector {

namespace {

bool isTime(FieldType type) {
    return type == FieldType::Date || type == FieldType::Timestamp;
}

}  // namespace

std::string minusSeconds(const std::string& timestamp, int seconds) {
    std::tm tm{};
    if (seconds <= 0 || std::sscanf(timestamp.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                    &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 3) {
        return timestamp;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const std::time_t t = timegm(&tm) - seconds;
    std::tm out{};
    gmtime_r(&t, &out);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &out);
    return buf;
}

FieldCursor::FieldCursor(std::size_t field_index, FieldType type, const OpenRequest& request)
    : index_(field_index), current_(request.cursor) {
    if (request.cursor_limit) {
        limit_ = limitOf(type, *request.cursor_limit);
    }
}

std::optional<std::string> FieldCursor::startOf(FieldType type, const OpenRequest& request) {
    if (!request.cursor) {
        return std::nullopt;
    }
    return isTime(type) ? minusSeconds(*request.cursor, request.overlap_seconds) : *request.cursor;
}

bool FieldCursor::after(const std::string& a, const std::string& b) {
    const auto x = model::Decimal::parse(a);
    const auto y = x ? model::Decimal::parse(b) : std::nullopt;
    if (x && y) {
        return *x > *y;
    }
    return a > b;
}

std::optional<std::string> FieldCursor::limitOf(FieldType type, std::chrono::system_clock::time_point limit) {
    if (!isTime(type)) {
        return std::nullopt;
    }
    const std::time_t t = std::chrono::system_clock::to_time_t(limit);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, type == FieldType::Date ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:%S", &tm);
    return std::string(buf);
}

void FieldCursor::observe(RecordBatch& batch) {
    for (std::size_t r = 0; r < batch.rows.size(); ++r) {
        if (r < batch.row_errors.size() && !batch.row_errors[r].empty()) {
            continue;
        }
        const auto& row = batch.rows[r];
        if (index_ >= row.size() || !row[index_]) {
            continue;
        }
        const std::string& value = *row[index_];
        if (limit_ && value > *limit_) {
            batch.beyond_limit.emplace_back(r, value);
        } else if (!current_ || after(value, *current_)) {
            current_ = value;
        }
    }
    batch.cursor = current_;
}

}  // namespace syncline::connector
