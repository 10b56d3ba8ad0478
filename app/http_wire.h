#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Net/HTTPRequest.h>
#include <nlohmann/json.hpp>

namespace syncline::app {

/// A request read whole off the wire: its header and its body.
struct HttpRequest {
    Poco::Net::HTTPRequest head;
    std::string body;
    std::string peer;  ///< the client's address as counted (app/connection_limits.h peerKey)
};

/// A reply. serializeReply adds Content-Length, Connection, Date and Server.
struct HttpReply {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

/// An application/problem+json reply: {"type": "urn:syncline:problem:<kind>", "title", "status", "kind", "detail"}
/// with `extra`'s members, and Cache-Control: no-store. A 401 says WWW-Authenticate: Bearer, a 503 Retry-After: 1.
HttpReply problemReply(int status, const std::string& kind, const std::string& detail,
                       const nlohmann::json& extra = nlohmann::json::object());

/// The reply as HTTP/1.1 bytes.
std::string serializeReply(const HttpReply& reply, bool keep_alive);

/// What the bytes received so far hold of a request's header.
struct HeadParse {
    std::unique_ptr<HttpRequest> request;  ///< the header, when it is whole and acceptable
    std::optional<HttpReply> problem;      ///< why the request is refused (400, 411, 413, 431): answer and close
    std::size_t head_bytes = 0;            ///< the header's length in `in`
    std::size_t body_bytes = 0;            ///< the Content-Length
};

/// The largest request header accepted.
constexpr std::size_t kMaxHeadBytes = 32 * 1024;

/// Reads a request's header from the start of `in` (empty lines before it are dropped from `in`). Neither request
/// nor problem: the header is not whole yet. A chunked body is refused (411), and so is a body larger than
/// `max_body_bytes` (413) before it is read.
HeadParse parseHead(std::string& in, const std::string& peer, std::int64_t max_body_bytes);

}  // namespace syncline::app
