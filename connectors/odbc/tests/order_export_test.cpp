#include "connectors/odbc/order_export.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "connectors/builtin.h"
#include "connectors/odbc/connection.h"
#include "connectors/odbc/connection_string.h"
#include "connectors/odbc/named_parameters.h"
#include "connectors/odbc/odbc_connector.h"
#include "connectors/odbc/odbc_error.h"
#include "connectors/odbc/odbc_settings.h"
#include "connectors/odbc/statement.h"
#include "connectors/odbc/tests/demo_erp_source.h"
#include "connectors/odbc/tests/odbc_test_environment.h"
#include "engine/config/config.h"
#include "tests/support/test_env.h"

namespace syncline::odbc {
namespace {

using connector::ErrorKind;
using connector::OrderExportConfig;
using testing::Backend;
using testing::ErpDatabase;
using Row = std::vector<std::optional<std::string>>;

model::Decimal dec(const char* text) {
    const auto value = model::Decimal::parse(text);
    if (!value) {
        throw std::invalid_argument(std::string("not a decimal: ") + text);
    }
    return *value;
}

model::OrderLine orderLine(int line_no, std::string sku, const char* quantity, const char* unit_price,
                           std::optional<std::string> note = std::nullopt) {
    return model::OrderLine{line_no, std::move(sku), dec(quantity), dec(unit_price), std::move(note)};
}

// 2 × 12.50 = 25.00, 1.5 × 0.333 = 0.4995 → 0.50, 10 × 3.99 = 39.90: DocTotal 65.40.
model::Order threeLineOrder(const std::string& id, const std::string& second_sku = "A0000002") {
    return model::Order{id,
                        "C000001",
                        "EUR",
                        "2026-11-27T10:15:00Z",
                        {orderLine(1, "A0000001", "2", "12.50", "gate 3"), orderLine(2, second_sku, "1.5", "0.333"),
                         orderLine(3, "A0000003", "10", "3.99")}};
}

const bool kConnectorsRegistered = (connectors::registerBuiltinConnectors(), true);

// The [erp.orders] of a loaded config, as the ODBC connector reads them.
OrderExportConfig ordersOf(const config::Config& config) {
    return config.erp.configured() ? odbcConfigOf(config.erp.settings).orders : OrderExportConfig{};
}

// The [erp.orders] section of config/demo.toml, the one `make demo` uses.
OrderExportConfig demoOrders() {
    return ordersOf(config::load(std::string(SYNCLINE_SOURCE_DIR) + "/config/demo.toml"));
}

bool mentions(const connector::Error& error, const std::string& text) {
    return error.message.find(text) != std::string::npos;
}

// --- Named parameters -------------------------------------------------------------------------------------------

TEST(OrderExportNamedParameters, RewritesEachNameToAMarkerInOrder) {
    const auto parsed = parseNamedParameters("INSERT INTO t (a, b, c) VALUES (:order_id, :Doc_Entry2, :_x)");
    EXPECT_EQ(parsed.sql, "INSERT INTO t (a, b, c) VALUES (?, ?, ?)");
    EXPECT_EQ(parsed.parameters, (std::vector<std::string>{"order_id", "doc_entry2", "_x"}));
}

TEST(OrderExportNamedParameters, RepeatedNamesGetAMarkerEach) {
    const auto parsed = parseNamedParameters("SELECT :a || SUBSTR('  ', 1, 2 - LENGTH(:a)), :b, :a");
    EXPECT_EQ(parsed.sql, "SELECT ? || SUBSTR('  ', 1, 2 - LENGTH(?)), ?, ?");
    EXPECT_EQ(parsed.parameters, (std::vector<std::string>{"a", "a", "b", "a"}));
}

TEST(OrderExportNamedParameters, ColonsInQuotesAndCommentsAreNotParameters) {
    const std::string sql = "SELECT ':no', 'it''s :no', \":no\", `:no`, '?' -- :no ?\n, /* :no ? */ :yes";
    const auto parsed = parseNamedParameters(sql);
    EXPECT_EQ(parsed.sql, sql.substr(0, sql.size() - 4) + "?");
    EXPECT_EQ(parsed.parameters, std::vector<std::string>{"yes"});
}

TEST(OrderExportNamedParameters, DoubleColonIsAPostgresCast) {
    const auto parsed = parseNamedParameters("SELECT :total::numeric(19,6), x::text, '1'::int");
    EXPECT_EQ(parsed.sql, "SELECT ?::numeric(19,6), x::text, '1'::int");
    EXPECT_EQ(parsed.parameters, std::vector<std::string>{"total"});
}

TEST(OrderExportNamedParameters, AColonWithoutANameIsKept) {
    const auto parsed = parseNamedParameters("SELECT a : b, :1, x:");
    EXPECT_EQ(parsed.sql, "SELECT a : b, :1, x:");
    EXPECT_TRUE(parsed.parameters.empty());
}

TEST(OrderExportNamedParameters, RefusesPositionalMarkersAndUnterminatedQuotes) {
    EXPECT_THROW(parseNamedParameters("SELECT * FROM t WHERE a = ?"), std::invalid_argument);
    EXPECT_THROW(parseNamedParameters("SELECT 'abc"), std::invalid_argument);
    EXPECT_THROW(parseNamedParameters("SELECT \"abc"), std::invalid_argument);
    EXPECT_THROW(parseNamedParameters("SELECT 1 /* open"), std::invalid_argument);
    EXPECT_NO_THROW(parseNamedParameters("SELECT 1 -- a comment to the end"));
}

// --- Order values -----------------------------------------------------------------------------------------------

TEST(OrderExportValues, LineTotalsRoundHalfUpToCentsAndSumExactly) {
    model::Order order = threeLineOrder("W-1");
    order.lines.push_back(orderLine(4, "A0000004", "3", "0.125"));  // 0.375 → 0.38
    // 2026-11-27 09:30:05 UTC
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1795771805));
    const OrderValues values = orderValues(order, "shop-W-1", now);

