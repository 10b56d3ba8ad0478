#include "app/pricing_thrift.h"

#include <sodium.h>

#include <spdlog/spdlog.h>
#include <syncline_thrift/PricingService.h>
#include <thrift/TOutput.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>

#include "app/auth_failures.h"
#include "app/thrift_transport.h"
#include "engine/model/decimal.h"
#include "engine/pricing/price_json.h"

namespace syncline::app {

namespace {

namespace api = syncline::thrift_api;

api::PricingFault fault(const std::string& kind, const std::string& message) {
    api::PricingFault f;
    f.kind = kind;
    f.message = message;
    return f;
}

api::PricingFault fault(const pricing::PricingError& e) {
    return fault(std::string(pricing::toString(e.kind())), e.what());
}

model::Decimal quantityOf(const std::string& text, const std::string& where) {
    std::string why;
    const auto q = model::Decimal::parse(text, &why);
    if (!q) {
        throw fault("invalid_request", where + ": quantity '" + text + "': " + why);
    }
    return *q;
}

api::Provenance provenanceOf(const Provenance& p) {
    api::Provenance out;
    out.answered_by = p.answered_by;
    if (p.freshness.synced_at) {
        out.__set_synced_at(*p.freshness.synced_at);
    }
    if (p.freshness.age_s) {
        out.__set_synced_age_s(*p.freshness.age_s);
    }
    out.warnings = p.warnings;
    return out;
}

api::LinePrice linePriceOf(const pricing::PriceQuote& q) {
    api::LinePrice out;
    const auto& currency = q.basis.currency;
    out.sku = q.basis.item.sku;
    out.quantity = q.basis.quantity.toString();
    out.__set_unit_price(pricing::amountText(q.unit_price.amount, currency));
    out.__set_line_total(pricing::amountText(q.line_total.amount, currency));
    out.__set_source(std::string(pricing::toString(q.source)));
    if (const auto* w = q.winner()) {
        out.__set_rule_id(w->rule.rule_id);
    }
    if (q.synced_unit_price) {
        out.__set_synced_unit_price(pricing::amountText(*q.synced_unit_price, currency));
    }
    return out;
}

api::Candidate candidateOf(const pricing::QuoteBasis& basis, const pricing::Candidate& c) {
    const auto& r = c.rule;
    api::Candidate out;
    out.rule_id = r.rule_id;
    out.scope = std::string(model::toString(r.scope));
    out.scope_key = r.scope_key;
    if (r.unit_price) {
        out.__set_unit_price(pricing::amountText(*r.unit_price, r.currency));
    }
    if (r.discount_percent) {
        out.__set_discount_percent(r.discount_percent->toString());
    }
    out.currency = r.currency;
    out.min_quantity = r.min_quantity.toString();
    if (r.max_quantity) {
        out.__set_max_quantity(r.max_quantity->toString());
    }
    out.valid_from = r.valid_from;
    if (r.valid_to) {
        out.__set_valid_to(*r.valid_to);
    }
    out.active = c.active;
    if (c.price) {
        out.__set_price(pricing::amountText(*c.price, basis.currency));
    }
    out.outcome = std::string(pricing::toString(c.outcome));
    out.reason = pricing::reason(basis, c);
    return out;
}

/// Runs a service call; its errors become PricingFaults the client can act on.
template <typename Call>
auto call(Call c) {
    try {
        return c();
    } catch (const pricing::PricingError& e) {
        throw fault(e);
    } catch (const PricingUnavailable& e) {
        spdlog::warn("pricing API: {}", e.what());
        throw fault("unavailable", e.what());
    }
}

/// Serves one connection: `peer` is its client's address, for the failed authentications it tells `failures`.
class ClientHandler : public api::PricingServiceIf {
  public:
    ClientHandler(PricingService& service, const std::string& token, AuthFailureLog& failures, std::string peer)
        : service_(service), token_(token), failures_(failures), peer_(std::move(peer)) {}

    void priceCart(api::CartPrices& reply, const api::CartRequest& request) override {
        authorize(request.token);
        pricing::CartRequest cart;
        cart.customer = request.customer;
        if (request.__isset.date) {
            cart.date = request.date;
        }
        if (request.__isset.currency) {
            cart.currency = request.currency;
        }
        cart.lines.reserve(request.lines.size());
        for (std::size_t i = 0; i < request.lines.size(); ++i) {
            const auto& l = request.lines[i];
            cart.lines.push_back({l.sku, quantityOf(l.quantity, "line " + std::to_string(i + 1) + " (" + l.sku + ")")});
        }
        const auto answer = call([&] { return service_.priceCart(cart); });
        const auto& c = answer.cart;
        reply.customer = c.customer.code;
        reply.customer_blocked = c.customer.blocked;
        reply.currency = c.currency;
        reply.date = c.date;
        reply.lines.reserve(c.lines.size());
        for (std::size_t i = 0; i < c.lines.size(); ++i) {
            const auto& line = c.lines[i];
            if (line.quote) {
                reply.lines.push_back(linePriceOf(*line.quote));
                reply.lines.back().__set_answered_by(answer.answered_by[i]);
            } else {
                api::LinePrice failed;
                failed.sku = line.sku;
                failed.quantity = line.quantity.toString();
                failed.__set_error_kind(std::string(pricing::toString(line.error->kind())));
                failed.__set_error(line.error->what());
                reply.lines.push_back(std::move(failed));
            }
        }
        reply.total = pricing::amountText(c.total.amount, c.currency);
        reply.complete = c.complete;
        reply.provenance = provenanceOf(answer.provenance);
    }

