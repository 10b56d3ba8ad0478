#include "app/http_api.h"

#include <sodium.h>

#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/auth_failures.h"
#include "app/http_server.h"
#include "app/tls_context.h"
#include "engine/model/decimal.h"
#include "engine/pricing/price_json.h"

namespace syncline::app {

namespace {

using nlohmann::json;
using Poco::Net::HTTPResponse;

/// An HTTP error for the client: status, a problem kind and a sentence.
struct Problem {
    HTTPResponse::HTTPStatus status;
    std::string kind;
    std::string detail;
    json extra = json::object();
    std::vector<std::pair<std::string, std::string>> headers = {};
};

HttpReply jsonReply(const json& body) {
    HttpReply reply;
    reply.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
    reply.headers.emplace_back("Cache-Control", "no-store");
    return reply;
}

HttpReply replyOf(const Problem& p) {
    auto reply = problemReply(static_cast<int>(p.status), p.kind, p.detail, p.extra);
    reply.headers.insert(reply.headers.end(), p.headers.begin(), p.headers.end());
    return reply;
}

Problem problemOf(const pricing::PricingError& e) {
    using K = pricing::PricingErrorKind;
    HTTPResponse::HTTPStatus status = HTTPResponse::HTTP_UNPROCESSABLE_ENTITY;
    switch (e.kind()) {
        case K::InvalidRequest:
            status = HTTPResponse::HTTP_BAD_REQUEST;
            break;
        case K::UnknownCustomer:
        case K::UnknownItem:
            status = HTTPResponse::HTTP_NOT_FOUND;
            break;
        case K::InactiveCustomer:
        case K::InactiveItem:
        case K::NoPrice:
            status = HTTPResponse::HTTP_UNPROCESSABLE_ENTITY;
            break;
    }
    auto extra = pricing::errorJson(e);
    extra.erase("error");
    extra.erase("message");
    return {status, std::string(pricing::toString(e.kind())), e.what(), std::move(extra)};
}

json provenanceJson(const Provenance& p) {
    auto out = pricing::freshnessJson(p.freshness);
    out["answered_by"] = p.answered_by;
    out["warnings"] = p.warnings;
    return out;
}

Problem badRequest(const std::string& detail) {
    return {HTTPResponse::HTTP_BAD_REQUEST, "invalid_request", detail};
}

model::Decimal quantityOf(const std::string& text, const std::string& where) {
    std::string why;
    const auto q = model::Decimal::parse(text, &why);
    if (!q) {
        throw badRequest(where + ": '" + text + "' is not a quantity: " + why);
    }
    return *q;
}

// A JSON string member, or nothing when absent; any other type is the client's error, named by its path.
std::optional<std::string> optionalString(const json& object, const std::string& key, const std::string& path) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        throw badRequest(path + key + " must be a string (amounts and quantities too: \"2\", \"12.50\")");
    }
    return it->get<std::string>();
}

std::string requiredString(const json& object, const std::string& key, const std::string& path) {
    auto value = optionalString(object, key, path);
    if (!value || value->empty()) {
        throw badRequest(path + key + " is required");
    }
    return *value;
}

pricing::CartRequest cartOf(const json& body) {
    if (!body.is_object()) {
        throw badRequest("the body must be a JSON object");
    }
    pricing::CartRequest cart;
    cart.customer = requiredString(body, "customer", "");
    cart.date = optionalString(body, "date", "");
    cart.currency = optionalString(body, "currency", "");
    if (const auto it = body.find("explain"); it != body.end()) {
        if (!it->is_boolean()) {
            throw badRequest("explain must be true or false");
        }
        cart.explain = it->get<bool>();
    }
    const auto lines = body.find("lines");
    if (lines == body.end() || !lines->is_array()) {
        throw badRequest("lines is required: an array of {\"sku\": ..., \"quantity\": ...}");
    }
    for (std::size_t i = 0; i < lines->size(); ++i) {
        const auto& l = (*lines)[i];
        const std::string path = "lines[" + std::to_string(i) + "].";
        if (!l.is_object()) {
            throw badRequest(path.substr(0, path.size() - 1) + " must be an object");
        }
        const auto sku = requiredString(l, "sku", path);
        const auto quantity = optionalString(l, "quantity", path).value_or("1");
        cart.lines.push_back({sku, quantityOf(quantity, path + "quantity")});
    }
    return cart;
}

HttpReply livez() {
    return jsonReply({{"status", "ok"}});
}

bool isLivez(const std::string& target) {
    return target.substr(0, target.find_first_of("?#")) == "/livez";
}

}  // namespace

/// The routes of the pricing API, run by the server's workers on whole requests.
class HttpPricingServer::Routes {
  public:
    Routes(PricingService& service, config::ApiConfig api, AuthFailureLog& failures)
        : service_(service), api_(std::move(api)), failures_(failures) {}

    HttpReply handle(const HttpRequest& request) {
        try {
            return route(request);
        } catch (const Problem& p) {
            return replyOf(p);
        } catch (const pricing::PricingError& e) {
            return replyOf(problemOf(e));
        } catch (const PricingUnavailable& e) {
            spdlog::warn("pricing API: {}", e.what());
            return replyOf({HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "unavailable", e.what()});
        }
    }

  private:
    HttpReply route(const HttpRequest& request) {
        const auto target = parseTarget(request.head.getURI());
        const std::string& path = target.uri.getPath();
        const std::string& method = request.head.getMethod();
        if (path == "/livez") {
            return livez();
        }
        if (path == "/api/v1/prices/cart") {
            allow(method, "POST");
            authorize(request);
            return cart(request);
        }
        if (path == "/api/v1/prices/explain") {
            allow(method, "GET");
            authorize(request);
            return explain(target.query);
        }
        throw Problem{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                      "no such resource: " + path + " (POST /api/v1/prices/cart, GET /api/v1/prices/explain)"};
    }