    EXPECT_EQ(values.order.at("order_id"), "shop-W-1");
    EXPECT_EQ(values.order.at("customer_code"), "C000001");
    EXPECT_EQ(values.order.at("currency"), "EUR");
    EXPECT_EQ(values.order.at("placed_at"), "2026-11-27T10:15:00Z");
    EXPECT_EQ(values.order.at("order_date"), "2026-11-27");
    EXPECT_EQ(values.order.at("now"), "2026-11-27 09:30:05");
    EXPECT_EQ(values.order.at("total"), "65.780000");
    ASSERT_EQ(values.lines.size(), 4u);
    EXPECT_EQ(values.lines[0].at("line_no"), "1");
    EXPECT_EQ(values.lines[0].at("sku"), "A0000001");
    EXPECT_EQ(values.lines[0].at("quantity"), "2.000000");
    EXPECT_EQ(values.lines[0].at("unit_price"), "12.500000");
    EXPECT_EQ(values.lines[0].at("line_total"), "25.000000");
    EXPECT_EQ(values.lines[0].at("line_note"), "gate 3");
    EXPECT_EQ(values.lines[1].at("quantity"), "1.500000");
    EXPECT_EQ(values.lines[1].at("line_total"), "0.500000");
    EXPECT_EQ(values.lines[1].at("line_note"), std::nullopt);
    EXPECT_EQ(values.lines[2].at("line_total"), "39.900000");
    EXPECT_EQ(values.lines[3].at("line_total"), "0.380000");
    for (const auto& line : values.lines) {
        EXPECT_EQ(line.size(), lineValueNames().size());
    }
    EXPECT_EQ(values.order.size(), orderValueNames().size());
}

TEST(OrderExportValues, RefusesAnOrderWithoutLinesOrWithABadPlacedAt) {
    model::Order order = threeLineOrder("W-1");
    order.placed_at = "27.11.2026";
    EXPECT_THROW(orderValues(order, "W-1", std::chrono::system_clock::now()), std::invalid_argument);
    order = threeLineOrder("W-1");
    order.lines.clear();
    EXPECT_THROW(orderValues(order, "W-1", std::chrono::system_clock::now()), std::invalid_argument);
}

