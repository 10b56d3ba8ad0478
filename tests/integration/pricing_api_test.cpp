// The pricing APIs (issue 7 item 2): the Thrift PricingService with a real Thrift client, in-process and in
// `syncline serve`, its bounds against malformed and oversized messages, and the JSON-over-HTTP API of the daemon.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>
#include <syncline_thrift/PricingService.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>
#include <nlohmann/json.hpp>

#include "connectors/builtin.h"
#include "app/auth_failures.h"
#include "app/live_prices.h"
#include "app/pricing_service.h"
#include "app/pricing_thrift.h"
#include "engine/config/config.h"
#include "engine/pricing/price_resolver.h"
#include "tests/support/child_process.h"
#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/sync_config.h"
#include "tests/support/test_env.h"
#include "tests/support/test_webstore.h"

namespace syncline {
namespace {

// config::load looks [erp] connector kinds up in the registry, as `syncline` does.
const bool kConnectorsRegistered = (connectors::registerBuiltinConnectors(), true);

namespace api = syncline::thrift_api;
using apache::thrift::protocol::TBinaryProtocol;
using apache::thrift::transport::TFramedTransport;
using apache::thrift::transport::TMemoryBuffer;
using apache::thrift::transport::TSocket;
using store::Backend;
using ::testing::HasSubstr;

constexpr const char* kAsOf = "2026-11-27";
constexpr const char* kToken = "test-token-7f3a";

/// A Thrift client over a framed socket, as a storefront would connect.
struct Client {
    explicit Client(int port) {
        socket = std::make_shared<TSocket>("127.0.0.1", port);
        socket->setRecvTimeout(10000);
        transport = std::make_shared<TFramedTransport>(socket);
        client = std::make_unique<api::PricingServiceClient>(std::make_shared<TBinaryProtocol>(transport));
        transport->open();
    }
    std::shared_ptr<TSocket> socket;
    std::shared_ptr<TFramedTransport> transport;
    std::unique_ptr<api::PricingServiceClient> client;
};

api::CartLine line(const std::string& sku, const std::string& quantity) {
    api::CartLine l;
    l.sku = sku;
    l.quantity = quantity;
    return l;
}

std::int64_t peakRssKb() {
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
        if (key == "VmHWM:") {
            std::int64_t kb = 0;
            in >> kb;
            return kb;
        }
        in.ignore(4096, '\n');
    }
    return 0;
}

int freePort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    return s.address().port();
}

class PricingApi : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        testing::DemoErpOptions options;
        options.items = 300;
        options.customers = 40;
        options.as_of = kAsOf;
        demo_ = new testing::PulledPrices("syncline-pricing-api", options);
    }
    static void TearDownTestSuite() { delete demo_; }

    static testing::ProcessResult syncline(std::vector<std::string> args) { return demo_->syncline(std::move(args)); }
    static store::ConnectionSettings settings() { return demo_->webstoreSettings(); }

    /// The Thrift PricingService on a free loopback port, in this process, as `syncline serve` runs it.
    struct ThriftServer {
        ThriftServer() { server.start(); }
        config::ApiConfig api = apiConfig();
        app::PricingService service{settings(), 93600, api.max_cart_lines};
        app::AuthFailureLog failures{settings()};
        app::ThriftPricingServer server{service, api, failures};
    };

    static config::ApiConfig apiConfig() {
        config::ApiConfig api;
        api.thrift_port = 0;  // any free port; port() tells which
        api.token = config::Secret(kToken, "test");
        api.max_connections = 8;
        api.max_request_bytes = 65536;
        api.max_cart_lines = 20;
        return api;
    }

    // A customer rule that wins for its customer, and an item the customer pays the list price for.
    static std::vector<std::string> someRuleLine() {
        const auto rows = demo_->webstore.sql().rows(
            "SELECT r.scope_key, r.sku FROM price_rules r JOIN products p ON p.sku = r.sku AND p.active = 1 JOIN "
            "customers c ON c.code = r.scope_key AND c.active = 1 WHERE r.scope = 'customer' AND r.active = 1 AND "
            "r.unit_price IS NOT NULL AND r.min_quantity <= 1 AND r.valid_from <= '" +
            std::string(kAsOf) + "' AND (r.valid_to IS NULL OR r.valid_to >= '" + kAsOf + "') ORDER BY r.rule_id");
        if (rows.empty()) {
            throw std::runtime_error("the demo ERP has no customer price rule on " + std::string(kAsOf));
        }
        return {*rows[0][0], *rows[0][1]};
    }

    static testing::PulledPrices* demo_;
};

