#include "app/http_api.h"

#include <sodium.h>

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "engine/model/decimal.h"
#include "engine/pricing/price_json.h"

namespace syncline::app {

namespace {

using nlohmann::json;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

/// An HTTP error for the client: status, a problem kind and a sentence.
struct Problem {
    HTTPResponse::HTTPStatus status;
    std::string kind;
    std::string detail;
    json extra = json::object();
};

void send(HTTPServerResponse& response, HTTPResponse::HTTPStatus status, const json& body,
          const std::string& content_type = "application/json") {
    const std::string text = body.dump();
    response.setStatusAndReason(status);
    response.setContentType(content_type);
    response.setContentLength64(static_cast<Poco::Int64>(text.size()));
    response.set("Cache-Control", "no-store");
    response.send() << text;
}

void sendProblem(HTTPServerResponse& response, const Problem& p) {
    json body = {{"type", "urn:syncline:problem:" + p.kind},
                 {"title", HTTPResponse::getReasonForStatus(p.status)},
                 {"status", static_cast<int>(p.status)},
                 {"kind", p.kind},
                 {"detail", p.detail}};
    body.update(p.extra);
    if (p.status == HTTPResponse::HTTP_UNAUTHORIZED) {
        response.set("WWW-Authenticate", "Bearer realm=\"syncline\"");
    }
    if (p.status == HTTPResponse::HTTP_SERVICE_UNAVAILABLE) {
        response.set("Retry-After", "1");
    }
    send(response, p.status, body, "application/problem+json");
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

class PricingHandler : public Poco::Net::HTTPRequestHandler {
  public:
    PricingHandler(PricingService& service, const config::ApiConfig& api) : service_(service), api_(api) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        try {
            route(request, response);
        } catch (const Problem& p) {
            sendProblem(response, p);
        } catch (const pricing::PricingError& e) {
            sendProblem(response, problemOf(e));
        } catch (const PricingUnavailable& e) {
            spdlog::warn("pricing API: {}", e.what());
            sendProblem(response, {HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "unavailable", e.what()});
        } catch (const std::exception& e) {
            spdlog::error("pricing API: {} {}: {}", request.getMethod(), request.getURI(), e.what());
            if (!response.sent()) {
                sendProblem(response, {HTTPResponse::HTTP_INTERNAL_SERVER_ERROR, "internal", "see the server log"});
            }
        }
    }

  private:
    void route(HTTPServerRequest& request, HTTPServerResponse& response) {
        const Poco::URI uri(request.getURI());
        const std::string& path = uri.getPath();
        const std::string& method = request.getMethod();
        if (path == "/livez") {
            send(response, HTTPResponse::HTTP_OK, {{"status", "ok"}});
            return;
        }
        if (path == "/api/v1/prices/cart") {
            allow(method, "POST", response);
            authorize(request);
            cart(request, response);
        } else if (path == "/api/v1/prices/explain") {
            allow(method, "GET", response);
            authorize(request);
            explain(uri, response);
        } else {
            throw Problem{HTTPResponse::HTTP_NOT_FOUND, "not_found",
                          "no such resource: " + path + " (POST /api/v1/prices/cart, GET /api/v1/prices/explain)"};
        }
    }

    static void allow(const std::string& method, const std::string& allowed, HTTPServerResponse& response) {
        if (method != allowed) {
            response.set("Allow", allowed);
            throw Problem{HTTPResponse::HTTP_METHOD_NOT_ALLOWED, "method_not_allowed", "use " + allowed};
        }
    }

    void authorize(const HTTPServerRequest& request) const {
        const std::string header = request.get("Authorization", "");
        const std::string prefix = "Bearer ";
        const std::string& token = api_.token.reveal();
        const bool ok = header.size() == prefix.size() + token.size() &&
                        header.compare(0, prefix.size(), prefix) == 0 &&
                        sodium_memcmp(header.data() + prefix.size(), token.data(), token.size()) == 0;
        if (!ok) {
            throw Problem{HTTPResponse::HTTP_UNAUTHORIZED, "unauthorized",
                          header.empty() ? "send the API token: Authorization: Bearer <token>"
                                         : "the token is not this server's API token"};
        }
    }

    std::string body(HTTPServerRequest& request) const {
        if (request.getChunkedTransferEncoding() || !request.hasContentLength()) {
            throw Problem{HTTPResponse::HTTP_LENGTH_REQUIRED, "length_required", "send the body with a Content-Length"};
        }
        const auto length = request.getContentLength64();
        if (length > api_.max_request_bytes) {
            throw Problem{HTTPResponse::HTTP_REQUESTENTITYTOOLARGE, "too_large",
                          "the body has " + std::to_string(length) + " bytes; at most " +
                              std::to_string(api_.max_request_bytes) + " are accepted ([api] max_request_bytes)"};
        }
        std::string text(static_cast<std::size_t>(length), '\0');
        request.stream().read(text.data(), length);
        if (request.stream().gcount() != length) {
            throw badRequest("the body ended before its Content-Length");
        }
        return text;
    }

    void cart(HTTPServerRequest& request, HTTPServerResponse& response) {
        json parsed;
        try {
            parsed = json::parse(body(request));
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
        send(response, HTTPResponse::HTTP_OK, out);
    }

    void explain(const Poco::URI& uri, HTTPServerResponse& response) {
        std::map<std::string, std::string> query;
        for (const auto& [key, value] : uri.getQueryParameters()) {
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
        send(response, HTTPResponse::HTTP_OK, out);
    }

    PricingService& service_;
    const config::ApiConfig& api_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    Factory(PricingService& service, config::ApiConfig api) : service_(service), api_(std::move(api)) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
        return new PricingHandler(service_, api_);
    }

  private:
    PricingService& service_;
    config::ApiConfig api_;
};

}  // namespace

HttpPricingServer::HttpPricingServer(PricingService& service, const config::ApiConfig& api) {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium cannot be initialised");
    }
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(Poco::Net::SocketAddress(api.bind, static_cast<Poco::UInt16>(api.http_port)), true);
        socket.listen(64);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("the HTTP pricing API cannot listen on " + api.bind + ":" +
                                 std::to_string(api.http_port) + ": " + e.displayText());
    }
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(api.max_connections);
    params->setMaxQueued(api.max_connections * 4);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(1000);
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    params->setTimeout(Poco::Timespan(30, 0));  // a client that stops sending mid-request is dropped
    params->setServerName("syncline");
    threads_ = std::make_unique<Poco::ThreadPool>(2, api.max_connections);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(service, api), *threads_, socket, params);
}

HttpPricingServer::~HttpPricingServer() {
    stop();
}

void HttpPricingServer::start() {
    server_->start();
    running_ = true;
}

void HttpPricingServer::stop(bool finish_requests) {
    if (running_) {
        server_->stopAll(!finish_requests);
        threads_->joinAll();
        running_ = false;
    }
}

}  // namespace syncline::app