// --- Error kinds the push relies on -----------------------------------------------------------------------------

TEST(OrderExportErrorKinds, RetryableAndRefusedFaultsAreClassified) {
    for (const char* state : {"40001", "40P01", "08S01", "08001", "HYT00", "57014"}) {
        EXPECT_EQ(classifySqlState(state), ErrorKind::Transient) << state;
    }
    for (const char* state : {"23503", "23505", "23514", "23502", "22001", "22011"}) {
        EXPECT_EQ(classifySqlState(state), ErrorKind::Data) << state;
    }
    EXPECT_EQ(classifyDiagnostic({"HY000", 19, "[SQLite]UNIQUE constraint failed: SORH.ExtRef (19)"}), ErrorKind::Data);
    EXPECT_EQ(classifyDiagnostic({"HY000", 19, "[SQLite]SORL: unknown item (ItemCode) (19)"}), ErrorKind::Data);
    EXPECT_EQ(classifyDiagnostic({"HY000", 5, "[SQLite]database is locked (5)"}), ErrorKind::Transient);
}

// --- [erp.orders] in the config file ----------------------------------------------------------------------------

class OrderExportConfigFile : public ::testing::Test {
  protected:
    std::string write(const std::string& orders) const {
        const std::string path = dir_.file("syncline.toml");
        std::ofstream(path) << "[webstore]\npath = \"w.db\"\n[erp]\ndsn = \"Erp\"\n" << orders;
        return path;
    }

    syncline::testing::TempDir dir_{"syncline-order-config"};
};

TEST_F(OrderExportConfigFile, ReadsTheSection) {
    const auto config =
        config::load(write("[erp.orders]\n"
                           "find_query = \"SELECT DocNum FROM SORH WHERE ExtRef = :order_id\"\n"
                           "header = [\"UPDATE A SET b = 1\", \"SELECT 1 AS doc\"]\n"
                           "line = \"INSERT INTO L VALUES (:doc, :sku)\"\n"
                           "document_number = \"doc\"\n"));
    const auto orders = ordersOf(config);
    EXPECT_TRUE(orders.configured());
    EXPECT_EQ(orders.find_query, "SELECT DocNum FROM SORH WHERE ExtRef = :order_id");
    EXPECT_EQ(orders.header, (std::vector<std::string>{"UPDATE A SET b = 1", "SELECT 1 AS doc"}));
    EXPECT_EQ(orders.line, "INSERT INTO L VALUES (:doc, :sku)");
    EXPECT_EQ(orders.document_number, "doc");

    const auto single =
        config::load(write("[erp.orders]\nfind_query = \"SELECT 1 WHERE :order_id = 1\"\n"
                           "header = \"INSERT INTO H VALUES (:order_id)\"\nline = \"INSERT INTO L\"\n"));
    EXPECT_EQ(ordersOf(single).header, std::vector<std::string>{"INSERT INTO H VALUES (:order_id)"});
    EXPECT_EQ(ordersOf(single).document_number, "");

    EXPECT_FALSE(ordersOf(config::load(write(""))).configured());
}

TEST_F(OrderExportConfigFile, ReportsMissingAndMalformedKeysWithTheirLines) {
    try {
        config::load(
            write("[erp.orders]\n"                          // line 5
                  "find_query = \" \"\n"                    // line 6
                  "header = [\"UPDATE A SET b = 1\", 7]\n"  // line 7
                  "document_number = \"1st\"\n"             // line 8
                  "lines = \"INSERT INTO L\"\n"));          // line 9
        FAIL() << "expected a ConfigError";
    } catch (const config::ConfigError& error) {
        std::vector<std::string> found;
        for (const auto& issue : error.issues()) {
            found.push_back(std::to_string(issue.line) + " " + issue.key + ": " + issue.message);
        }
        const std::vector<std::string> expected = {
            "5 erp.orders.line: is required with [erp.orders]",
            "6 erp.orders.find_query: must not be empty",
            "7 erp.orders.header: statement 2 must be a string",
            "8 erp.orders.document_number: '1st' is not a value name: letters, digits and '_', not starting with a "
            "digit",
            "9 erp.orders.lines: unknown key (did you mean 'line'?); allowed here: find_query, header, line, "
            "status_query, document_number",
        };
        EXPECT_EQ(found, expected);
    }
}

