// The pricing APIs against hostile clients (issue 19: D6, D7, D11, D12), over real sockets: slow and idle HTTP clients
// (slowloris), idle Thrift connections, a malformed URI, and failed authentications in the log and the audit log.
// Clients on other addresses than the normal client's (127.0.0.1) connect from 127.0.0.2 and up: on Linux the whole
// of 127.0.0.0/8 is this machine.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <syncline_thrift/PricingService.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>
#include <nlohmann/json.hpp>

#include "app/auth_failures.h"
#include "app/http_api.h"
#include "app/pricing_service.h"
#include "app/pricing_thrift.h"
#include "engine/config/config.h"
#include "tests/support/child_process.h"
#include "tests/support/socket_clients.h"
#include "tests/support/sync_config.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

namespace api = syncline::thrift_api;
using testing::freePort;
using ::testing::HasSubstr;
using testing::RawClient;
using testing::rawHttp;
using testing::waitClosedByServer;

constexpr const char* kAsOf = "2026-11-27";
constexpr const char* kToken = "test-token-19d6";

void raiseDescriptorLimit() {
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

struct HttpReply {
    int status = 0;
    std::string content_type;
    nlohmann::json body;
};

/// GET `target` from 127.0.0.1; status 0 (and the error as the body) when no reply came within 10 s.
HttpReply http(int port, const std::string& target, const std::string& token = kToken) try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request("GET", target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) {
        request.set("Authorization", "Bearer " + token);
    }
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    auto& in = session.receiveResponse(response);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return {static_cast<int>(response.getStatus()), response.getContentType(),
            text.empty() ? nlohmann::json() : nlohmann::json::parse(text)};
} catch (const Poco::Exception& e) {
    return {0, "", e.displayText()};
}

/// A Thrift client over a framed socket, as a storefront connects.
struct ThriftClient {
    explicit ThriftClient(int port) {
        socket = std::make_shared<apache::thrift::transport::TSocket>("127.0.0.1", port);
        socket->setRecvTimeout(10000);
        transport = std::make_shared<apache::thrift::transport::TFramedTransport>(socket);
        client = std::make_unique<api::PricingServiceClient>(
            std::make_shared<apache::thrift::protocol::TBinaryProtocol>(transport));
        transport->open();
    }
    std::shared_ptr<apache::thrift::transport::TSocket> socket;
    std::shared_ptr<apache::thrift::transport::TFramedTransport> transport;
    std::unique_ptr<api::PricingServiceClient> client;
};

class ApiLimits : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        raiseDescriptorLimit();
        testing::DemoErpOptions options;
        options.items = 60;
        options.customers = 10;
        options.as_of = kAsOf;
        demo_ = new testing::PulledPrices("syncline-api-limits", options);
        const auto rows = demo_->webstore.sql().rows(
            "SELECT r.scope_key, r.sku FROM price_rules r JOIN products p ON p.sku = r.sku AND p.active = 1 JOIN "
            "customers c ON c.code = r.scope_key AND c.active = 1 WHERE r.scope = 'customer' AND r.active = 1 AND "
            "r.unit_price IS NOT NULL AND r.min_quantity <= 1 AND r.valid_from <= '" +
            std::string(kAsOf) + "' AND (r.valid_to IS NULL OR r.valid_to >= '" + kAsOf + "') ORDER BY r.rule_id");
        ASSERT_FALSE(rows.empty()) << "the demo ERP has no customer price rule";
        customer_ = *rows[0][0];
        sku_ = *rows[0][1];
    }
    static void TearDownTestSuite() { delete demo_; }

    static config::ApiConfig apiConfig() {
        config::ApiConfig api;
        api.token = config::Secret(kToken, "test");
        api.max_connections = 2;
        api.max_connections_per_peer = 8;
        api.http_request_timeout_ms = 1500;
        api.thrift_first_frame_timeout_ms = 500;
        return api;
    }

    static std::string explainTarget() {
        return "/api/v1/prices/explain?customer=" + customer_ + "&sku=" + sku_ + "&date=" + kAsOf;
    }

    static std::int64_t lastAuditSeq() {
        return std::stoll(demo_->webstore.sql().value("SELECT COALESCE(MAX(seq), 0) FROM audit_log"));
    }

    /// The failed authentications the audit log holds for `actor` after `seq`: {rows, failures counted, reasons}.
    static std::tuple<int, std::int64_t, std::set<std::string>> audited(const std::string& actor, std::int64_t seq) {
        int rows = 0;
        std::int64_t failures = 0;
        std::set<std::string> reasons;
        for (const auto& row : demo_->webstore.sql().rows(
                 "SELECT changes FROM audit_log WHERE action = 'auth_failed' AND entity = 'api' AND actor = '" + actor +
                 "' AND seq > " + std::to_string(seq))) {
            const auto changes = nlohmann::json::parse(*row[0]);
            ++rows;
            failures += std::stoll(changes["failures"]["to"].get<std::string>());
            reasons.insert(changes["reason"]["to"].get<std::string>());
        }
        return {rows, failures, reasons};
    }

    static testing::PulledPrices* demo_;
    static std::string customer_;
    static std::string sku_;
};

