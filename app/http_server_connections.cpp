// The HTTP server's connections, one request after the other: read, parse, hand to a worker (or answer at once),
// write the reply, then the next request, or linger and close (app/http_server.h).
#include <sys/socket.h>

#include <algorithm>
#include <string>

#include <spdlog/spdlog.h>

#include "app/http_server_impl.h"

namespace syncline::app {

using namespace http_server_detail;

// A read or write failed: the connection is closed, and a failed TLS handshake is told.
void HttpServer::Impl::failed(std::uint64_t id, Connection& c) {
    if (c.stream.secure() && !c.stream.established()) {
        if (c.stream.certificateRefused() && settings.certificate_refused) {
            settings.certificate_refused(c.peer, c.stream.failure());
        } else {
            handshakes.note("pricing API (http): closed a connection from " + c.peer +
                            ": its TLS handshake failed: " + c.stream.failure());
        }
    }
    close(id);
}

void HttpServer::Impl::onReadable(std::uint64_t id, Connection& c) {
    char buffer[64 * 1024];
    const auto got = c.stream.read(buffer, sizeof buffer);
    if (got.status == SocketStream::Status::Blocked) {
        return;
    }
    if (got.status == SocketStream::Status::Failed) {
        failed(id, c);
        return;
    }
    const auto n = got.bytes;
    if (n == 0) {
        c.eof = true;
        if (c.phase == Phase::Head && c.in.empty()) {
            close(id);
            return;
        }
    }
    if (c.phase == Phase::Linger) {
        if (n == 0) {
            close(id);
        }
        return;
    }
    c.in.append(buffer, n);
    advance(id, c);
    if (n == 0) {
        // The client is gone before its request was whole: nothing to answer.
        const auto it = connections.find(id);
        if (it != connections.end() && (it->second.phase == Phase::Head || it->second.phase == Phase::Body)) {
            close(id);
        }
    }
}

void HttpServer::Impl::advance(std::uint64_t id, Connection& c) {
    if (c.phase == Phase::Head) {
        auto parsed = parseHead(c.in, c.peer, settings.max_body_bytes);
        if (parsed.problem) {
            answer(id, c, *parsed.problem, false);
            return;
        }
        if (!parsed.request) {
            return;
        }
        c.head_bytes = parsed.head_bytes;
        c.body_bytes = parsed.body_bytes;
        c.request = std::move(parsed.request);
        c.phase = Phase::Body;
        if (c.body_bytes > 0 && c.request->head.getExpectContinue() && c.in.size() < c.head_bytes + c.body_bytes) {
            c.out += "HTTP/1.1 100 Continue\r\n\r\n";
            if (!flush(id, c)) {
                return;
            }
        }
    }
    if (c.phase != Phase::Body || c.in.size() < c.head_bytes + c.body_bytes) {
        return;
    }
    auto request = std::move(c.request);
    request->body = c.in.substr(c.head_bytes, c.body_bytes);
    c.in.erase(0, c.head_bytes + c.body_bytes);
    ++c.served;
    c.keep_alive = request->head.getKeepAlive() && !c.eof && !stopping && c.served < kMaxRequestsPerConnection;
    std::optional<HttpReply> reply;
    try {
        reply = quick(*request);
    } catch (const std::exception& e) {
        spdlog::error("pricing API (http): {} {}: {}", request->head.getMethod(), request->head.getURI(), e.what());
        reply = problemReply(500, "internal", "see the server log");
    }
    if (reply) {
        answer(id, c, *reply, c.keep_alive);
        return;
    }
    c.phase = Phase::Busy;
    bool more_workers = false;
    {
        std::lock_guard lock(jobs_mutex);
        jobs.push_back({id, std::move(request)});
        // Workers are started as requests need them, up to the bound: an idle API holds no threads.
        more_workers = jobs.size() > idle_workers && static_cast<int>(workers.size()) < settings.workers;
    }
    if (more_workers) {
        workers.emplace_back([this] { worker(); });
    }
    jobs_ready.notify_one();
}

void HttpServer::Impl::answer(std::uint64_t id, Connection& c, const HttpReply& reply, bool keep_alive) {
    c.out += serializeReply(reply, keep_alive);
    c.keep_alive = keep_alive;
    c.request.reset();
    c.phase = Phase::Reply;
    c.deadline = Clock::now() + settings.request_timeout;
    flush(id, c);
}

// Writes what the socket takes now; false when the connection was closed.
bool HttpServer::Impl::flush(std::uint64_t id, Connection& c) {
    while (c.sent < c.out.size()) {
        const auto put = c.stream.write(c.out.data() + c.sent, c.out.size() - c.sent);
        if (put.status == SocketStream::Status::Done) {
            c.sent += put.bytes;
        } else if (put.status == SocketStream::Status::Blocked) {
            return true;
        } else {
            close(id);
            return false;
        }
    }
    c.out.clear();
    c.sent = 0;
    if (c.phase != Phase::Reply) {
        return true;  // a 100 Continue
    }
    if (!c.keep_alive) {
        c.stream.shutdownWrite();
        c.phase = Phase::Linger;
        c.in.clear();
        c.deadline = Clock::now() + std::min<Clock::duration>(kLinger, settings.request_timeout);
        return true;
    }
    c.phase = Phase::Head;
    c.deadline = Clock::now() + settings.request_timeout;
    if (!c.in.empty()) {
        ready.push_back(id);  // a pipelined request: looked at by the loop, not by recursion
    }
    return true;
}

void HttpServer::Impl::close(std::uint64_t id) {
    const auto it = connections.find(id);
    if (it != connections.end()) {
        peers.release(it->second.peer);
        connections.erase(it);
    }
}

void HttpServer::Impl::expire(Clock::time_point now) {
    std::vector<std::uint64_t> expired;
    for (const auto& [id, c] : connections) {
        if (c.phase != Phase::Busy && c.deadline <= now) {
            expired.push_back(id);
        }
    }
    const auto ms = std::to_string(settings.request_timeout.count());
    for (const auto id : expired) {
        auto& c = connections.at(id);
        if (c.phase == Phase::Body || (c.phase == Phase::Head && !c.in.empty())) {
            timeouts.note("pricing API (http): closed a connection from " + c.peer +
                          ": its request did not arrive whole within " + ms + " ms ([api] http_request_timeout_ms)");
            const auto text = serializeReply(
                problemReply(408, "request_timeout",
                             "the request did not arrive whole within " + ms + " ms ([api] http_request_timeout_ms)"),
                false);
            c.stream.sendNow(text);
        } else if (c.phase == Phase::Head && c.served == 0 && !c.stream.established()) {
            timeouts.note("pricing API (http): closed a connection from " + c.peer +
                          ": its TLS handshake did not finish within " + ms + " ms ([api] http_request_timeout_ms)");
        } else if (c.phase == Phase::Head && c.served == 0) {
            timeouts.note("pricing API (http): closed a connection from " + c.peer + ": it sent nothing within " + ms +
                          " ms ([api] http_request_timeout_ms)");
        } else if (c.phase == Phase::Reply) {
            timeouts.note("pricing API (http): closed a connection from " + c.peer +
                          ": it did not take its reply within " + ms + " ms ([api] http_request_timeout_ms)");
        }
        close(id);
    }
}

}  // namespace syncline::app