TEST_F(OrderExportConfigFile, DemoAndExampleStatementsPassTheConnectorsChecks) {
    const auto demo = demoOrders();
    ASSERT_TRUE(demo.configured());
    EXPECT_EQ(demo.header.size(), 3u);
    EXPECT_EQ(demo.document_number, "doc_num");
    EXPECT_FALSE(OrderExport(demo, {}).configError().has_value()) << OrderExport(demo, {}).configError()->message;

    ::setenv("SYNCLINE_ERP_PASSWORD", "unused", 0);
    const auto example = ordersOf(config::load(std::string(SYNCLINE_SOURCE_DIR) + "/config/syncline.example.toml"));
    ASSERT_TRUE(example.configured());
    EXPECT_FALSE(OrderExport(example, {}).configError().has_value()) << OrderExport(example, {}).configError()->message;
}

// --- Checks at construction (no ERP needed: nothing is reached) --------------------------------------------------

connector::Error constructionError(const OrderExportConfig& orders) {
    OdbcConnector odbc({"Driver=None;", std::chrono::seconds(1), std::chrono::seconds(1), {}, orders});
    EXPECT_TRUE(odbc.exportsOrders());
    auto found = odbc.findOrder("W-1");
    auto pushed = odbc.pushOrder(threeLineOrder("W-1"), "W-1");
    EXPECT_FALSE(found.ok());
    EXPECT_FALSE(pushed.ok());
    if (found.ok() || pushed.ok()) {
        return {};
    }
    EXPECT_EQ(found.error().message, pushed.error().message);
    EXPECT_EQ(pushed.error().kind, ErrorKind::Config);
    return pushed.error();
}

TEST(OrderExportChecks, UnknownParametersThatCannotComeFromAHeaderSelectAreFoundAtConstruction) {
    OrderExportConfig orders = demoOrders();
    orders.find_query = "SELECT DocNum FROM SORH WHERE ExtRef = :order_ref";
    auto error = constructionError(orders);
    EXPECT_TRUE(mentions(error, "find_query: unknown parameter :order_ref")) << error.message;

    orders = demoOrders();
    orders.header[0] = "UPDATE DOCN SET ModifiedDate = :modified WHERE ObjectCode = 'SORD'";
    error = constructionError(orders);
    EXPECT_TRUE(mentions(error, "header 1: unknown parameter :modified")) << error.message;

    orders = demoOrders();
    orders.header[2] = "INSERT INTO SORH (DocEntry, ItemCode) VALUES (:doc_entry, :sku)";
    error = constructionError(orders);
    EXPECT_TRUE(mentions(error, "header 3: :sku is a value of each line")) << error.message;

    orders = demoOrders();
    orders.line = "INSERT INTO SORL (DocEntry, LineNum) VALUES (?, :line_no)";
    error = constructionError(orders);
    EXPECT_TRUE(mentions(error, "line: positional parameter '?'")) << error.message;

    orders = demoOrders();
    orders.header.clear();
    orders.document_number = "sku";
    error = constructionError(orders);
    EXPECT_TRUE(mentions(error, "header has no statement")) << error.message;
    EXPECT_TRUE(mentions(error, "document_number 'sku' is a value of each line")) << error.message;
}

TEST(OrderExportChecks, WithoutTheSectionTheConnectorExportsNothing) {
    OdbcConnector odbc({"Driver=None;", std::chrono::seconds(1), std::chrono::seconds(1), {}});
    EXPECT_FALSE(odbc.exportsOrders());
    const auto pushed = odbc.pushOrder(threeLineOrder("W-1"), "W-1");
    ASSERT_FALSE(pushed.ok());
    EXPECT_EQ(pushed.error().kind, ErrorKind::Config);
    EXPECT_FALSE(odbc.findOrder("W-1").ok());
}

