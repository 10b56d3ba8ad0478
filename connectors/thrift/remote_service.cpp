#include "connectors/thrift/remote_service.h"

#include <thread>

#include <spdlog/spdlog.h>
#include <thrift/TApplicationException.h>
#include <thrift/protocol/TProtocolException.h>

namespace syncline::thrift_connector {

using apache::thrift::TApplicationException;
using apache::thrift::transport::TTransportException;
using connector::Error;
using connector::ErrorKind;

std::string Endpoint::name() const {
    if (!remote_kind.empty()) {
        return remote_kind;
    }
    if (command.empty()) {
        return socket.empty() ? host + ":" + port : socket;
    }
    // "python3 catalog_connector.py": the program, and the script it runs when there is one.
    const auto base = [](const std::string& path) { return path.substr(path.rfind('/') + 1); };
    std::string text = base(command.front());
    for (std::size_t i = 1; i < command.size(); ++i) {
        if (!command[i].empty() && command[i].front() != '-') {
            return text + " " +
                   base(command[i]);  // the script an interpreter runs (after its options: python3 -B x.py)
        }
    }
    return text;
}

std::string Endpoint::describe() const {
    if (!command.empty()) {
        return "the connector `" + name() + "`";
    }
    if (!socket.empty()) {
        return "the connector at " + socket;
    }
    return "the connector at " + host + ":" + port;
}

std::string Endpoint::whereKey() const {
    return !command.empty() ? "command" : (!socket.empty() ? "socket" : "address");
}

// --- Channel -----------------------------------------------------------------------------------------------------

Channel::Channel(std::shared_ptr<RemoteService> service, std::shared_ptr<CallTransport> transport,
                 std::uint64_t generation)
    : service_(std::move(service)), transport_(std::move(transport)), generation_(generation) {
    const auto limit =
        static_cast<std::int32_t>(std::min<std::uint32_t>(service_->endpoint().max_frame_bytes, 0x7fffffff));
    // Strings and lists no longer than a frame: checked before anything is allocated for them.
    protocol_ = std::make_shared<apache::thrift::protocol::TBinaryProtocolT<CallTransport>>(transport_, limit, limit,
                                                                                            true, true);
    client_ = std::make_unique<Client>(protocol_);
}

bool Channel::broken() const {
    std::lock_guard lock(mutex_);
    return !transport_->isOpen();
}

std::chrono::milliseconds Channel::callTimeout() const {
    return service_->endpoint().call_timeout;
}

Error Channel::brokenError(const char* what) const {
    return {ErrorKind::Transient, "connection-lost",
            "the connection to " + service_->endpoint().describe() + " broke before " + what + "()"};
}

Error Channel::failureOf(const char* what, std::exception_ptr failure) {
    const Endpoint& endpoint = service_->endpoint();
    const std::string call = std::string(what) + "()";
    try {
        std::rethrow_exception(failure);
    } catch (const FrameTooLarge& e) {
        transport_->close();
        if (e.outgoing) {
            return {ErrorKind::Config, "frame-too-large",
                    "syncline's " + call + " call to " + endpoint.describe() + " would be a frame of more than " +
                        std::to_string(e.max) + " bytes (erp.max_frame_bytes)"};
        }
        return {ErrorKind::Config, "frame-too-large",
                endpoint.describe() + " answered " + call + " with a frame of " + std::to_string(e.size) +
                    " bytes, more than erp.max_frame_bytes (" + std::to_string(e.max) +
                    "): raise erp.max_frame_bytes, or have the connector send smaller batches"};
    } catch (const DeadlinePassed&) {
        transport_->close();
        service_->abandon();
        const bool login = timeout_ != endpoint.call_timeout;
        return {ErrorKind::Transient, "deadline",
                endpoint.describe() + " did not answer " + call + " within " + std::to_string(timeout_.count()) +
                    (login ? " ms (erp.login_timeout_s)" : " ms (erp.call_timeout_ms)") +
                    (endpoint.command.empty() ? "" : "; its process was killed and starts again at the next call")};
    } catch (const TTransportException& e) {
        transport_->close();
        if (const std::string death = service_->deathOf(); !death.empty()) {
            return {ErrorKind::Transient, "connector-died",
                    endpoint.describe() + " " + death + " during " + call + "; it starts again at the next call"};
        }
        return {ErrorKind::Transient, "connection-lost",
                "the connection to " + endpoint.describe() + " broke during " + call + ": " + e.what()};
    } catch (const TApplicationException& e) {
        // The reply was read whole: the connection stays usable.
        if (e.getType() == TApplicationException::UNKNOWN_METHOD) {
            return {ErrorKind::Fatal, "not-implemented", endpoint.describe() + " does not implement " + call};
        }
        return {ErrorKind::Fatal, "connector-failed", endpoint.describe() + " failed in " + call + ": " + e.what()};
    } catch (const apache::thrift::protocol::TProtocolException& e) {
        transport_->close();
        return {ErrorKind::Fatal, "malformed-reply",
                "the reply of " + endpoint.describe() + " to " + call + " could not be read: " + e.what()};
    } catch (const std::exception& e) {
        transport_->close();
        return {ErrorKind::Fatal, "connector-failed",
                "the call " + call + " to " + endpoint.describe() + " failed: " + e.what()};
    }
}

// --- RemoteService -----------------------------------------------------------------------------------------------

RemoteService::RemoteService(Endpoint endpoint, api::Settings settings)
    : endpoint_(std::move(endpoint)), settings_(std::move(settings)) {}

RemoteService::~RemoteService() = default;

connector::Result<std::shared_ptr<CallTransport>> RemoteService::open(CallTransport::Clock::time_point deadline) {
    const auto max_frame = endpoint_.max_frame_bytes;
    if (endpoint_.command.empty()) {
        try {
            if (!endpoint_.socket.empty()) {
                return CallTransport::connectUnix(endpoint_.socket, deadline, max_frame);
            }
            return CallTransport::connectTcp(endpoint_.host, endpoint_.port, deadline, max_frame);
        } catch (const TTransportException& e) {
            return Error{ErrorKind::Transient, "unreachable",
                         "cannot reach " + endpoint_.describe() + ": " + std::string(e.what())};
        }
    }
    std::shared_ptr<ConnectorProcess> process;
    {
        std::lock_guard lock(mutex_);
        if (process_) {
            if (auto how = process_->ended()) {
                spdlog::warn("{} {}; starting it again", endpoint_.describe(), *how);
                process_.reset();
            }
        }
        if (!process_) {
            try {
                process_ = std::make_shared<ConnectorProcess>(ConnectorProcess::Options{
                    endpoint_.command, endpoint_.working_dir, endpoint_.environment, endpoint_.name()});
            } catch (const std::runtime_error& e) {
                return Error{ErrorKind::Config, "cannot-start",
                             "cannot start " + endpoint_.describe() + ": " + std::string(e.what())};
            }
            spdlog::info("{} started (pid {})", endpoint_.describe(), process_->pid());
        }
        process = process_;
    }
    // The child binds its socket when it is ready: try until it does, it ends, or the login timeout passes.
    auto pause = std::chrono::milliseconds(5);
    for (;;) {
        try {
            return CallTransport::connectUnix(process->socketPath(), deadline, max_frame);
        } catch (const TTransportException& e) {
            if (auto how = process->ended(std::chrono::milliseconds(0))) {
                const std::string said = process->lastLines();
                return Error{
                    ErrorKind::Config, "exited",
                    endpoint_.describe() + " " + *how + " before it listened" + (said.empty() ? "" : ": " + said)};
            }
            if (CallTransport::Clock::now() + pause >= deadline) {
                process->kill();
                return Error{ErrorKind::Transient, "no-listen",
                             endpoint_.describe() + " did not listen on SYNCLINE_CONNECTOR_SOCKET within " +
                                 std::to_string(endpoint_.login_timeout.count()) + " s (erp.login_timeout_s)"};
            }
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(100));
    }
}

connector::Result<std::unique_ptr<Channel>> RemoteService::connect(bool configure, api::Configured* configured,
                                                                   api::Spec* spec_out) {
    auto transport = open(CallTransport::Clock::now() + endpoint_.login_timeout);
    if (!transport) {
        return transport.error();
    }
    std::uint64_t generation = 0;
    {
        std::lock_guard lock(mutex_);
        generation = ++generations_;
    }
    auto channel = std::make_unique<Channel>(shared_from_this(), std::move(transport.value()), generation);
    // Who it is and being configured are quick (configure connects to nothing): they answer within the login timeout.
    const std::chrono::milliseconds quick = endpoint_.login_timeout;
    auto spec = channel->call<api::Spec>(
        "spec", [&](Channel::Client& c, api::Spec& out) { c.spec(out, endpoint_.remote_kind); }, quick);
    if (!spec) {
        if (spec.error().kind == ErrorKind::Transient) {
            return spec.error();
        }
        return Error{ErrorKind::Config, spec.error().code.empty() ? "bad-spec" : spec.error().code,
                     endpoint_.describe() + " is refused: its spec could not be read: " + spec.error().message};
    }
    if (auto problem = problemOf(spec.value())) {
        return Error{ErrorKind::Config, "bad-spec", endpoint_.describe() + " is refused: " + *problem};
    }
    if (spec_out != nullptr) {
        *spec_out = spec.value();
    }
    if (configure) {
        auto done = channel->call<api::Configured>(
            "configure", [&](Channel::Client& c, api::Configured& out) { c.configure(out, settings_); }, quick);
        if (!done) {
            return done.error();
        }
        if (configured != nullptr) {
            *configured = std::move(done.value());
        }
    }
    return channel;
}

void RemoteService::abandon() {
    std::lock_guard lock(mutex_);
    if (process_) {
        process_->kill();
    }
}

std::string RemoteService::deathOf() {
    std::shared_ptr<ConnectorProcess> process;
    {
        std::lock_guard lock(mutex_);
        process = process_;
    }
    if (!process) {
        return "";
    }
    const auto how = process->ended(std::chrono::milliseconds(200));
    if (!how) {
        return "";
    }
    const std::string said = process->lastLines();
    return *how + (said.empty() ? "" : " (its last words: " + said + ")");
}

}  // namespace syncline::thrift_connector