    void explain(api::Explanation& reply, const api::LineRequest& request) override {
        authorize(request.token);
        pricing::PriceRequest r;
        r.customer = request.customer;
        r.sku = request.sku;
        if (request.__isset.quantity) {
            r.quantity = quantityOf(request.quantity, "item " + request.sku);
        }
        if (request.__isset.date) {
            r.date = request.date;
        }
        if (request.__isset.currency) {
            r.currency = request.currency;
        }
        const auto answer = call([&] { return service_.explain(r); });
        const auto& q = answer.quote;
        const auto& b = q.basis;
        reply.customer = b.customer.code;
        reply.customer_group = b.customer.customer_group;
        reply.price_list = b.customer.price_list;
        reply.currency = b.currency;
        reply.date = b.date;
        reply.list_price = pricing::amountText(b.item.list_price, b.item.currency);
        reply.list_currency = b.item.currency;
        reply.line = linePriceOf(q);
        reply.line.__set_answered_by(answer.provenance.answered_by);
        for (const auto& c : q.candidates) {
            reply.candidates.push_back(candidateOf(b, c));
        }
        reply.provenance = provenanceOf(answer.provenance);
    }

  private:
    void authorize(const std::string& token) const {
        // Constant time, so the reply's timing does not tell how much of a guess was right.
        if (token.size() != token_.size() || sodium_memcmp(token.data(), token_.data(), token.size()) != 0) {
            failures_.record("thrift", peer_, token.empty() ? "no token" : "wrong token");
            throw fault("unauthorized", "the request's token is not this server's API token");
        }
    }

    PricingService& service_;
    const std::string& token_;
    AuthFailureLog& failures_;
    const std::string peer_;
};

/// A ClientHandler per connection, which knows its client.
class HandlerFactory : public api::PricingServiceIfFactory {
  public:
    HandlerFactory(PricingService& service, std::string token, AuthFailureLog& failures)
        : service_(service), token_(std::move(token)), failures_(failures) {}

    // Thrift's interface passes ownership as a raw pointer: given away here, taken back in releaseHandler.
    api::PricingServiceIf* getHandler(const apache::thrift::TConnectionInfo& connection) override {
        return std::make_unique<ClientHandler>(service_, token_, failures_,
                                               ThriftServerSocket::peerOf(connection.transport))
            .release();
    }
    void releaseHandler(api::PricingServiceIf* handler) override {
        std::unique_ptr<api::PricingServiceIf> owned(handler);
    }

  private:
    PricingService& service_;
    const std::string token_;
    AuthFailureLog& failures_;
};

}  // namespace

ThriftPricingServer::ThriftPricingServer(PricingService& service, const config::ApiConfig& config,
                                         AuthFailureLog& failures) {
    using namespace apache::thrift;
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium cannot be initialised");
    }
    // Thrift reports a client's broken or malformed message through GlobalOutput (stderr by default): into our log.
    GlobalOutput.setOutputFunction([](const char* message) { spdlog::debug("thrift: {}", message); });
    auto processor = std::make_shared<api::PricingServiceProcessorFactory>(
        std::make_shared<HandlerFactory>(service, config.token.reveal(), failures));
    constexpr int kIdleTimeoutMs = 300 * 1000;  // a client idle between calls is dropped after 5 minutes
    auto socket = std::make_shared<ThriftServerSocket>(config, failures);
    tls_description_ = socket->tlsDescription();
    socket->setRecvTimeout(kIdleTimeoutMs);
    socket->setSendTimeout(30 * 1000);
    try {
        socket->listen();
    } catch (const std::exception& e) {
        throw std::runtime_error("the Thrift pricing API cannot listen on " + config.bind + ":" +
                                 std::to_string(config.thrift_port) + ": " + e.what());
    }
    port_ = socket->getPort();
    // Strings no longer than a request, lists no longer than 100 000 elements: checked before allocating.
    auto protocol = std::make_shared<protocol::TBinaryProtocolFactory>(config.max_request_bytes, 100000, true, true);
    server_ = std::make_shared<server::TThreadedServer>(processor, socket,
                                                        boundedFramedTransports(config.max_request_bytes), protocol);
    server_->setConcurrentClientLimit(config.max_connections);
}

ThriftPricingServer::~ThriftPricingServer() {
    stop();
}

void ThriftPricingServer::start() {
    thread_ = std::thread([server = server_] {
        try {
            server->serve();
        } catch (const std::exception& e) {
            spdlog::error("the Thrift pricing API stopped: {}", e.what());
        }
    });
}

void ThriftPricingServer::stop() {
    if (thread_.joinable()) {
        server_->stop();
        thread_.join();
    }
}

}  // namespace syncline::app