// --- Orders written into demo ERPs, both drivers ----------------------------------------------------------------

class OrderExportErp : public ::testing::Test {
  protected:
    explicit OrderExportErp(Backend backend) : erp_(backend) {}

    void SetUp() override { erp_.generate(100); }

    OdbcConnector connector(OrderExportConfig orders = demoOrders()) const {
        return OdbcConnector(
            {erp_.connectionString(), std::chrono::seconds(10), std::chrono::seconds(60), {}, std::move(orders)});
    }

    std::vector<Row> rows(const std::string& sql) const {
        Connection connection(erp_.connectionString());
        Statement statement(connection);
        statement.execute(sql);
        std::vector<Row> out;
        while (statement.fetch()) {
            Row row;
            for (std::size_t column = 1; column <= statement.columnCount(); ++column) {
                row.push_back(statement.getText(column));
            }
            out.push_back(std::move(row));
        }
        return out;
    }

    std::string scalar(const std::string& sql) const {
        const auto result = rows(sql);
        return result.empty() || result.front().empty() ? "<no row>" : result.front().front().value_or("NULL");
    }

    void execute(const std::string& sql) const {
        Connection connection(erp_.connectionString());
        Statement statement(connection);
        statement.execute(sql);
    }

    // Everything a failed push must leave as it was.
    struct ErpState {
        std::string numbering, headers, lines;
        bool operator==(const ErpState&) const = default;
    };

    ErpState state() const {
        return {scalar("SELECT CAST(NextEntry AS VARCHAR(20)) || '/' || CAST(NextNumber AS VARCHAR(20)) FROM DOCN "
                       "WHERE ObjectCode = 'SORD'"),
                scalar("SELECT COUNT(*) FROM SORH"), scalar("SELECT COUNT(*) FROM SORL")};
    }

    // The error must not hold the ERP password.
    void expectNoSecret(const connector::Error& error) const {
        for (const auto& secret : connectionStringSecrets(erp_.connectionString())) {
            EXPECT_EQ(error.message.find(secret), std::string::npos) << "the message holds the password";
        }
    }

    ErpDatabase erp_;
};

class OrderExportTest : public OrderExportErp, public ::testing::WithParamInterface<Backend> {
  protected:
    OrderExportTest() : OrderExportErp(GetParam()) {}
};

// What only a server can show: a refused connection, a constraint checked at COMMIT.
class OrderExportPostgres : public OrderExportErp {
  protected:
    OrderExportPostgres() : OrderExportErp(Backend::Postgres) {}
};

