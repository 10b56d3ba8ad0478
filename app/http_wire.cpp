#include "app/http_wire.h"

#include <sstream>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Timestamp.h>

namespace syncline::app {

namespace {

std::string reasonFor(int status) {
    return Poco::Net::HTTPResponse::getReasonForStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
}

}  // namespace

HttpReply problemReply(int status, const std::string& kind, const std::string& detail, const nlohmann::json& extra) {
    nlohmann::json body = {{"type", "urn:syncline:problem:" + kind},
                           {"title", reasonFor(status)},
                           {"status", status},
                           {"kind", kind},
                           {"detail", detail}};
    body.update(extra);
    HttpReply reply;
    reply.status = status;
    reply.content_type = "application/problem+json";
    // A detail may quote the client's bytes (a path), which need not be UTF-8.
    reply.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    reply.headers.emplace_back("Cache-Control", "no-store");
    if (status == 401) {
        reply.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"syncline\"");
    }
    if (status == 503) {
        reply.headers.emplace_back("Retry-After", "1");
    }
    return reply;
}

std::string serializeReply(const HttpReply& reply, bool keep_alive) {
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reasonFor(reply.status) + "\r\n";
    out += "Date: " + Poco::DateTimeFormatter::format(Poco::Timestamp(), Poco::DateTimeFormat::HTTP_FORMAT) + "\r\n";
    out += "Server: syncline\r\nContent-Type: " + reply.content_type + "\r\n";
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    out += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    for (const auto& [name, value] : reply.headers) {
        out += name + ": " + value + "\r\n";
    }
    out += "\r\n";
    out += reply.body;
    return out;
}

HeadParse parseHead(std::string& in, const std::string& peer, std::int64_t max_body_bytes) {
    HeadParse out;
    // Empty lines before a request are allowed (RFC 9112, 2.2).
    const auto start = in.find_first_not_of("\r\n");
    in.erase(0, start == std::string::npos ? in.size() : start);
    auto end = in.find("\r\n\r\n");
    std::size_t terminator = 4;
    if (const auto lf = in.find("\n\n"); lf != std::string::npos && (end == std::string::npos || lf < end)) {
        end = lf;
        terminator = 2;
    }
    if (end == std::string::npos ? in.size() > kMaxHeadBytes : end + terminator > kMaxHeadBytes) {
        out.problem = problemReply(431, "header_too_large", "the request's header is larger than 32 KiB");
        return out;
    }
    if (end == std::string::npos) {
        return out;
    }
    auto request = std::make_unique<HttpRequest>();
    request->peer = peer;
    auto& head = request->head;
    std::int64_t length = 0;
    try {
        std::istringstream text(in.substr(0, end + terminator));
        head.read(text);
        if (head.hasContentLength()) {
            length = head.getContentLength64();
        }
    } catch (const Poco::Exception& e) {
        out.problem = problemReply(400, "invalid_request", "the request is not HTTP/1.1: " + e.message());
        return out;
    }
    if (head.has("Transfer-Encoding")) {
        out.problem = problemReply(411, "length_required", "send the body with a Content-Length");
    } else if (length < 0) {
        out.problem = problemReply(400, "invalid_request", "the Content-Length is negative");
    } else if (length > max_body_bytes) {
        out.problem = problemReply(413, "too_large",
                                   "the body has " + std::to_string(length) + " bytes; at most " +
                                       std::to_string(max_body_bytes) + " are accepted ([api] max_request_bytes)");
    } else {
        out.request = std::move(request);
        out.head_bytes = end + terminator;
        out.body_bytes = static_cast<std::size_t>(length);
    }
    return out;
}

}  // namespace syncline::app