testing::PulledPrices* PricingApi::demo_ = nullptr;

TEST_F(PricingApi, AThriftClientGetsTheCartTheResolverGivesAndTheExplanation) {
    ThriftServer running;
    auto& server = running.server;
    Client c(server.port());

    const auto rule_line = someRuleLine();
    const std::string customer = rule_line[0];
    const auto other_sku = demo_->webstore.sql()
                               .rows("SELECT sku FROM products WHERE active = 1 AND sku <> '" + rule_line[1] +
                                     "' ORDER BY sku LIMIT 1")[0][0]
                               .value();
    api::CartRequest request;
    request.token = kToken;
    request.customer = customer;
    request.lines = {line(rule_line[1], "1"), line(other_sku, "7"), line("NO-SUCH-SKU", "1")};
    request.__set_date(kAsOf);
    api::CartPrices reply;
    c.client->priceCart(reply, request);

    // The same cart straight from the resolver.
    auto store = store::Webstore::open(settings());
    pricing::PriceResolver resolver(*store);
    pricing::CartRequest direct{customer,
                                {{rule_line[1], model::Decimal::parse("1").value()},
                                 {other_sku, model::Decimal::parse("7").value()},
                                 {"NO-SUCH-SKU", model::Decimal::parse("1").value()}},
                                kAsOf,
                                std::nullopt,
                                false};
    const auto expected = resolver.priceCart(direct);

    EXPECT_EQ(reply.customer, customer);
    EXPECT_EQ(reply.currency, expected.currency);
    EXPECT_EQ(reply.date, kAsOf);
    ASSERT_EQ(reply.lines.size(), 3u);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& q = *expected.lines[i].quote;
        EXPECT_EQ(reply.lines[i].sku, q.basis.item.sku);
        EXPECT_EQ(model::Decimal::parse(reply.lines[i].unit_price).value(), q.unit_price.amount) << i;
        EXPECT_EQ(model::Decimal::parse(reply.lines[i].line_total).value(), q.line_total.amount) << i;
        EXPECT_EQ(reply.lines[i].__isset.rule_id, q.winner() != nullptr);
        EXPECT_FALSE(reply.lines[i].__isset.error_kind);
    }
    EXPECT_EQ(reply.lines[0].source, "rule");
    EXPECT_EQ(reply.lines[2].sku, "NO-SUCH-SKU");
    EXPECT_EQ(reply.lines[2].error_kind, "unknown_item");
    EXPECT_THAT(reply.lines[2].error, HasSubstr("NO-SUCH-SKU"));
    EXPECT_FALSE(reply.lines[2].__isset.unit_price);
    EXPECT_FALSE(reply.complete);
    EXPECT_EQ(model::Decimal::parse(reply.total).value(), expected.total.amount);
    EXPECT_EQ(reply.provenance.answered_by, "synced");
    EXPECT_TRUE(reply.provenance.__isset.synced_at) << "the prices job ran in SetUpTestSuite";

    api::LineRequest ask;
    ask.token = kToken;
    ask.customer = customer;
    ask.sku = rule_line[1];
    ask.__set_date(kAsOf);
    api::Explanation why;
    c.client->explain(why, ask);
    EXPECT_EQ(why.line.unit_price, reply.lines[0].unit_price);
    int won = 0;
    for (const auto& candidate : why.candidates) {
        if (candidate.outcome == "won") {
            ++won;
            EXPECT_EQ(candidate.rule_id, reply.lines[0].rule_id);
        }
        EXPECT_FALSE(candidate.reason.empty());
    }
    EXPECT_EQ(won, 1);
}