TEST_P(OrderExportTest, PushWritesHeaderAndLinesAndReturnsTheDocumentNumber) {
    const std::string next_number = scalar("SELECT NextNumber FROM DOCN WHERE ObjectCode = 'SORD'");
    const std::string next_entry = scalar("SELECT NextEntry FROM DOCN WHERE ObjectCode = 'SORD'");
    const std::string lines_before = scalar("SELECT COUNT(*) FROM SORL");
    auto odbc = connector();
    ASSERT_TRUE(odbc.exportsOrders());

    const auto pushed = odbc.pushOrder(threeLineOrder("W-1001"), "W-1001");
    ASSERT_TRUE(pushed.ok()) << pushed.error().describe();
    EXPECT_EQ(pushed.value(), next_number);

    const auto headers = rows(
        "SELECT CAST(DocNum AS VARCHAR(20)), CAST(DocEntry AS VARCHAR(20)), RTRIM(CardCode), "
        "CAST(DocDate AS VARCHAR(10)), CAST(DueDate AS VARCHAR(10)), Currency, DocTotal, "
        "DocStatus, CancelFlag, ShipStatus FROM SORH WHERE ExtRef = 'W-1001'");
    ASSERT_EQ(headers.size(), 1u);
    EXPECT_EQ(headers[0],
              (Row{next_number, next_entry, "C000001", "2026-11-27", "2026-11-27", "EUR", "65.400000", "O", "N", "N"}));
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM SORH WHERE ExtRef = 'W-1001'"), "1");

    const auto lines = rows(
        "SELECT CAST(LineNum AS VARCHAR(5)), RTRIM(ItemCode), Quantity, UnitPrice, RTRIM(WhsCode), "
        "LineTotal FROM SORL WHERE DocEntry = " +
        next_entry + " ORDER BY LineNum");
    EXPECT_EQ(lines, (std::vector<Row>{{"1", "A0000001", "2.000000", "12.500000", "01", "25.000000"},
                                       {"2", "A0000002", "1.500000", "0.333000", "01", "0.500000"},
                                       {"3", "A0000003", "10.000000", "3.990000", "01", "39.900000"}}));
    EXPECT_EQ(std::stoll(scalar("SELECT COUNT(*) FROM SORL")), std::stoll(lines_before) + 3);
    EXPECT_EQ(scalar("SELECT NextNumber FROM DOCN WHERE ObjectCode = 'SORD'"),
              std::to_string(std::stoll(next_number) + 1));
    EXPECT_EQ(scalar("SELECT NextEntry FROM DOCN WHERE ObjectCode = 'SORD'"),
              std::to_string(std::stoll(next_entry) + 1));
    if (GetParam() == Backend::Sqlite) {
        // Codes padded to their CHAR width, as the ERP's own rows are (PostgreSQL pads CHAR by itself).
        EXPECT_EQ(scalar("SELECT LENGTH(CardCode) FROM SORH WHERE ExtRef = 'W-1001'"), "15");
        EXPECT_EQ(scalar("SELECT MIN(LENGTH(ItemCode)) || '/' || MIN(LENGTH(WhsCode)) FROM SORL WHERE DocEntry = " +
                         next_entry),
                  "20/8");
    }

    const auto found = odbc.findOrder("W-1001");
    ASSERT_TRUE(found.ok()) << found.error().describe();
    EXPECT_EQ(found.value(), next_number);
    const auto absent = odbc.findOrder("W-unknown");
    ASSERT_TRUE(absent.ok()) << absent.error().describe();
    EXPECT_EQ(absent.value(), std::nullopt);
}

TEST_P(OrderExportTest, WithoutDocumentNumberTheNumberIsReadBackWithFindQuery) {
    OrderExportConfig orders = demoOrders();
    orders.document_number.clear();
    const std::string next_number = scalar("SELECT NextNumber FROM DOCN WHERE ObjectCode = 'SORD'");
    const auto pushed = connector(orders).pushOrder(threeLineOrder("W-1002"), "W-1002");
    ASSERT_TRUE(pushed.ok()) << pushed.error().describe();
    EXPECT_EQ(pushed.value(), next_number);
    EXPECT_EQ(scalar("SELECT DocNum FROM SORH WHERE ExtRef = 'W-1002'"), next_number);
}

TEST_P(OrderExportTest, AnUnknownItemOnLine2RollsBackTheWholeOrder) {
    const ErpState before = state();
    auto odbc = connector();
    const auto pushed = odbc.pushOrder(threeLineOrder("W-1003", "NOSUCHITEM"), "W-1003");
    ASSERT_FALSE(pushed.ok());
    EXPECT_EQ(pushed.error().kind, ErrorKind::Data) << pushed.error().describe();
    EXPECT_TRUE(mentions(pushed.error(), "order 'W-1003': line 2 (sku 'NOSUCHITEM'): ")) << pushed.error().message;
    EXPECT_TRUE(mentions(pushed.error(), "rolled back")) << pushed.error().message;
    EXPECT_EQ(pushed.error().code, GetParam() == Backend::Sqlite ? "HY000" : "23503");
    expectNoSecret(pushed.error());

    EXPECT_EQ(state(), before);  // no SORH, no SORL row, and the document number was not used up
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM SORH WHERE ExtRef = 'W-1003'"), "0");
    const auto found = odbc.findOrder("W-1003");
    ASSERT_TRUE(found.ok()) << found.error().describe();
    EXPECT_EQ(found.value(), std::nullopt);
}

