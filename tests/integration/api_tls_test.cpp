// TLS on the pricing APIs (issue 19, D20), over real sockets with certificates the openssl command makes at test
// time: HTTPS and Thrift over TLS answer what the plain APIs answer and a plain client gets nothing; a slow, idle or
// greedy TLS client is held to the same limits, its handshake counted in; with a CA file a client certificate is
// required and a refused one is an audited failed authentication; the daemon serves TLS and, after a SIGHUP, a
// renewed certificate; check-config and serve refuse a key that is not the certificate's or that others may read.
// Clients on other addresses than 127.0.0.1 connect from 127.0.0.2 and up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/resource.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <tuple>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <syncline_thrift/PricingService.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSSLSocket.h>
#include <thrift/transport/TSocket.h>
#include <nlohmann/json.hpp>

#include "connectors/builtin.h"
#include "app/auth_failures.h"
#include "app/http_api.h"
#include "app/pricing_service.h"
#include "app/pricing_thrift.h"
#include "engine/config/config.h"
#include "tests/support/child_process.h"
#include "tests/support/process.h"
#include "tests/support/socket_clients.h"
#include "tests/support/sync_config.h"
#include "tests/support/test_env.h"
#include "tests/support/test_pki.h"

namespace syncline {
namespace {

// config::load looks [erp] connector kinds up in the registry, as `syncline` does.
const bool kConnectorsRegistered = (connectors::registerBuiltinConnectors(), true);

namespace api = syncline::thrift_api;
namespace fs = std::filesystem;
using testing::freePort;
using ::testing::HasSubstr;
using testing::IssuedCertificate;
using testing::RawClient;
using testing::TlsClient;
using testing::TlsClientFiles;

constexpr const char* kAsOf = "2026-11-27";
constexpr const char* kToken = "test-token-19d20";

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// [api] tls_* as config::load reads them.
config::ApiTlsConfig tlsConfig(const IssuedCertificate& server, const std::string& ca_file = "") {
    config::ApiTlsConfig tls;
    tls.cert_file = server.cert_file;
    tls.key_file = server.key_file;
    tls.cert_pem = slurp(server.cert_file);
    tls.key_pem = config::Secret(slurp(server.key_file), "file " + server.key_file);
    if (!ca_file.empty()) {
        tls.ca_file = ca_file;
        tls.ca_pem = slurp(ca_file);
    }
    return tls;
}

struct JsonReply {
    int status = 0;
    nlohmann::json body;
};

/// An HTTPS request by Poco's client on `session` (kept alive between calls); status 0 and the error when it failed.
JsonReply https(Poco::Net::HTTPSClientSession& session, const std::string& method, const std::string& target,
                const std::string& body = "") try {
    Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", std::string("Bearer ") + kToken);
    if (!body.empty()) {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    auto& in = session.receiveResponse(response);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return {static_cast<int>(response.getStatus()), text.empty() ? nlohmann::json() : nlohmann::json::parse(text)};
} catch (const Poco::Exception& e) {
    return {0, e.displayText()};
}

/// Poco's HTTPS client for 127.0.0.1:`port`, trusting only `ca_file` and checking the name in the certificate.
std::unique_ptr<Poco::Net::HTTPSClientSession> httpsSession(int port, const std::string& ca_file) {
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", ca_file, Poco::Net::Context::VERIFY_STRICT);
    auto session =
        std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", static_cast<Poco::UInt16>(port), context);
    session->setTimeout(Poco::Timespan(10, 0));
    return session;
}

/// A storefront's Thrift client over TLS (Thrift's TSSLSocketFactory), from 127.0.0.1.
struct TlsThriftClient {
    TlsThriftClient(int port, const TlsClientFiles& files) {
        // OpenSSL 3 initialises itself; the factory must not clean it up under the server in this process.
        apache::thrift::transport::TSSLSocketFactory::setManualOpenSSLInitialization(true);
        factory = std::make_shared<apache::thrift::transport::TSSLSocketFactory>();
        factory->loadTrustedCertificates(files.ca_file.c_str());
        factory->authenticate(true);
        if (!files.cert_file.empty()) {
            factory->loadCertificate(files.cert_file.c_str());
            factory->loadPrivateKey(files.key_file.c_str());
        }
        socket = factory->createSocket("127.0.0.1", port);
        socket->setRecvTimeout(10000);
        socket->setSendTimeout(10000);
        transport = std::make_shared<apache::thrift::transport::TFramedTransport>(socket);
        client = std::make_unique<api::PricingServiceClient>(
            std::make_shared<apache::thrift::protocol::TBinaryProtocol>(transport));
        transport->open();
    }
    std::shared_ptr<apache::thrift::transport::TSSLSocketFactory> factory;
    std::shared_ptr<apache::thrift::transport::TSSLSocket> socket;
    std::shared_ptr<apache::thrift::transport::TFramedTransport> transport;
    std::unique_ptr<api::PricingServiceClient> client;
};

class ApiTls : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        rlimit limit{};
        ::getrlimit(RLIMIT_NOFILE, &limit);
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        testing::DemoErpOptions options;
        options.items = 60;
        options.customers = 10;
        options.as_of = kAsOf;
        demo_ = new testing::PulledPrices("syncline-api-tls", options);
        fs::create_directories(demo_->dir.path() / "tls");
        pki_ = new testing::TestPki(demo_->dir.path() / "tls");
        server_ = pki_->issue("server");
        const auto rows = demo_->webstore.sql().rows(
            "SELECT r.scope_key, r.sku FROM price_rules r JOIN products p ON p.sku = r.sku AND p.active = 1 JOIN "
            "customers c ON c.code = r.scope_key AND c.active = 1 WHERE r.scope = 'customer' AND r.active = 1 AND "
            "r.unit_price IS NOT NULL AND r.min_quantity <= 1 AND r.valid_from <= '" +
            std::string(kAsOf) + "' AND (r.valid_to IS NULL OR r.valid_to >= '" + kAsOf + "') ORDER BY r.rule_id");
        ASSERT_FALSE(rows.empty()) << "the demo ERP has no customer price rule";
        customer_ = *rows[0][0];
        sku_ = *rows[0][1];
    }
    static void TearDownTestSuite() {
        delete pki_;
        delete demo_;
    }