TEST_F(PricingApi, ThriftRefusesAWrongTokenABadQuantityAndATooLongCartWithAFault) {
    ThriftServer running;
    auto& server = running.server;
    Client c(server.port());
    const auto rule_line = someRuleLine();
    api::CartRequest request;
    request.customer = rule_line[0];
    request.lines = {line(rule_line[1], "1")};
    api::CartPrices reply;

    auto faultOf = [&](const api::CartRequest& r) {
        try {
            c.client->priceCart(reply, r);
        } catch (const api::PricingFault& f) {
            return f;
        }
        ADD_FAILURE() << "no fault";
        return api::PricingFault();
    };
    request.token = "wrong";
    EXPECT_EQ(faultOf(request).kind, "unauthorized");
    request.token = kToken;
    request.lines = {line(rule_line[1], "two")};
    const auto bad = faultOf(request);
    EXPECT_EQ(bad.kind, "invalid_request");
    EXPECT_THAT(bad.message, HasSubstr("line 1 (" + rule_line[1] + "): quantity 'two'"));
    request.lines.assign(21, line(rule_line[1], "1"));
    const auto too_long = faultOf(request);
    EXPECT_EQ(too_long.kind, "invalid_request");
    EXPECT_THAT(too_long.message, HasSubstr("at most 20"));
    request.customer = "NO-SUCH-CUSTOMER";
    request.lines = {line(rule_line[1], "1")};
    EXPECT_EQ(faultOf(request).kind, "unknown_customer");
    // The connection is still good after faults.
    request.customer = rule_line[0];
    c.client->priceCart(reply, request);
    EXPECT_TRUE(reply.complete);
}

// Sends `payload` as raw bytes and reports whether the server closed the connection (instead of answering).
bool serverClosesAfter(int port, const std::string& payload) {
    auto socket = std::make_shared<TSocket>("127.0.0.1", port);
    socket->setRecvTimeout(10000);
    socket->open();
    socket->write(reinterpret_cast<const std::uint8_t*>(payload.data()), static_cast<std::uint32_t>(payload.size()));
    std::uint8_t byte = 0;
    try {
        return socket->read(&byte, 1) == 0;
    } catch (const apache::thrift::transport::TTransportException& e) {
        // Reset by the server: closed. Timed out: the server still waits for the bytes announced.
        return e.getType() != apache::thrift::transport::TTransportException::TIMED_OUT;
    }
}

std::string framed(const std::string& message) {
    const auto n = static_cast<std::uint32_t>(message.size());
    std::string out = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                       static_cast<char>(n)};
    return out + message;
}

// A priceCart call whose request declares more than it carries: built with the real protocol, then cut short.
std::string lyingCall(bool huge_list) {
    auto buffer = std::make_shared<TMemoryBuffer>();
    TBinaryProtocol p(buffer);
    p.writeMessageBegin("priceCart", apache::thrift::protocol::T_CALL, 1);
    p.writeStructBegin("args");
    p.writeFieldBegin("request", apache::thrift::protocol::T_STRUCT, 1);
    p.writeStructBegin("CartRequest");
    if (huge_list) {
        p.writeFieldBegin("lines", apache::thrift::protocol::T_LIST, 3);
        p.writeListBegin(apache::thrift::protocol::T_STRUCT, 1 << 30);
    } else {
        p.writeFieldBegin("customer", apache::thrift::protocol::T_STRING, 2);
        p.writeI32(1 << 30);  // a string's length, and no string
    }
    return buffer->getBufferAsString();
}

