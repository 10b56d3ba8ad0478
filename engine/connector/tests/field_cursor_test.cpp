#include "engine/connector/field_cursor.h"

#include <gtest/gtest.h>

namespace syncline::connector {
namespace {

RecordBatch batchOf(std::vector<std::optional<std::string>> values) {
    RecordBatch batch;
    for (auto& v : values) {
        batch.rows.push_back({v});
    }
    return batch;
}

TEST(FieldCursor, AnIntegerCursorComparesAsANumber) {
    FieldCursor cursor(0, FieldType::Decimal, OpenRequest{});
    auto batch = batchOf({"9", "10", "2"});
    cursor.observe(batch);
    EXPECT_EQ(batch.cursor, "10") << "as text, 9 would come after 10 and every run would read 10 again";
}

TEST(FieldCursor, NeverMovesBackFromTheStoredCursor) {
    OpenRequest request;
    request.cursor = "2026-12-01 10:00:00";
    FieldCursor cursor(0, FieldType::Timestamp, request);
    auto batch = batchOf({"2026-11-30 09:00:00", std::nullopt});
    cursor.observe(batch);
    EXPECT_EQ(batch.cursor, "2026-12-01 10:00:00");
}

TEST(FieldCursor, AValueBeyondTheLimitIsListedNotFollowed) {
    OpenRequest request;
    request.cursor_limit = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2};
    FieldCursor cursor(0, FieldType::Timestamp, request);
    auto batch = batchOf({"2026-12-01 08:00:00", "2099-01-01 00:00:00"});
    cursor.observe(batch);
    EXPECT_EQ(batch.cursor, "2026-12-01 08:00:00");
    ASSERT_EQ(batch.beyond_limit.size(), 1u);
    EXPECT_EQ(batch.beyond_limit[0].first, 1u);
    EXPECT_EQ(batch.beyond_limit[0].second, "2099-01-01 00:00:00");
}

TEST(FieldCursor, ARowWithAnErrorDoesNotMoveIt) {
    FieldCursor cursor(0, FieldType::Code, OpenRequest{});
    auto batch = batchOf({"A", "Z"});
    batch.row_errors = {RowError{}, RowError{"price", "'x' is not a decimal number"}};
    cursor.observe(batch);
    EXPECT_EQ(batch.cursor, "A");
}

TEST(FieldCursor, TheOverlapAppliesToTimeCursorsOnly) {
    OpenRequest request;
    request.cursor = "2026-12-01 10:00:00";
    request.overlap_seconds = 300;
    EXPECT_EQ(FieldCursor::startOf(FieldType::Timestamp, request), "2026-12-01 09:55:00");
    request.cursor = "1200";
    EXPECT_EQ(FieldCursor::startOf(FieldType::Decimal, request), "1200");
    EXPECT_EQ(FieldCursor::startOf(FieldType::Timestamp, OpenRequest{}), std::nullopt);
}

}  // namespace
}  // namespace syncline::connector