testing::PulledPrices* ApiLimits::demo_ = nullptr;
std::string ApiLimits::customer_;
std::string ApiLimits::sku_;

// D6: 70 clients on one address that send their header a byte at a time, and 400 idle connections from 50 other
// addresses, against a server with 2 workers: a normal client is priced and /livez answers meanwhile, the connections
// over the per-address limit are refused, and the slow and idle ones are closed at the request deadline.
TEST_F(ApiLimits, SlowAndIdleHttpClientsLeaveRoomForPricesAndLivez) {
    const auto api = apiConfig();
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    app::AuthFailureLog failures(demo_->webstoreSettings());
    app::HttpPricingServer server(service, api, failures);
    server.start();

    std::vector<RawClient> slow;
    for (int i = 0; i < 70; ++i) {
        slow.emplace_back("127.0.0.2", server.port());
        slow.back().send("GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    }
    std::vector<RawClient> idle;
    for (int peer = 3; peer < 53; ++peer) {
        for (int i = 0; i < 8; ++i) {
            idle.emplace_back("127.0.0." + std::to_string(peer), server.port());
        }
    }
    std::atomic<bool> trickling{true};
    std::thread trickle([&] {
        while (trickling) {
            for (const auto& c : slow) {
                c.send("x");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });

    const auto priced = http(server.port(), explainTarget());
    const auto live = http(server.port(), "/livez", "");
    const auto slow_closed = waitClosedByServer(slow);
    const auto idle_closed = waitClosedByServer(idle);
    trickling = false;
    trickle.join();

    EXPECT_EQ(live.status, 200) << live.body.dump();
    EXPECT_EQ(slow_closed, slow.size()) << "slow clients still connected";
    EXPECT_EQ(idle_closed, idle.size()) << "idle clients still connected";
    ASSERT_EQ(priced.status, 200) << priced.body.dump();
    EXPECT_EQ(priced.body["rule"]["scope"], "customer") << priced.body.dump();
    // Still serving.
    EXPECT_EQ(http(server.port(), explainTarget()).status, 200);
}

// D6: the refusals and the deadline say why, as problem+json.
TEST_F(ApiLimits, AClientOverItsAddressLimitGets503AndASlowOneGets408) {
    auto api = apiConfig();
    api.max_connections_per_peer = 1;
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    app::AuthFailureLog failures(demo_->webstoreSettings());
    app::HttpPricingServer server(service, api, failures);
    server.start();

    RawClient first("127.0.0.2", server.port());
    first.send("GET /livez HTTP/1.1\r\nHost: x\r\n");  // not whole: no empty line
    const auto [refused, refusal] = rawHttp("127.0.0.2", server.port(), "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(refused, 503) << refusal;
    EXPECT_THAT(refusal, HasSubstr("application/problem+json"));
    EXPECT_THAT(refusal, HasSubstr("[api] max_connections_per_peer"));

    const auto timed_out = first.readAll();
    EXPECT_EQ(timed_out.rfind("HTTP/1.1 408 ", 0), 0u) << timed_out;
    EXPECT_THAT(timed_out, HasSubstr("[api] http_request_timeout_ms"));
    // Its slot is free again.
    EXPECT_EQ(rawHttp("127.0.0.2", server.port(), "GET /livez HTTP/1.1\r\nHost: x\r\n\r\n").first, 200);
}

// The HTTP server reads requests itself since D6: what clients rely on still works. Pipelined requests are answered in
// order, a body announced with Expect: 100-continue is asked for, HTTP/1.0 and Connection: close end the connection.
TEST_F(ApiLimits, TheHttpServerAnswersPipelinedRequestsContinuesAndCloses) {
    const auto api = apiConfig();
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    app::AuthFailureLog failures(demo_->webstoreSettings());
    app::HttpPricingServer server(service, api, failures);
    server.start();

    const auto [status, pipelined] =
        rawHttp("127.0.0.1", server.port(),
                "GET /livez HTTP/1.1\r\nHost: x\r\n\r\nGET " + explainTarget() + " HTTP/1.1\r\nHost: x\r\n" +
                    "Authorization: Bearer " + kToken + "\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(status, 200) << pipelined;
    const auto second = pipelined.find("HTTP/1.1 ", 1);
    ASSERT_NE(second, std::string::npos) << pipelined;
    EXPECT_EQ(pipelined.substr(second, 12), "HTTP/1.1 200") << pipelined;
    EXPECT_THAT(pipelined.substr(second), HasSubstr("\"customer\""));
    EXPECT_THAT(pipelined.substr(second), HasSubstr("Connection: close"));

    const std::string cart =
        nlohmann::json{{"customer", customer_}, {"date", kAsOf}, {"lines", {{{"sku", sku_}, {"quantity", "2"}}}}}
            .dump();
    RawClient client("127.0.0.1", server.port());
    client.send("POST /api/v1/prices/cart HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + std::string(kToken) +
                "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(cart.size()) +
                "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n");
    char buffer[256] = {};
    pollfd p{client.fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 10000), 1) << "no 100 Continue";
    const auto n = ::recv(client.fd(), buffer, sizeof buffer - 1, 0);
    EXPECT_EQ(std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0), "HTTP/1.1 100 Continue\r\n\r\n");
    client.send(cart);
    const auto priced = client.readAll();
    EXPECT_EQ(priced.rfind("HTTP/1.1 200 ", 0), 0u) << priced;
    EXPECT_THAT(priced, HasSubstr("\"complete\":true"));

    const auto [old_status, old_reply] = rawHttp("127.0.0.1", server.port(), "GET /livez HTTP/1.0\r\n\r\n");
    EXPECT_EQ(old_status, 200) << old_reply;
    EXPECT_THAT(old_reply, HasSubstr("Connection: close"));
}

// D12: a malformed percent-encoding is the client's error (400, problem+json), not the server's (500).
TEST_F(ApiLimits, AMalformedPercentEncodingIsABadRequest) {
    const auto api = apiConfig();
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    app::AuthFailureLog failures(demo_->webstoreSettings());
    app::HttpPricingServer server(service, api, failures);
    server.start();

    for (const std::string& target :
         std::vector<std::string>{"/api/v1/prices/explain?customer=%ZZ&sku=" + sku_, "/api/v1/prices/%ZZ",
                                  "/api/v1/prices/explain?customer=%4"}) {
        const auto reply = http(server.port(), target);
        EXPECT_EQ(reply.status, 400) << target << ": " << reply.body.dump();
        EXPECT_EQ(reply.content_type, "application/problem+json") << target;
        EXPECT_EQ(reply.body["kind"], "invalid_request") << target;
        EXPECT_THAT(reply.body["detail"].get<std::string>(), HasSubstr("URI")) << target;
    }
}

// D7: idle connections from two addresses that take every thread of a Thrift server of 4, 64 more from a third and a
// client that trickles its first call: the first-frame deadline closes the idle and trickling ones, the address
// limit refuses most of the 64 at once, and a real client's call is answered.
TEST_F(ApiLimits, IdleThriftConnectionsDoNotBlockAClient) {
    auto api = apiConfig();
    api.max_connections = 4;
    api.max_connections_per_peer = 2;
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    app::AuthFailureLog failures(demo_->webstoreSettings());
    app::ThriftPricingServer server(service, api, failures);
    server.start();

    // Thrift's server socket defers accepting a connection until its first byte arrives (TCP_DEFER_ACCEPT, for about
    // a second), so the idle connections of .3 and .4, which take every thread, send one byte of a frame header.
    std::vector<RawClient> idle;
    for (const char* peer : {"127.0.0.3", "127.0.0.4"}) {
        for (int i = 0; i < 2; ++i) {
            idle.emplace_back(peer, server.port());
            idle.back().send(std::string(1, '\0'));
        }
    }
    for (int i = 0; i < 64; ++i) {
        idle.emplace_back("127.0.0.2", server.port());
    }
    // A client that trickles its first frame is no better off than an idle one.
    RawClient trickler("127.0.0.5", server.port());
    std::atomic<bool> trickling{true};
    std::thread trickle([&] {
        trickler.send(std::string("\x00\x00\x10\x00", 4));  // a frame of 4096 bytes, sent a byte at a time
        while (trickling) {
            trickler.send("x");
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });

    ThriftClient c(server.port());
    api::CartRequest request;
    request.token = kToken;
    request.customer = customer_;
    api::CartLine line;
    line.sku = sku_;
    line.quantity = "1";
    request.lines = {line};
    request.__set_date(kAsOf);
    api::CartPrices reply;
    EXPECT_NO_THROW(c.client->priceCart(reply, request));
    EXPECT_TRUE(reply.complete);

    EXPECT_EQ(waitClosedByServer(idle), idle.size()) << "idle connections still open";
    std::vector<RawClient> trickled;
    trickled.push_back(std::move(trickler));
    EXPECT_EQ(waitClosedByServer(trickled), 1u) << "the trickling client is still connected";
    trickling = false;
    trickle.join();
}

// D11: failed authentications are audited per client and interval, with their count; the first at once, the rest
// when the interval ends, and never with the token.
TEST_F(ApiLimits, AClientsFailedAuthenticationsAreAuditedOncePerIntervalWithTheirCount) {
    const auto seq = lastAuditSeq();
    {
        app::AuthFailureLog failures(demo_->webstoreSettings(), std::chrono::milliseconds(300));
        for (int i = 0; i < 5; ++i) {
            failures.record("http", "192.0.2.7", "wrong token");
        }
        // The summary comes from the interval's end, not from the log's destruction.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::get<1>(audited("http:192.0.2.7", seq)) < 5 && std::chrono::steady_clock::now() < give_up) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        const auto [rows, count, reasons] = audited("http:192.0.2.7", seq);
        EXPECT_EQ(count, 5);
        EXPECT_GE(rows, 1);
        EXPECT_LT(rows, 5) << "one row per failure is what the interval is there to avoid";
        EXPECT_EQ(reasons, std::set<std::string>{"wrong token"});
    }
    EXPECT_EQ(demo_->syncline({"audit", "verify"}).exit_code, 0);
}

// D11 in the daemon: wrong and missing tokens over HTTP and Thrift are logged once per client with a count (never
// the token) and audited with the client as the actor.
TEST_F(ApiLimits, TheDaemonLogsAndAuditsFailedAuthenticationsPerClient) {
    const int http_port = freePort();
    const int thrift_port = freePort();
    const auto config = (demo_->dir.path() / "auth.toml").string();
    {
        std::ifstream in(demo_->config);
        std::stringstream text;
        text << in.rdbuf();
        std::ofstream(config) << text.str() << "\n[api]\nhttp_port = " << http_port << "\nthrift_port = " << thrift_port
                              << "\ntoken_env = \"SYNCLINE_TEST_API_TOKEN\"\nmax_connections_per_peer = 4\n";
    }
    const auto seq = lastAuditSeq();
    auto env = demo_->erp.environment();
    env.push_back(std::string("SYNCLINE_TEST_API_TOKEN=") + kToken);
    testing::ChildProcess daemon({testing::synclineBinary(), "-c", config, "serve"}, env);
    int live = 0;
    for (int i = 0; i < 100 && live != 200; ++i) {
        live = http(http_port, "/livez", "").status;
        if (live != 200) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    ASSERT_EQ(live, 200) << daemon.errSoFar();

    const std::string guess = "guessed-token-0042";
    for (int i = 0; i < 20; ++i) {
        const auto [status, reply] =
            rawHttp("127.0.0.2", http_port,
                    "GET " + explainTarget() + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + guess +
                        "\r\nConnection: close\r\n\r\n");
        ASSERT_EQ(status, 401) << reply;
    }
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(rawHttp("127.0.0.3", http_port,
                          "GET " + explainTarget() + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                      .first,
                  401);
    }
    ThriftClient c(thrift_port);
    api::LineRequest ask;
    ask.token = guess;
    ask.customer = customer_;
    ask.sku = sku_;
    for (int i = 0; i < 2; ++i) {
        api::Explanation why;
        EXPECT_THROW(c.client->explain(why, ask), api::PricingFault);
    }
    c.transport->close();
    // The first failure of each client is audited at once.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::get<0>(audited("thrift:127.0.0.1", seq)) == 0 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_GE(std::get<0>(audited("http:127.0.0.2", seq)), 1);

    daemon.kill(SIGTERM);
    const auto end = daemon.wait();
    ASSERT_EQ(end.exit_code, 0) << end.err;
    EXPECT_THAT(end.err, HasSubstr("Thrift PricingService on 127.0.0.1:" + std::to_string(thrift_port)));

    // On stop, what was still counted is told too: every failure is in the audit log, in fewer rows than failures.
    const auto [rows, count, reasons] = audited("http:127.0.0.2", seq);
    EXPECT_EQ(count, 20);
    EXPECT_LT(rows, 20);
    EXPECT_EQ(reasons, std::set<std::string>{"wrong token"});
    EXPECT_EQ(std::get<1>(audited("http:127.0.0.3", seq)), 3);
    EXPECT_EQ(std::get<2>(audited("http:127.0.0.3", seq)), std::set<std::string>{"no token"});
    EXPECT_EQ(std::get<1>(audited("thrift:127.0.0.1", seq)), 2);

    // One warning per audited row, each with its count; the guessed token is written nowhere.
    std::size_t lines = 0;
    std::istringstream err(end.err);
    for (std::string line; std::getline(err, line);) {
        if (line.find("failed authentication") != std::string::npos &&
            line.find("http:127.0.0.2 ") != std::string::npos) {
            ++lines;
        }
    }
    EXPECT_EQ(lines, static_cast<std::size_t>(rows)) << end.err;
    EXPECT_THAT(end.err, ::testing::Not(HasSubstr(guess)));
    EXPECT_EQ(demo_->webstore.sql().count("SELECT COUNT(*) FROM audit_log WHERE changes LIKE '%" + guess + "%'"), 0);
    EXPECT_EQ(demo_->syncline({"audit", "verify"}).exit_code, 0);
}

}  // namespace
}  // namespace syncline