TEST_F(PricingApi, MalformedAndOversizedThriftMessagesCloseOnlyThatConnection) {
    ThriftServer running;
    auto& server = running.server;
    const auto rss_before = peakRssKb();

    // Not Thrift at all: an HTTP request read as a frame header announces a 1.2 GB frame.
    EXPECT_TRUE(serverClosesAfter(server.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    // A frame larger than max_request_bytes (64 KiB) is refused from its header.
    EXPECT_TRUE(serverClosesAfter(server.port(), framed(std::string(70000, 'x'))));
    // A small frame of garbage.
    EXPECT_TRUE(serverClosesAfter(server.port(), framed("\x01\x02\x03\x04garbage")));
    // Small frames declaring a list of 2^30 lines and a string of 1 GiB.
    EXPECT_TRUE(serverClosesAfter(server.port(), framed(lyingCall(true))));
    EXPECT_TRUE(serverClosesAfter(server.port(), framed(lyingCall(false))));

    // Nothing large was allocated for them (the test process holds the server too), and the server goes on.
    EXPECT_LT(peakRssKb() - rss_before, 64 * 1024) << "kB of peak RSS added";
    Client c(server.port());
    const auto rule_line = someRuleLine();
    api::CartRequest request;
    request.token = kToken;
    request.customer = rule_line[0];
    request.lines = {line(rule_line[1], "1")};
    api::CartPrices reply;
    c.client->priceCart(reply, request);
    EXPECT_TRUE(reply.complete);
}

struct HttpReply {
    int status = 0;
    std::string content_type;
    nlohmann::json body;
};

HttpReply http(int port, const std::string& method, const std::string& target, const std::string& body = "",
               const std::string& token = kToken, std::optional<std::size_t> claimed_length = std::nullopt) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) {
        request.set("Authorization", "Bearer " + token);
    }
    if (method == "POST") {
        request.setContentType("application/json");
        request.setContentLength64(static_cast<Poco::Int64>(claimed_length.value_or(body.size())));
    }
    auto& out = session.sendRequest(request);
    if (!claimed_length) {
        out << body;
    }
    Poco::Net::HTTPResponse response;
    auto& in = session.receiveResponse(response);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    HttpReply reply;
    reply.status = static_cast<int>(response.getStatus());
    reply.content_type = response.getContentType();
    reply.body = text.empty() ? nlohmann::json() : nlohmann::json::parse(text);
    return reply;
}