TEST_P(OrderExportTest, PushingTheSameKeyTwiceIsRefusedByTheErp) {
    auto odbc = connector();
    const auto first = odbc.pushOrder(threeLineOrder("W-1004"), "W-1004");
    ASSERT_TRUE(first.ok()) << first.error().describe();
    const ErpState after_first = state();

    const auto second = odbc.pushOrder(threeLineOrder("W-1004"), "W-1004");
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().kind, ErrorKind::Data) << second.error().describe();
    EXPECT_TRUE(mentions(second.error(), "header 3: ")) << second.error().message;
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM SORH WHERE ExtRef = 'W-1004'"), "1");
    EXPECT_EQ(state(), after_first);
    const auto found = odbc.findOrder("W-1004");
    ASSERT_TRUE(found.ok()) << found.error().describe();
    EXPECT_EQ(found.value(), first.value());
}

TEST_P(OrderExportTest, AnUnknownParameterOfALaterStatementStopsTheFirstOrder) {
    const ErpState before = state();
    OrderExportConfig orders = demoOrders();
    const auto at = orders.header[2].find(":customer_code");
    ASSERT_NE(at, std::string::npos);
    orders.header[2].replace(at, std::string(":customer_code").size(), ":custmer_code");
    const auto pushed = connector(orders).pushOrder(threeLineOrder("W-1005"), "W-1005");
    ASSERT_FALSE(pushed.ok());
    EXPECT_EQ(pushed.error().kind, ErrorKind::Config) << pushed.error().describe();
    EXPECT_TRUE(mentions(pushed.error(), "header 3: unknown parameter :custmer_code")) << pushed.error().message;
    EXPECT_TRUE(mentions(pushed.error(), ":doc_entry")) << "lists the values known there: " << pushed.error().message;
    EXPECT_EQ(state(), before);

    orders = demoOrders();
    orders.line = "INSERT INTO SORL (DocEntry, LineNum) VALUES (:doc_entry, :line_number)";
    const auto line = connector(orders).pushOrder(threeLineOrder("W-1005"), "W-1005");
    ASSERT_FALSE(line.ok());
    EXPECT_EQ(line.error().kind, ErrorKind::Config) << line.error().describe();
    EXPECT_TRUE(mentions(line.error(), "line 1 (sku 'A0000001'): unknown parameter :line_number"))
        << line.error().message;
    EXPECT_EQ(state(), before);
}

TEST_P(OrderExportTest, AHeaderSelectWithoutARowRefusesTheOrder) {
    const ErpState before = state();
    OrderExportConfig orders = demoOrders();
    orders.header[1] =
        "SELECT NextEntry - 1 AS doc_entry, NextNumber - 1 AS doc_num FROM DOCN WHERE ObjectCode = "
        "'NONE'";
    const auto pushed = connector(orders).pushOrder(threeLineOrder("W-1006"), "W-1006");
    ASSERT_FALSE(pushed.ok());
    EXPECT_EQ(pushed.error().kind, ErrorKind::Data) << pushed.error().describe();
    EXPECT_TRUE(mentions(pushed.error(), "header 2 returned no row")) << pushed.error().message;
    EXPECT_EQ(state(), before);
}

TEST_P(OrderExportTest, AStatementThatDoesNotFitTheErpIsAConfigError) {
    const ErpState before = state();
    OrderExportConfig orders = demoOrders();
    orders.line = "INSERT INTO SORL_MISSING (DocEntry) VALUES (:doc_entry)";
    const auto pushed = connector(orders).pushOrder(threeLineOrder("W-1007"), "W-1007");
    ASSERT_FALSE(pushed.ok());
    EXPECT_EQ(pushed.error().kind, ErrorKind::Config) << pushed.error().describe();
    EXPECT_TRUE(mentions(pushed.error(), "line")) << pushed.error().message;
    EXPECT_EQ(state(), before);
}

