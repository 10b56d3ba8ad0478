// The wire forms of connector.thrift both ways (connectors/thrift/wire.h): what a connector in another process sends
// is what the engine gets, and what it must not send is refused with a message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "connectors/thrift/wire.h"

namespace syncline::thrift_connector {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

connector::RecordBatch sample() {
    connector::RecordBatch b;
    b.rows = {{"A1", "Hammer", std::nullopt}, {"A2", "", "12.5"}};
    b.row_errors = {{}, {"list_price", "'12,5' is not a decimal number"}};
    b.beyond_limit = {{1, "2099-01-01 00:00:00"}};
    b.raw = {"ItemCode=A1", "ItemCode=A2"};
    b.cursor = "2026-11-27 10:00:00";
    return b;
}

TEST(ThriftWire, BatchRoundTripKeepsNullsEmptyStringsErrorsAndCursor) {
    api::Batch wire;
    toWire(sample(), 3, false, wire);
    EXPECT_THAT(wire.nulls, ElementsAre(2));
    connector::RecordBatch back;
    ASSERT_EQ(fromWire(std::move(wire), 3, back), std::nullopt);
    const auto expected = sample();
    EXPECT_EQ(back.rows, expected.rows);
    EXPECT_EQ(back.row_errors, expected.row_errors);
    EXPECT_EQ(back.beyond_limit, expected.beyond_limit);
    EXPECT_EQ(back.raw, expected.raw);
    EXPECT_EQ(back.cursor, expected.cursor);
}

TEST(ThriftWire, RowWithTheWrongNumberOfValuesBecomesARowErrorAndTheBatchStaysRectangular) {
    api::Batch wire;
    wire.rows = {{"A1", "Hammer", "1"}, {"A2"}, {"A3", "Saw", "2", "extra"}};
    connector::RecordBatch back;
    ASSERT_EQ(fromWire(std::move(wire), 3, back), std::nullopt);
    ASSERT_EQ(back.rows.size(), 3u);
    for (const auto& row : back.rows) {
        EXPECT_EQ(row.size(), 3u);
    }
    ASSERT_EQ(back.row_errors.size(), 3u);
    EXPECT_TRUE(back.row_errors[0].empty());
    EXPECT_EQ(back.row_errors[1].reason, "the connector sent 1 values for 3 fields");
    EXPECT_EQ(back.row_errors[2].reason, "the connector sent 4 values for 3 fields");
}

TEST(ThriftWire, NullCellOutsideTheBatchMakesItUnusable) {
    api::Batch wire;
    wire.rows = {{"A1", "Hammer"}};
    wire.nulls = {2};
    connector::RecordBatch back;
    EXPECT_THAT(fromWire(std::move(wire), 2, back).value_or(""),
                HasSubstr("NULL cell 2 lies outside the batch of 1 rows of 2 fields"));
}

TEST(ThriftWire, SpecOfAnotherProtocolVersionOrWithUnknownNamesIsRefused) {
    connector::ConnectorSpec spec;
    spec.kind = "erp_x";
    spec.streams = {"products"};
    spec.settings = {connector::stringSetting("dsn", "the DSN")};
    auto wire = toWire(spec);
    EXPECT_EQ(problemOf(wire), std::nullopt);
    EXPECT_EQ(fromWire(wire).settings.front().path, "dsn");

    wire.api_version = protocolVersion() + 1;
    EXPECT_THAT(problemOf(wire).value_or(""),
                HasSubstr("it speaks connector protocol version 2, this syncline version 1"));
    wire = toWire(spec);
    wire.streams = {"invoices"};
    EXPECT_THAT(problemOf(wire).value_or(""), HasSubstr("stream 'invoices', which syncline does not know"));
    wire = toWire(spec);
    const int unknown_kind = 42;
    std::memcpy(&wire.settings.front().kind, &unknown_kind, sizeof(unknown_kind));
    EXPECT_THAT(problemOf(wire).value_or(""), HasSubstr("kind 42, which is no setting kind"));
}

TEST(ThriftWire, ErrorOfAKindThisVersionDoesNotKnowIsFatal) {
    api::ConnectorError known;
    known.kind = api::ErrorKind::TRANSIENT;
    known.code = "08S01";
    EXPECT_EQ(fromWire(known).kind, connector::ErrorKind::Transient);
    api::ConnectorError unknown;
    const int seven = 7;  // what a newer service might send: stored as is by the generated reader
    std::memcpy(&unknown.kind, &seven, sizeof(seven));
    unknown.message = "a new kind";
    EXPECT_EQ(fromWire(unknown).kind, connector::ErrorKind::Fatal);
    EXPECT_EQ(fromWire(unknown).message, "a new kind");
}

TEST(ThriftWire, OpenRequestCarriesTheCursorLimitAsUtcText) {
    connector::OpenRequest request;
    request.mode = connector::PullMode::Incremental;
    request.cursor = "42";
    request.overlap_seconds = 300;
    request.cursor_limit = std::chrono::system_clock::from_time_t(1795000000);
    const auto wire = toWire(request);
    EXPECT_EQ(wire.cursor_limit, "2026-11-18 11:06:40");
    const auto back = fromWire(wire);
    EXPECT_EQ(back.cursor, "42");
    EXPECT_EQ(back.cursor_limit, request.cursor_limit);
    EXPECT_EQ(back.mode, connector::PullMode::Incremental);
}

TEST(ThriftWire, DiscoverySuggestionsMoveUnderTheThriftSettings) {
    api::Discovery wire;
    api::Suggestion s;
    s.stream = "products";
    s.toml = "[erp.streams.products]\nquery = \"SELECT 1\"\n\n[erp.streams.products.fields]\nsku = \"A\"";
    wire.suggestions = {s};
    const auto discovery = fromWire(wire, "settings.");
    EXPECT_EQ(discovery.suggestions.front().second,
              "[erp.settings.streams.products]\nquery = \"SELECT 1\"\n\n[erp.settings.streams.products.fields]\nsku "
              "= \"A\"");
}

TEST(ThriftWire, OrdersKeepTheirDecimalsExact) {
    model::Order order{"W-1", "C100", "EUR", "2026-11-27T10:00:00Z", {}};
    order.lines.push_back({1, "A1", *model::Decimal::parse("2.5"), *model::Decimal::parse("0.012345"), "cut"});
    const auto wire = toWire(order);
    EXPECT_EQ(wire.lines.front().unit_price, "0.012345");
    EXPECT_EQ(fromWire(wire), order);
    auto bad = wire;
    bad.lines.front().quantity = "2,5";
    EXPECT_THROW(fromWire(bad), std::invalid_argument);
}

}  // namespace
}  // namespace syncline::thrift_connector