TEST_F(PricingApi, TheDaemonServesPricesOverHttpAndThriftWithTheSameNumbersAsTheCommand) {
    const int http_port = freePort();
    const int thrift_port = freePort();
    const auto config = (demo_->dir.path() / "api.toml").string();
    {
        std::ifstream in(demo_->config);
        std::stringstream text;
        text << in.rdbuf();
        std::ofstream out(config);
        out << text.str() << "\n[api]\nhttp_port = " << http_port << "\nthrift_port = " << thrift_port
            << "\ntoken_env = \"SYNCLINE_TEST_API_TOKEN\"\nmax_request_bytes = 4096\nmax_cart_lines = 20\n";
    }
    auto env = demo_->erp.environment();
    env.push_back(std::string("SYNCLINE_TEST_API_TOKEN=") + kToken);
    testing::ChildProcess daemon({testing::synclineBinary(), "-c", config, "serve"}, env);
    HttpReply live;
    for (int i = 0; i < 100; ++i) {
        try {
            live = http(http_port, "GET", "/livez", "", "");
            break;
        } catch (const Poco::Exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    ASSERT_EQ(live.status, 200) << "the daemon's HTTP API did not come up";

    const auto rule_line = someRuleLine();
    const std::string& customer = rule_line[0];
    const std::string& sku = rule_line[1];
    const auto command = syncline({"price", customer, sku, "3", "--date", kAsOf, "--json"});
    ASSERT_EQ(command.exit_code, 0) << command.err;
    const auto expected = nlohmann::json::parse(command.out);

    const auto explained = http(
        http_port, "GET", "/api/v1/prices/explain?customer=" + customer + "&sku=" + sku + "&quantity=3&date=" + kAsOf);
    ASSERT_EQ(explained.status, 200) << explained.body.dump();
    EXPECT_EQ(explained.body["unit_price"], expected["unit_price"]);
    EXPECT_EQ(explained.body["line_total"], expected["line_total"]);
    EXPECT_EQ(explained.body["rule"]["rule_id"], expected["rule"]["rule_id"]);
    EXPECT_EQ(explained.body["candidates"].size(), expected["candidates"].size());
    EXPECT_EQ(explained.body["provenance"]["answered_by"], "synced");
    EXPECT_EQ(explained.body["provenance"]["synced_at"], expected["synced_at"]);

    const nlohmann::json cart = {{"customer", customer},
                                 {"date", kAsOf},
                                 {"lines", {{{"sku", sku}, {"quantity", "3"}}, {{"sku", "NO-SUCH-SKU"}}}}};
    const auto priced = http(http_port, "POST", "/api/v1/prices/cart", cart.dump());
    ASSERT_EQ(priced.status, 200) << priced.body.dump();
    EXPECT_EQ(priced.body["lines"][0]["unit_price"], expected["unit_price"]);
    EXPECT_EQ(priced.body["lines"][1]["error"], "unknown_item");
    EXPECT_EQ(priced.body["lines"][1]["sku"], "NO-SUCH-SKU");
    EXPECT_EQ(priced.body["total"], expected["line_total"]);
    EXPECT_EQ(priced.body["complete"], false);

    // The refusals an integrator meets, each as application/problem+json naming what is wrong.
    const auto no_token = http(http_port, "POST", "/api/v1/prices/cart", cart.dump(), "");
    EXPECT_EQ(no_token.status, 401);
    EXPECT_EQ(no_token.content_type, "application/problem+json");
    EXPECT_EQ(http(http_port, "POST", "/api/v1/prices/cart", cart.dump(), "wrong").status, 401);
    const auto too_large = http(http_port, "POST", "/api/v1/prices/cart", "", kToken, 1u << 30);
    EXPECT_EQ(too_large.status, 413);
    EXPECT_THAT(too_large.body["detail"].get<std::string>(), HasSubstr("at most 4096"));
    EXPECT_EQ(http(http_port, "GET", "/api/v1/prices/cart").status, 405);
    const auto money_as_number =
        http(http_port, "POST", "/api/v1/prices/cart",
             nlohmann::json{{"customer", customer}, {"lines", {{{"sku", sku}, {"quantity", 2}}}}}.dump());
    EXPECT_EQ(money_as_number.status, 400);
    EXPECT_THAT(money_as_number.body["detail"].get<std::string>(), HasSubstr("lines[0].quantity must be a string"));
    const auto unknown = http(http_port, "GET", "/api/v1/prices/explain?customer=NOBODY&sku=" + sku);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.body["kind"], "unknown_customer");

    // The daemon's Thrift API answers the same.
    Client c(thrift_port);
    api::CartRequest request;
    request.token = kToken;
    request.customer = customer;
    request.lines = {line(sku, "3")};
    request.__set_date(kAsOf);
    api::CartPrices reply;
    c.client->priceCart(reply, request);
    EXPECT_EQ(nlohmann::json(reply.lines[0].unit_price), expected["unit_price"]);
    c.transport->close();

    // The daemon answers from its price cache. The ERP changes the winning rule's price, the prices job pulls it
    // (another process), and within the cache's check interval (1 s by default) both APIs answer the new price.
    const std::string won = expected["rule"]["rule_id"];
    ASSERT_EQ(won.rfind("SP-", 0), 0u) << won;
    const auto dash = won.find('-', 3);
    const std::string spec = won.substr(3, dash == std::string::npos ? std::string::npos : dash - 3);
    demo_->erp.sql().execute(dash == std::string::npos
                                 ? "UPDATE SPPH SET Price = CASE WHEN Price IS NULL THEN NULL ELSE '0.07' END, "
                                   "DiscountPct = CASE WHEN DiscountPct IS NULL THEN NULL ELSE '99' END WHERE "
                                   "SpecPriceId = " +
                                       spec
                                 : "UPDATE SPPB SET Price = CASE WHEN Price IS NULL THEN NULL ELSE '0.07' END, "
                                   "DiscountPct = CASE WHEN DiscountPct IS NULL THEN NULL ELSE '99' END WHERE "
                                   "SpecPriceId = " +
                                       spec + " AND BreakNo = " + won.substr(dash + 1));
    const auto pulled = syncline({"run", "prices", "--full"});
    ASSERT_EQ(pulled.exit_code, 0) << pulled.out << pulled.err;
    const auto changed = nlohmann::json::parse(syncline({"price", customer, sku, "3", "--date", kAsOf, "--json"}).out);
    ASSERT_NE(changed["unit_price"], expected["unit_price"]) << "the pull did not change the price";
    const auto explain_path =
        "/api/v1/prices/explain?customer=" + customer + "&sku=" + sku + "&quantity=3&date=" + std::string(kAsOf);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (http(http_port, "GET", explain_path).body["unit_price"] != changed["unit_price"] &&
           std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(http(http_port, "GET", explain_path).body["unit_price"], changed["unit_price"]);
    EXPECT_EQ(http(http_port, "POST", "/api/v1/prices/cart", cart.dump()).body["total"], changed["line_total"]);
    Client again(thrift_port);
    again.client->priceCart(reply, request);
    EXPECT_EQ(nlohmann::json(reply.lines[0].unit_price), changed["unit_price"]);
    again.transport->close();

    daemon.kill(SIGTERM);
    const auto end = daemon.wait();
    EXPECT_EQ(end.exit_code, 0) << end.err;
    EXPECT_THAT(end.err, HasSubstr("pricing API: JSON over HTTP on 127.0.0.1:" + std::to_string(http_port)));
    EXPECT_THAT(end.err, ::testing::Not(HasSubstr(kToken))) << "the token is never logged";
}

// The APIs follow a SIGHUP: a rotated token (token_file) and new limits take effect without a restart; a reload that
// leaves them as they were does not touch them.
TEST_F(PricingApi, ASighupWithANewTokenRestartsTheApisAndOneWithoutLeavesThemRunning) {
    const int http_port = freePort();
    const auto token_file = (demo_->dir.path() / "api-token").string();
    std::ofstream(token_file, std::ios::trunc) << "first-token\n";
    ::chmod(token_file.c_str(), 0600);
    const auto config = (demo_->dir.path() / "rotate.toml").string();
    const std::string base = [&] {
        std::ifstream in(demo_->config);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }();
    auto write_config = [&](int max_cart_lines) {
        std::ofstream(config, std::ios::trunc) << base << "\n[api]\nhttp_port = " << http_port << "\ntoken_file = \""
                                               << token_file << "\"\nmax_cart_lines = " << max_cart_lines << "\n";
    };
    write_config(20);
    testing::ChildProcess daemon({testing::synclineBinary(), "-c", config, "serve"}, demo_->erp.environment());
    const auto rule_line = someRuleLine();
    const nlohmann::json two_lines = {
        {"customer", rule_line[0]},
        {"date", kAsOf},
        {"lines", {{{"sku", rule_line[1]}, {"quantity", "1"}}, {{"sku", rule_line[1]}, {"quantity", "2"}}}}};
    auto cart_status = [&](const std::string& token) {
        try {
            return http(http_port, "POST", "/api/v1/prices/cart", two_lines.dump(), token).status;
        } catch (const Poco::Exception&) {
            return 0;  // not listening (yet, or for a moment while restarting)
        }
    };
    auto wait_for = [&](auto check) {
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!check() && std::chrono::steady_clock::now() < give_up) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    };
    wait_for([&] { return cart_status("first-token") == 200; });
    ASSERT_EQ(cart_status("first-token"), 200);

    // The same config again: nothing to restart.
    auto reloads = [&] {
        const auto err = daemon.errSoFar();
        std::size_t n = 0;
        for (auto at = err.find(" reloaded"); at != std::string::npos; at = err.find(" reloaded", at + 1)) {
            ++n;
        }
        return n;
    };
    daemon.kill(SIGHUP);
    wait_for([&] { return reloads() == 1; });
    ASSERT_EQ(reloads(), 1u) << daemon.errSoFar();
    EXPECT_EQ(cart_status("first-token"), 200);

    // The token rotated and the carts limited to one line.
    std::ofstream(token_file, std::ios::trunc) << "second-token\n";
    write_config(1);
    daemon.kill(SIGHUP);
    wait_for([&] { return cart_status("second-token") == 422 || cart_status("second-token") == 400; });
    const auto refused = http(http_port, "POST", "/api/v1/prices/cart", two_lines.dump(), "second-token");
    EXPECT_THAT(refused.body["detail"].get<std::string>(), HasSubstr("at most 1 are accepted"));
    EXPECT_EQ(cart_status("first-token"), 401) << "the old token no longer opens the API";

    daemon.kill(SIGTERM);
    const auto end = daemon.wait();
    EXPECT_EQ(end.exit_code, 0) << end.err;
    const auto restarts = [&] {
        std::size_t n = 0;
        for (auto at = end.err.find("pricing APIs restarted"); at != std::string::npos;
             at = end.err.find("pricing APIs restarted", at + 1)) {
            ++n;
        }
        return n;
    }();
    EXPECT_EQ(restarts, 1u) << end.err;
    EXPECT_THAT(end.err, ::testing::Not(HasSubstr("second-token")));
}

// Live mode against the demo ERP through sqliteodbc: a table of the ERP's "live" prices, read by [erp.live_price] query.
class LiveMode : public PricingApi {
  protected:
    static void SetUpTestSuite() {
        PricingApi::SetUpTestSuite();
        demo_->erp.sql().execute("CREATE TABLE LIVEP (CardCode TEXT, ItemCode TEXT, Price TEXT, Currency TEXT)");
    }

    // The service with live mode on, configured as an admin would: the test's config plus [erp.live_price].
    std::unique_ptr<app::PricingService> service(const std::string& query, int timeout_ms) {
        const auto path = (demo_->dir.path() / "live.toml").string();
        std::ifstream in(demo_->config);
        std::stringstream text;
        text << in.rdbuf();
        nlohmann::json quoted = query;  // a TOML basic string is written like a JSON string
        std::ofstream(path) << text.str() << "\n[erp.live_price]\nquery = " << quoted.dump()
                            << "\n[pricing.live]\ntimeout_ms = " << timeout_ms << "\ncache_ttl_s = 60\n";
        const auto config = config::load(path);
        return std::make_unique<app::PricingService>(settings(), 93600, 20, app::makeLivePrices(config));
    }

    static pricing::PriceRequest ask(const std::string& customer, const std::string& sku) {
        pricing::PriceRequest r;
        r.customer = customer;
        r.sku = sku;
        r.quantity = model::Decimal::parse("4").value();
        r.date = kAsOf;
        return r;
    }

    static constexpr const char* kQuery =
        "SELECT Price, Currency FROM LIVEP WHERE CardCode = :customer AND ItemCode = :sku";
};

TEST_F(LiveMode, TheErpAnswersThenTheCacheAndWithoutALivePriceTheSyncedRules) {
    const auto line = someRuleLine();
    const auto currency = demo_->webstore.sql().value("SELECT currency FROM customers WHERE code = '" + line[0] + "'");
    demo_->erp.sql().execute("INSERT INTO LIVEP VALUES ('" + line[0] + "', '" + line[1] + "', '11.1111', '" + currency +
                             "')");
    auto live = service(kQuery, 5000);

    const auto first = live->explain(ask(line[0], line[1]));
    EXPECT_EQ(first.provenance.answered_by, "live");
    EXPECT_EQ(first.quote.source, pricing::PriceSource::Live);
    EXPECT_EQ(first.quote.unit_price.amount, model::Decimal::parse("11.1111").value());
    EXPECT_EQ(first.quote.line_total.amount, model::Decimal::parse("44.44").value()) << "4 x 11.1111, half up";
    ASSERT_TRUE(first.quote.synced_unit_price.has_value());
    EXPECT_EQ(first.quote.winner(), nullptr) << "no synced rule gave a live price";
    EXPECT_FALSE(first.quote.candidates.empty()) << "the synced rules still explain";

    const auto second = live->explain(ask(line[0], line[1]));
    EXPECT_EQ(second.provenance.answered_by, "cache");
    EXPECT_EQ(second.quote.unit_price.amount, first.quote.unit_price.amount);

    // In a cart: the line the ERP prices is live, the other keeps the synced price, and the reply says so.
    const auto other = demo_->webstore.sql().value("SELECT sku FROM products WHERE active = 1 AND sku <> '" + line[1] +
                                                   "' ORDER BY sku LIMIT 1");
    pricing::CartRequest cart{
        line[0],
        {{line[1], model::Decimal::parse("4").value()}, {other, model::Decimal::parse("1").value()}},
        kAsOf,
        std::nullopt,
        false};
    const auto priced = live->priceCart(cart);
    ASSERT_EQ(priced.answered_by.size(), 2u);
    EXPECT_EQ(priced.answered_by[0], "cache");
    EXPECT_EQ(priced.answered_by[1], "synced");
    EXPECT_EQ(priced.provenance.answered_by, "mixed");
    EXPECT_EQ(priced.cart.total.amount,
              priced.cart.lines[0].quote->line_total.amount + priced.cart.lines[1].quote->line_total.amount);
    ASSERT_FALSE(priced.provenance.warnings.empty());
    EXPECT_THAT(priced.provenance.warnings.back(),
                HasSubstr("item " + other + ", quantity 1: the ERP has no live price"));
}

TEST_F(LiveMode, AnErpThatDoesNotAnswerInTimeOrFailsLeavesTheSyncedPriceWithAWarning) {
    const auto line = someRuleLine();
    auto store = store::Webstore::open(settings());
    pricing::PriceResolver resolver(*store);
    const auto synced = resolver.price(ask(line[0], line[1]));

    // A query that needs seconds for a line the ERP has a price for (a recursive count in SQLite, run when a row
    // matches), asked with 200 ms to answer.
    const auto currency = demo_->webstore.sql().value("SELECT currency FROM customers WHERE code = '" + line[0] + "'");
    demo_->erp.sql().execute("INSERT INTO LIVEP VALUES ('" + line[0] + "', '" + line[1] + "', '11.1111', '" + currency +
                             "')");
    const std::string slow = std::string(kQuery) +
                             " AND (WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) "
                             "SELECT COUNT(*) FROM n) > 0";
    {
        auto live = service(slow, 200);
        const auto answer = live->explain(ask(line[0], line[1]));
        EXPECT_EQ(answer.provenance.answered_by, "synced");
        EXPECT_EQ(answer.quote.unit_price, synced.unit_price);
        ASSERT_FALSE(answer.provenance.warnings.empty());
        EXPECT_THAT(answer.provenance.warnings.back(),
                    HasSubstr("the ERP did not answer within 200 ms; the synced rules "
                              "answered"));
    }
    // The ERP reports an error: its SQLSTATE and message are in the warning.
    auto failing = service("SELECT Price FROM NO_SUCH_TABLE WHERE ItemCode = :sku", 5000);
    const auto answer = failing->explain(ask(line[0], line[1]));
    EXPECT_EQ(answer.provenance.answered_by, "synced");
    EXPECT_EQ(answer.quote.unit_price, synced.unit_price);
    ASSERT_FALSE(answer.provenance.warnings.empty());
    EXPECT_THAT(answer.provenance.warnings.back(), HasSubstr("live price query failed"));
    EXPECT_THAT(answer.provenance.warnings.back(), HasSubstr("NO_SUCH_TABLE"));

    // A query with a parameter live mode does not know is refused when the service is made.
    EXPECT_THROW(service("SELECT Price FROM LIVEP WHERE CardCode = :card", 200), std::invalid_argument);
}

}  // namespace
}  // namespace syncline