    struct Target {
        Poco::URI uri;
        Poco::URI::QueryParameters query;
    };

    // A malformed percent-encoding (%ZZ) in the path or the query is the client's error.
    static Target parseTarget(const std::string& text) {
        try {
            Target target{Poco::URI(text), {}};
            target.query = target.uri.getQueryParameters();
            return target;
        } catch (const Poco::SyntaxException& e) {
            throw badRequest("the request's URI is not valid: " + e.message());
        }
    }

    static void allow(const std::string& method, const std::string& allowed) {
        if (method != allowed) {
            throw Problem{HTTPResponse::HTTP_METHOD_NOT_ALLOWED,
                          "method_not_allowed",
                          "use " + allowed,
                          json::object(),
                          {{"Allow", allowed}}};
        }
    }

    void authorize(const HttpRequest& request) const {
        const std::string header = request.head.get("Authorization", "");
        const std::string prefix = "Bearer ";
        const std::string& token = api_.token.reveal();
        const bool ok = header.size() == prefix.size() + token.size() &&
                        header.compare(0, prefix.size(), prefix) == 0 &&
                        sodium_memcmp(header.data() + prefix.size(), token.data(), token.size()) == 0;
        if (!ok) {
            failures_.record("http", request.peer, header.empty() ? "no token" : "wrong token");
            throw Problem{HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized",
                          header.empty() ? "send the API token: Authorization: Bearer <token>"
                                         : "the token is not this server's API token"};
        }
    }

    HttpReply cart(const HttpRequest& request) {
        // The server has read the whole body, bounded by max_request_bytes; a body it could not size is refused.
        if (!request.head.hasContentLength()) {
            throw Problem{HTTPResponse::HTTP_LENGTH_REQUIRED, "length_required", "send the body with a Content-Length"};
        }
        json parsed;
        try {
            parsed = json::parse(request.body);
        } catch (const json::parse_error& e) {
            throw badRequest(std::string("the body is not JSON: ") + e.what());
        }
        const auto cart = cartOf(parsed);
        const auto answer = service_.priceCart(cart);
        auto out = pricing::cartJson(answer.cart, cart.explain);
        for (std::size_t i = 0; i < answer.cart.lines.size(); ++i) {
            if (answer.cart.lines[i].quote) {
                out["lines"][i]["answered_by"] = answer.answered_by[i];
            }
        }
        out["provenance"] = provenanceJson(answer.provenance);
        return jsonReply(out);
    }

    HttpReply explain(const Poco::URI::QueryParameters& parameters) {
        std::map<std::string, std::string> query;
        for (const auto& [key, value] : parameters) {
            query[key] = value;
        }
        const auto need = [&](const std::string& key) {
            const auto it = query.find(key);
            if (it == query.end() || it->second.empty()) {
                throw badRequest(key + " is required (?customer=...&sku=...[&quantity=...&date=...&currency=...])");
            }
            return it->second;
        };
        pricing::PriceRequest r;
        r.customer = need("customer");
        r.sku = need("sku");
        if (query.count("quantity")) {
            r.quantity = quantityOf(query["quantity"], "quantity");
        }
        if (query.count("date")) {
            r.date = query["date"];
        }
        if (query.count("currency")) {
            r.currency = query["currency"];
        }
        const auto answer = service_.explain(r);
        auto out = pricing::quoteJson(answer.quote);
        out["provenance"] = provenanceJson(answer.provenance);
        return jsonReply(out);
    }

    PricingService& service_;
    const config::ApiConfig api_;
    AuthFailureLog& failures_;
};

HttpPricingServer::HttpPricingServer(PricingService& service, const config::ApiConfig& api, AuthFailureLog& failures)
    : routes_(std::make_unique<Routes>(service, api, failures)) {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium cannot be initialised");
    }
    HttpServerSettings settings;
    settings.bind = api.bind;
    settings.port = api.http_port;
    settings.workers = api.max_connections;
    settings.max_open = api.http_max_open_connections;
    settings.max_per_peer = api.max_connections_per_peer;
    settings.request_timeout = std::chrono::milliseconds(api.http_request_timeout_ms);
    settings.max_body_bytes = api.max_request_bytes;
    if (api.tls.enabled()) {
        tls_ = std::make_unique<TlsServerContext>(api.tls);
        settings.tls = tls_->get();
        settings.certificate_refused = [&failures](const std::string& peer, const std::string& reason) {
            failures.record("http", peer, reason);
        };
    }
    // /livez is answered by the I/O thread itself: it says the process serves even while every worker is busy.
    server_ = std::make_unique<HttpServer>(
        settings, [routes = routes_.get()](const HttpRequest& request) { return routes->handle(request); },
        [](const HttpRequest& request) -> std::optional<HttpReply> {
            if (request.head.getMethod() == "GET" && isLivez(request.head.getURI())) {
                return livez();
            }
            return std::nullopt;
        });
}

HttpPricingServer::~HttpPricingServer() {
    stop();
}

void HttpPricingServer::start() {
    server_->start();
}

void HttpPricingServer::stop(bool finish_requests) {
    server_->stop(finish_requests);
}

int HttpPricingServer::port() const {
    return server_->port();
}

std::string HttpPricingServer::tlsDescription() const {
    return tls_ ? tls_->description() : "";
}

}  // namespace syncline::app
