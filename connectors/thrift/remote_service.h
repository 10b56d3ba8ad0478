#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <thrift/protocol/TBinaryProtocol.h>

#include "connectors/thrift/call_transport.h"
#include "connectors/thrift/connector_process.h"
#include "connectors/thrift/wire.h"

namespace syncline::thrift_connector {

/// Where a connector service is and how to talk to it: the thrift kind's own settings, checked.
struct Endpoint {
    std::vector<std::string> command;  ///< start it as a child process ...
    std::string working_dir;
    std::map<std::string, std::string> environment;
    std::string host;  ///< ... or reach it at host:port ...
    std::string port;
    std::string socket;       ///< ... or at this unix socket
    std::string remote_kind;  ///< the kind asked of the service ("" = its own)
    std::uint32_t max_frame_bytes = 16 * 1024 * 1024;
    std::chrono::milliseconds call_timeout{300000};
    std::chrono::seconds login_timeout{10};

    /// For log lines: the remote kind, else the command's program and its first argument that is no option (the script:
    /// "python3 catalog.py"), or where the service is.
    std::string name() const;
    /// "the connector `python3 catalog.py`", "the connector at host:port", "the connector at /run/x.sock".
    std::string describe() const;
    /// The config key that says where it is: "command", "address" or "socket".
    std::string whereKey() const;
};

class RemoteService;

/// One connection to the service, with the call in flight bounded by erp.call_timeout_ms. Thread-safe: calls are
/// serialized. After a failure of the connection (not an error the connector returned) it is broken for good; the
/// owner makes a new one (RemoteService::connect), which restarts a dead or hung child process first.
class Channel {
  public:
    using Client = api::ConnectorServiceClient;

    Channel(std::shared_ptr<RemoteService> service, std::shared_ptr<CallTransport> transport, std::uint64_t generation);

    /// Runs `fn(client, out)` as the call `what` (a method name, for messages), within `timeout` (default:
    /// erp.call_timeout_ms). Every failure is an Error: the
    /// connector's own (ConnectorError), or the connection's (transient: lost, deadline passed, the process died;
    /// config: a frame over erp.max_frame_bytes; fatal: a malformed reply, a method the service does not know).
    template <typename T, typename Fn>
    connector::Result<T> call(const char* what, Fn&& fn, std::optional<std::chrono::milliseconds> timeout = {}) {
        std::lock_guard lock(mutex_);
        if (!transport_->isOpen()) {
            return brokenError(what);
        }
        timeout_ = timeout.value_or(callTimeout());
        transport_->setDeadline(CallTransport::Clock::now() + timeout_);
        try {
            T out{};
            fn(*client_, out);
            return out;
        } catch (const api::ConnectorError& e) {
            return fromWire(e);
        } catch (...) {
            return failureOf(what, std::current_exception());
        }
    }

    bool broken() const;
    /// Which connection of the service this is (1, 2, ...): a pull session belongs to one.
    std::uint64_t generation() const { return generation_; }

  private:
    std::chrono::milliseconds callTimeout() const;
    connector::Error brokenError(const char* what) const;
    connector::Error failureOf(const char* what, std::exception_ptr failure);

    std::shared_ptr<RemoteService> service_;
    mutable std::mutex mutex_;
    std::shared_ptr<CallTransport> transport_;
    std::shared_ptr<apache::thrift::protocol::TBinaryProtocolT<CallTransport>> protocol_;
    std::unique_ptr<Client> client_;
    const std::uint64_t generation_;
    std::chrono::milliseconds timeout_{0};  ///< of the call in flight, for its message
};

/// A connector service, reached at an endpoint: the child process (started on the first connection, started again
/// on a connection after it died or was killed for missing a deadline) and the settings each connection is
/// configured with. Shared by a connector and its live price source; the process is killed when the last owner
/// goes. Thread-safe.
class RemoteService : public std::enable_shared_from_this<RemoteService> {
  public:
    RemoteService(Endpoint endpoint, api::Settings settings);
    ~RemoteService();

    const Endpoint& endpoint() const { return endpoint_; }

    /// A connection whose service passed the spec check (protocolVersion(), problemOf) and, with `configure`, was
    /// configured with the settings (`configured` receives what it said). Errors: config (the command cannot be
    /// started or exits at once, a refused spec, refused settings), transient (unreachable, no answer in time).
    connector::Result<std::unique_ptr<Channel>> connect(bool configure, api::Configured* configured = nullptr,
                                                        api::Spec* spec = nullptr);

    /// The call in flight missed its deadline: kill the child process (it is hung, or its reply is out of step), so
    /// the next connection starts a new one. No-op for a service at an address.
    void abandon();
    /// When the child process ended: how ("was killed by signal 9 (Killed)") and its last output; "" when it runs
    /// or there is none.
    std::string deathOf();

  private:
    connector::Result<std::shared_ptr<CallTransport>> open(CallTransport::Clock::time_point deadline);

    const Endpoint endpoint_;
    const api::Settings settings_;
    std::mutex mutex_;
    std::shared_ptr<ConnectorProcess> process_;
    std::uint64_t generations_ = 0;
};

}  // namespace syncline::thrift_connector