    static config::ApiConfig apiConfig() {
        config::ApiConfig api;
        api.token = config::Secret(kToken, "test");
        api.max_connections = 2;
        api.max_connections_per_peer = 8;
        api.http_request_timeout_ms = 1500;
        api.thrift_first_frame_timeout_ms = 500;
        api.tls = tlsConfig(server_);
        return api;
    }

    static TlsClientFiles trusting() { return {pki_->caFile(), "", ""}; }

    static std::string explainTarget() {
        return "/api/v1/prices/explain?customer=" + customer_ + "&sku=" + sku_ + "&date=" + kAsOf;
    }
    static std::string explainRequest() {
        return "GET " + explainTarget() + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + kToken +
               "\r\nConnection: close\r\n\r\n";
    }

    static api::CartRequest cart() {
        api::CartRequest request;
        request.token = kToken;
        request.customer = customer_;
        api::CartLine line;
        line.sku = sku_;
        line.quantity = "1";
        request.lines = {line};
        request.__set_date(kAsOf);
        return request;
    }

    static std::int64_t lastAuditSeq() {
        return std::stoll(demo_->webstore.sql().value("SELECT COALESCE(MAX(seq), 0) FROM audit_log"));
    }

    /// The reasons of the failed authentications audited for `actor` after `seq`, waiting up to 20 s for the first.
    static std::set<std::string> auditedReasons(const std::string& actor, std::int64_t seq) {
        std::set<std::string> reasons;
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (reasons.empty() && std::chrono::steady_clock::now() < give_up) {
            for (const auto& row :
                 demo_->webstore.sql().rows("SELECT changes FROM audit_log WHERE action = 'auth_failed' AND actor = '" +
                                            actor + "' AND seq > " + std::to_string(seq))) {
                reasons.insert(nlohmann::json::parse(*row[0])["reason"]["to"].get<std::string>());
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return reasons;
    }

    static testing::PulledPrices* demo_;
    static testing::TestPki* pki_;
    static IssuedCertificate server_;
    static std::string customer_;
    static std::string sku_;
};

testing::PulledPrices* ApiTls::demo_ = nullptr;
testing::TestPki* ApiTls::pki_ = nullptr;
IssuedCertificate ApiTls::server_;
std::string ApiTls::customer_;
std::string ApiTls::sku_;

// Poco's HTTPS client, which checks our certificate against the test CA and its name, is priced on a kept-alive
// connection, also for a cart whose request and reply span many TLS records; a client that speaks plain HTTP to the
// port, or that does not trust the certificate, gets no HTTP at all.
TEST_F(ApiTls, HttpsAnswersLikeHttpAndPlainHttpGetsNothing) {
    auto api = apiConfig();
    api.max_cart_lines = 2000;
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    app::AuthFailureLog failures(demo_->webstoreSettings());
    app::HttpPricingServer server(service, api, failures);
    server.start();
    EXPECT_THAT(server.tlsDescription(), HasSubstr("certificate CN=localhost, valid until "));

    auto session = httpsSession(server.port(), pki_->caFile());
    const auto explained = https(*session, "GET", explainTarget());
    ASSERT_EQ(explained.status, 200) << explained.body.dump();
    EXPECT_EQ(explained.body["rule"]["scope"], "customer") << explained.body.dump();
    nlohmann::json lines = nlohmann::json::array();
    for (int i = 0; i < 1500; ++i) {
        lines.push_back({{"sku", sku_}, {"quantity", std::to_string(i + 1)}});
    }
    const auto big = nlohmann::json{{"customer", customer_}, {"date", kAsOf}, {"lines", lines}}.dump();
    ASSERT_GT(big.size(), 3u * 16384) << "the cart should span several TLS records";
    const auto priced = https(*session, "POST", "/api/v1/prices/cart", big);
    ASSERT_EQ(priced.status, 200) << priced.body.dump();
    EXPECT_EQ(priced.body["lines"].size(), 1500u);
    EXPECT_EQ(priced.body["complete"], true);

    const auto [live, live_reply] = testing::httpsRequest(
        "127.0.0.1", server.port(), trusting(), "GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(live, 200) << live_reply;

    const auto [plain, plain_reply] = testing::rawHttp("127.0.0.1", server.port(), explainRequest());
    EXPECT_EQ(plain, 0) << plain_reply;
    EXPECT_THAT(plain_reply, ::testing::Not(HasSubstr("customer")));

    pki_->makeCa("stranger");
    TlsClient distrustful("127.0.0.1", server.port(), {pki_->caFile("stranger"), "", ""});
    EXPECT_FALSE(distrustful.handshake());
    EXPECT_THAT(distrustful.error(), HasSubstr("certificate verify failed"));
}

// The limits of a plain connection hold for a TLS one: beyond its address's limit a connection is closed before any
// handshake; a handshake trickled a byte at a time, an idle connection, and one that finished its handshake but
// not its request are closed at the request deadline (the last with a 408 it can read); a normal client is priced
// meanwhile.
TEST_F(ApiTls, SlowIdleAndGreedyTlsClientsMeetTheSameLimits) {
    auto api = apiConfig();
    api.max_connections_per_peer = 2;
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    app::AuthFailureLog failures(demo_->webstoreSettings());
    app::HttpPricingServer server(service, api, failures);
    server.start();

    std::vector<std::unique_ptr<TlsClient>> held;
    for (int i = 0; i < 2; ++i) {
        held.push_back(std::make_unique<TlsClient>("127.0.0.2", server.port(), trusting()));
        ASSERT_TRUE(held.back()->handshake()) << held.back()->error();
    }
    TlsClient greedy("127.0.0.2", server.port(), trusting());
    EXPECT_FALSE(greedy.handshake()) << "a third connection from one address is refused";

    std::vector<RawClient> stalled;
    stalled.emplace_back("127.0.0.3", server.port());
    stalled.back().send(std::string("\x16\x03\x01\x02\x00", 5));  // a TLS record header: a ClientHello is coming
    stalled.emplace_back("127.0.0.4", server.port());             // and this one sends nothing
    std::atomic<bool> trickling{true};
    std::thread trickle([&] {
        while (trickling) {
            stalled.front().send(std::string(1, '\x01'));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    TlsClient slow("127.0.0.5", server.port(), trusting());
    ASSERT_TRUE(slow.handshake()) << slow.error();
    ASSERT_TRUE(slow.send("GET /livez HTTP/1.1\r\nHost: x\r\n"));  // no empty line: not whole

    const auto [status, reply] = testing::httpsRequest("127.0.0.1", server.port(), trusting(), explainRequest());
    EXPECT_EQ(status, 200) << reply;
    EXPECT_THAT(reply, HasSubstr("\"customer\""));

    const auto timed_out = slow.readAll();
    EXPECT_EQ(timed_out.rfind("HTTP/1.1 408 ", 0), 0u) << timed_out << slow.error();
    EXPECT_EQ(testing::waitClosedByServer(stalled), stalled.size()) << "a stalled handshake is still connected";
    trickling = false;
    trickle.join();
    for (auto& h : held) {
        EXPECT_EQ(h->readAll(), "") << "an idle TLS connection is closed at the deadline, without a reply";
    }
    // Their slots are free again.
    EXPECT_EQ(testing::httpsRequest("127.0.0.2", server.port(), trusting(), explainRequest()).first, 200);
}

// Thrift over TLS: Thrift's own TLS client is priced; a plain Thrift client gets an error, not a hang; connections
// that send one byte and stall, and a handshake trickled a byte at a time, are closed at the first-call deadline (the
// handshake counts in it), and 64 connections from one address are refused beyond its limit, while every thread
// of the server is taken by the stalled ones.
TEST_F(ApiTls, ThriftOverTlsAnswersAndStalledHandshakesMeetTheFirstCallDeadline) {
    auto api = apiConfig();
    api.max_connections = 4;
    api.max_connections_per_peer = 2;
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    app::AuthFailureLog failures(demo_->webstoreSettings());
    app::ThriftPricingServer server(service, api, failures);
    server.start();

    std::vector<RawClient> stalled;
    for (const char* peer : {"127.0.0.3", "127.0.0.4"}) {
        for (int i = 0; i < 2; ++i) {
            stalled.emplace_back(peer, server.port());
            stalled.back().send(std::string(1, '\x16'));  // past TCP_DEFER_ACCEPT: each takes a thread
        }
    }
    for (int i = 0; i < 64; ++i) {
        stalled.emplace_back("127.0.0.2", server.port());
    }
    RawClient trickler("127.0.0.5", server.port());
    std::atomic<bool> trickling{true};
    std::thread trickle([&] {
        trickler.send(std::string("\x16\x03\x01\x02\x00", 5));
        while (trickling) {
            trickler.send(std::string(1, '\x01'));
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });

    TlsThriftClient c(server.port(), trusting());
    api::CartPrices reply;
    EXPECT_NO_THROW(c.client->priceCart(reply, cart()));
    EXPECT_TRUE(reply.complete);

    EXPECT_EQ(testing::waitClosedByServer(stalled), stalled.size()) << "stalled connections still open";
    std::vector<RawClient> trickled;
    trickled.push_back(std::move(trickler));
    EXPECT_EQ(testing::waitClosedByServer(trickled), 1u) << "the trickled handshake is still connected";
    trickling = false;
    trickle.join();

    auto plain_socket = std::make_shared<apache::thrift::transport::TSocket>("127.0.0.1", server.port());
    plain_socket->setRecvTimeout(10000);
    auto plain_transport = std::make_shared<apache::thrift::transport::TFramedTransport>(plain_socket);
    api::PricingServiceClient plain(std::make_shared<apache::thrift::protocol::TBinaryProtocol>(plain_transport));
    plain_transport->open();
    const auto asked = std::chrono::steady_clock::now();
    api::CartPrices nothing;
    EXPECT_THROW(plain.priceCart(nothing, cart()), apache::thrift::transport::TTransportException);
    EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(10)) << "the plain client hung";
}

// With [api] tls_ca_file, both APIs want a client certificate from that CA, on top of the token: with one they
// answer; without one, or with one from another CA, the handshake fails and the client is audited as a failed
// authentication with what was wrong.
TEST_F(ApiTls, WithACaFileBothApisRequireAClientCertificateAndAuditTheRefused) {
    pki_->makeCa("other");
    const auto client = pki_->issue("storefront");
    const auto rogue = pki_->issue("rogue", "other");
    auto api = apiConfig();
    api.tls = tlsConfig(server_, pki_->caFile());
    const auto seq = lastAuditSeq();
    app::PricingService service(demo_->webstoreSettings(), 93600, api.max_cart_lines);
    {
        app::AuthFailureLog failures(demo_->webstoreSettings(), std::chrono::milliseconds(300));
        app::HttpPricingServer http(service, api, failures);
        http.start();
        app::ThriftPricingServer thrift(service, api, failures);
        thrift.start();
        EXPECT_THAT(http.tlsDescription(), HasSubstr("client certificates required"));

        const TlsClientFiles with_certificate{pki_->caFile(), client.cert_file, client.key_file};
        const auto [ok, ok_reply] = testing::httpsRequest("127.0.0.1", http.port(), with_certificate, explainRequest());
        EXPECT_EQ(ok, 200) << ok_reply;
        EXPECT_EQ(testing::httpsRequest("127.0.0.2", http.port(), trusting(), explainRequest()).first, 0);
        const TlsClientFiles with_rogue{pki_->caFile(), rogue.cert_file, rogue.key_file};
        EXPECT_EQ(testing::httpsRequest("127.0.0.3", http.port(), with_rogue, explainRequest()).first, 0);

        TlsThriftClient good(thrift.port(), with_certificate);
        api::CartPrices reply;
        EXPECT_NO_THROW(good.client->priceCart(reply, cart()));
        EXPECT_TRUE(reply.complete);
        EXPECT_ANY_THROW({
            TlsThriftClient bad(thrift.port(), trusting());
            bad.client->priceCart(reply, cart());
        });

        EXPECT_EQ(auditedReasons("http:127.0.0.2", seq), std::set<std::string>{"no client certificate"});
        const auto refused = auditedReasons("http:127.0.0.3", seq);
        ASSERT_EQ(refused.size(), 1u);
        EXPECT_THAT(*refused.begin(), HasSubstr("client certificate refused: "));
        EXPECT_EQ(auditedReasons("thrift:127.0.0.1", seq), std::set<std::string>{"no client certificate"});
    }
    EXPECT_EQ(demo_->syncline({"audit", "verify"}).exit_code, 0);
}

/// The demo config with [api] on `http_port` and `thrift_port`, TLS from files relative to the config's folder.
std::string writeTlsConfig(const testing::PulledPrices& demo, const std::string& name, int http_port, int thrift_port,
                           const std::string& cert, const std::string& key) {
    const auto path = (demo.dir.path() / name).string();
    std::ofstream(path) << slurp(demo.config) << "\n[api]\nhttp_port = " << http_port
                        << "\nthrift_port = " << thrift_port
                        << "\ntoken_env = \"SYNCLINE_TEST_API_TOKEN\"\ntls_cert_file = \"" << cert
                        << "\"\ntls_key_file = \"" << key << "\"\n";
    return path;
}

// `syncline serve` with TLS: HTTPS and Thrift over TLS answer, the log names the certificate and never holds the
// key, and after the certificate is renewed in its files a SIGHUP makes the APIs serve the new one.
TEST_F(ApiTls, TheDaemonServesTlsAndARenewedCertificateAfterSighup) {
    const auto daemon_tls = pki_->issue("daemon");
    const int http_port = freePort();
    const int thrift_port = freePort();
    const auto config = writeTlsConfig(*demo_, "tls.toml", http_port, thrift_port, "tls/daemon.pem", "tls/daemon.key");
    auto env = demo_->erp.environment();
    env.push_back(std::string("SYNCLINE_TEST_API_TOKEN=") + kToken);
    testing::ChildProcess daemon({testing::synclineBinary(), "-c", config, "serve"}, env);
    const auto serial = [&]() -> std::string {
        try {
            TlsClient probe("127.0.0.1", http_port, trusting());
            return probe.handshake() ? probe.peerSerial() : "";
        } catch (const std::runtime_error&) {
            return "";  // not listening (yet, or for the moment of a restart)
        }
    };
    std::string first;
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (first.empty() && daemon.running() && std::chrono::steady_clock::now() < give_up) {
        if ((first = serial()).empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    ASSERT_FALSE(first.empty()) << daemon.errSoFar();

    auto session = httpsSession(http_port, pki_->caFile());
    const auto explained = https(*session, "GET", explainTarget());
    EXPECT_EQ(explained.status, 200) << explained.body.dump();
    {
        TlsThriftClient c(thrift_port, trusting());
        api::CartPrices reply;
        EXPECT_NO_THROW(c.client->priceCart(reply, cart()));
        EXPECT_TRUE(reply.complete);
    }

    pki_->issue("daemon");  // renewed: a new key and certificate in the same files
    daemon.kill(SIGHUP);
    std::string renewed = first;
    give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while ((renewed == first || renewed.empty()) && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        renewed = serial();
    }
    EXPECT_NE(renewed, first) << daemon.errSoFar();
    EXPECT_FALSE(renewed.empty());
    session = httpsSession(http_port, pki_->caFile());
    EXPECT_EQ(https(*session, "GET", explainTarget()).status, 200);

    daemon.kill(SIGTERM);
    const auto end = daemon.wait();
    ASSERT_EQ(end.exit_code, 0) << end.err;
    EXPECT_THAT(end.err, HasSubstr("JSON over HTTPS on 127.0.0.1:" + std::to_string(http_port)));
    EXPECT_THAT(end.err, HasSubstr("Thrift PricingService over TLS on 127.0.0.1:" + std::to_string(thrift_port)));
    EXPECT_THAT(end.err, HasSubstr("TLS with the certificate CN=localhost, valid until "));
    EXPECT_THAT(end.err, HasSubstr("SIGHUP: pricing APIs restarted"));
    std::istringstream key(slurp(daemon_tls.key_file));
    for (std::string line; std::getline(key, line);) {
        if (line.find("-----") == std::string::npos) {
            EXPECT_THAT(end.err, ::testing::Not(HasSubstr(line)));
        }
    }
}

// A key that is not the certificate's fails check-config and serve (exit 78, naming the key's setting), and so does
// a key file that other users may read; the right pair passes.
TEST_F(ApiTls, CheckConfigAndServeRefuseAKeyOfAnotherCertificateOrOneOthersMayRead) {
    const auto other = pki_->issue("other-server");
    auto env = demo_->erp.environment();
    env.push_back(std::string("SYNCLINE_TEST_API_TOKEN=") + kToken);
    const auto check = [&](const std::string& config) {
        return testing::runProcess({testing::synclineBinary(), "-c", config, "check-config"}, env);
    };

    const auto good = writeTlsConfig(*demo_, "good.toml", freePort(), 0, "tls/server.pem", "tls/server.key");
    const auto ok = check(good);
    EXPECT_EQ(ok.exit_code, 0) << ok.err;

    const auto mismatched =
        writeTlsConfig(*demo_, "mismatched.toml", freePort(), 0, "tls/server.pem", "tls/other-server.key");
    const auto refused = check(mismatched);
    EXPECT_EQ(refused.exit_code, 78) << refused.out << refused.err;
    EXPECT_THAT(refused.err, HasSubstr("key 'api.tls_key_file': the key in " + other.key_file +
                                       " does not belong to the certificate in " + server_.cert_file));
    testing::ChildProcess serve({testing::synclineBinary(), "-c", mismatched, "serve"}, env);
    for (int i = 0; i < 300 && serve.running(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    serve.kill(SIGTERM);  // only if it still runs, which is the failure
    const auto served = serve.wait();
    EXPECT_EQ(served.exit_code, 78) << served.err;
    EXPECT_THAT(served.err, HasSubstr("does not belong to the certificate"));

    fs::permissions(other.key_file, fs::perms::others_read, fs::perm_options::add);
    const auto open =
        writeTlsConfig(*demo_, "open.toml", freePort(), 0, "tls/other-server.pem", "tls/other-server.key");
    const auto refused_open = check(open);
    EXPECT_EQ(refused_open.exit_code, 78);
    EXPECT_THAT(refused_open.err, HasSubstr("may be read by other users (mode 0604)"));
}

}  // namespace
}  // namespace syncline