INSTANTIATE_TEST_SUITE_P(Drivers, OrderExportTest, ::testing::Values(Backend::Sqlite, Backend::Postgres),
                         [](const auto& info) { return testing::backendName(info.param); });

TEST_F(OrderExportPostgres, AnUnreachableErpIsTransientAndNamesNoPassword) {
    std::string unreachable = erp_.connectionString();
    const auto port = unreachable.find("Port=");
    ASSERT_NE(port, std::string::npos);
    unreachable.replace(port, unreachable.find(';', port) - port, "Port=1");
    OdbcConnector odbc({unreachable, std::chrono::seconds(5), std::chrono::seconds(5), {}, demoOrders()});
    const auto pushed = odbc.pushOrder(threeLineOrder("W-1008"), "W-1008");
    ASSERT_FALSE(pushed.ok());
    EXPECT_EQ(pushed.error().kind, ErrorKind::Transient) << pushed.error().describe();
    EXPECT_TRUE(mentions(pushed.error(), "connecting")) << pushed.error().message;
    expectNoSecret(pushed.error());
    const auto found = odbc.findOrder("W-1008");
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.error().kind, ErrorKind::Transient) << found.error().describe();
}

TEST_F(OrderExportPostgres, AFailedCommitIsTransientWithAnUnknownOutcome) {
    execute(
        "CREATE FUNCTION refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$");
    execute(
        "CREATE CONSTRAINT TRIGGER sorh_refuse_at_commit AFTER INSERT ON SORH DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION refuse_at_commit()");
    const ErpState before = state();
    auto odbc = connector();
    const auto pushed = odbc.pushOrder(threeLineOrder("W-1009"), "W-1009");
    ASSERT_FALSE(pushed.ok());
    EXPECT_EQ(pushed.error().kind, ErrorKind::Transient) << pushed.error().describe();
    EXPECT_TRUE(mentions(pushed.error(), "the COMMIT failed, so whether the ERP kept the order is unknown"))
        << pushed.error().message;
    EXPECT_TRUE(mentions(pushed.error(), "findOrder")) << pushed.error().message;
    EXPECT_TRUE(mentions(pushed.error(), "refused at commit")) << pushed.error().message;
    // Here the server did roll back, and findOrder is how the caller learns it.
    const auto found = odbc.findOrder("W-1009");
    ASSERT_TRUE(found.ok()) << found.error().describe();
    EXPECT_EQ(found.value(), std::nullopt);
    EXPECT_EQ(state(), before);
}

TEST_F(OrderExportPostgres, ConcurrentPushesQueueOnTheNumberingRowAndGetDistinctNumbers) {
    const std::string next_number = scalar("SELECT NextNumber FROM DOCN WHERE ObjectCode = 'SORD'");
    constexpr int kThreads = 3, kOrdersEach = 8;
    std::vector<std::vector<connector::Result<std::string>>> results(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            auto odbc = connector();
            for (int i = 0; i < kOrdersEach; ++i) {
                const std::string key = "W-C" + std::to_string(t) + "-" + std::to_string(i);
                results[t].push_back(odbc.pushOrder(threeLineOrder(key), key));
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    std::set<std::string> numbers;
    for (const auto& of_thread : results) {
        for (const auto& result : of_thread) {
            ASSERT_TRUE(result.ok()) << result.error().describe();
            numbers.insert(result.value());
        }
    }
    EXPECT_EQ(numbers.size(), static_cast<std::size_t>(kThreads * kOrdersEach));
    EXPECT_EQ(scalar("SELECT NextNumber FROM DOCN WHERE ObjectCode = 'SORD'"),
              std::to_string(std::stoll(next_number) + kThreads * kOrdersEach));
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM SORH WHERE ExtRef LIKE 'W-C%'"), std::to_string(kThreads * kOrdersEach));
    EXPECT_EQ(scalar("SELECT COUNT(*) FROM SORL l JOIN SORH h ON h.DocEntry = l.DocEntry WHERE h.ExtRef LIKE 'W-C%'"),
              std::to_string(3 * kThreads * kOrdersEach));
}

}  // namespace
}  // namespace syncline::odbc
