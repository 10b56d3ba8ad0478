// syncline-connector-host: serves any connector kind built into this binary, or loaded from --plugin-dir, over
// schemas/thrift/connector.thrift, so that a driver that crashes takes down this process and not syncline (the way
// ClickHouse's odbc-bridge keeps ODBC drivers out of the server). syncline starts it through the thrift connector kind
// (erp.command), or it runs on its own and syncline reaches it at erp.socket or erp.address. docs/connectors/thrift.md.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <thrift/TConfiguration.h>
#include <thrift/TOutput.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/server/TThreadedServer.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TServerSocket.h>
#include <CLI/CLI.hpp>

#include "connectors/builtin.h"
#include "connectors/host/connector_handler.h"
#include "engine/connector/plugin_loader.h"

namespace {

using namespace apache::thrift;
using syncline::connector_host::ConnectorHandler;
namespace api = syncline::connector_api;

// A handler per connection: the connector a client configures lives and dies with its connection.
class HandlerFactory : public api::ConnectorServiceIfFactory {
  public:
    explicit HandlerFactory(std::string kind) : kind_(std::move(kind)) {}
    api::ConnectorServiceIf* getHandler(const TConnectionInfo&) override { return new ConnectorHandler(kind_); }
    void releaseHandler(api::ConnectorServiceIf* handler) override { delete handler; }

  private:
    std::string kind_;
};

// serve() listens again; listening once is enough (and binding a unix socket twice fails).
class ServerSocket : public transport::TServerSocket {
  public:
    using TServerSocket::TServerSocket;
    void listen() override {
        if (!listening_) {
            TServerSocket::listen();
            listening_ = true;
        }
    }

  private:
    bool listening_ = false;
};

// Frames no larger than the bound, checked before anything is allocated for them.
class BoundedFramedFactory : public transport::TTransportFactory {
  public:
    explicit BoundedFramedFactory(int max_bytes) : config_(std::make_shared<TConfiguration>(max_bytes, max_bytes)) {}
    std::shared_ptr<transport::TTransport> getTransport(std::shared_ptr<transport::TTransport> trans) override {
        return std::make_shared<transport::TFramedTransport>(trans, config_);
    }

  private:
    std::shared_ptr<TConfiguration> config_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"syncline-connector-host: serves syncline's connector kinds over Thrift (docs/connectors/thrift.md)"};
    std::string socket_path;
    std::string listen;
    std::string kind;
    std::string plugin_dir;
    int max_frame_bytes = 16 * 1024 * 1024;
    std::string log_level = "info";
    app.add_option("--socket", socket_path,
                   "unix socket to listen on (default: $SYNCLINE_CONNECTOR_SOCKET, set by syncline's erp.command)");
    app.add_option("--listen", listen, "HOST:PORT to listen on instead (TCP: only on a network you trust)");
    app.add_option("--kind", kind, "the kind served when the client names none (erp.remote_kind)");
    const auto* plugin_option = app.add_option(
        "--plugin-dir", plugin_dir,
        "a folder of connector plug-ins (*.so) whose kinds are served too, as syncline's erp.plugin_dir; "
        "a plug-in refused stops the host (exit 78)");
    app.add_option("--max-frame-bytes", max_frame_bytes, "the largest request accepted")
        ->check(CLI::Range(65536, 1073741824));
    app.add_option("--log-level", log_level, "trace, debug, info, warn or error");
    CLI11_PARSE(app, argc, argv);

    // syncline puts each line of our stderr into its own log, with the connector's name and our pid.
    auto logger = spdlog::stderr_logger_mt("host");
    logger->set_pattern("%l: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::from_str(log_level));
    GlobalOutput.setOutputFunction([](const char* message) { spdlog::debug("thrift: {}", message); });

    syncline::connectors::registerBuiltinConnectors();
    if (plugin_option->count() > 0) {
        if (plugin_dir.empty()) {
            std::cerr << "syncline-connector-host: --plugin-dir must name a folder\n";
            return 64;
        }
        // Every plug-in or none, as syncline's config load: a host that served some kinds and not others would
        // fail later, at a client's configure, far from the cause.
        std::error_code ec;
        const auto problems =
            syncline::connector::loadPluginDir(std::filesystem::absolute(plugin_dir, ec).lexically_normal().string());
        for (const auto& problem : problems) {
            std::cerr << "syncline-connector-host: " << problem.describe() << "\n";
        }
        if (!problems.empty()) {
            return 78;
        }
    }
    if (!kind.empty() && syncline::connector::findConnector(kind) == nullptr) {
        std::cerr << "syncline-connector-host: unknown kind '" << kind
                  << "'; known: " << syncline::connector::registeredKinds() << " ("
                  << syncline::connector_host::kPluginKindHint << ")\n";
        return 64;
    }
    if (socket_path.empty() && listen.empty()) {
        const char* from_env = std::getenv("SYNCLINE_CONNECTOR_SOCKET");
        socket_path = from_env != nullptr ? from_env : "";
    }
    if (socket_path.empty() == listen.empty()) {
        std::cerr << "syncline-connector-host: give exactly one of --socket (or SYNCLINE_CONNECTOR_SOCKET) and "
                     "--listen\n";
        return 64;
    }
    std::shared_ptr<ServerSocket> server_socket;
    if (!socket_path.empty()) {
        server_socket = std::make_shared<ServerSocket>(socket_path);
    } else {
        const auto colon = listen.rfind(':');
        if (colon == std::string::npos) {
            std::cerr << "syncline-connector-host: --listen takes HOST:PORT\n";
            return 64;
        }
        server_socket = std::make_shared<ServerSocket>(listen.substr(0, colon), std::atoi(listen.c_str() + colon + 1));
    }
    try {
        const mode_t before = ::umask(077);  // the socket file: for our user only
        server_socket->listen();
        ::umask(before);
    } catch (const std::exception& e) {
        std::cerr << "syncline-connector-host: cannot listen on " << (socket_path.empty() ? listen : socket_path)
                  << ": " << e.what() << "\n";
        return 69;
    }
    auto processor = std::make_shared<api::ConnectorServiceProcessorFactory>(std::make_shared<HandlerFactory>(kind));
    // Strings and lists no longer than a frame: checked before allocating.
    auto protocol = std::make_shared<protocol::TBinaryProtocolFactory>(max_frame_bytes, max_frame_bytes, true, true);
    server::TThreadedServer server(processor, server_socket, std::make_shared<BoundedFramedFactory>(max_frame_bytes),
                                   protocol);
    server.setConcurrentClientLimit(64);
    spdlog::info("serving {} on {}", syncline::connector::registeredKinds(),
                 socket_path.empty() ? listen : socket_path);
    try {
        server.serve();
    } catch (const std::exception& e) {
        spdlog::error("stopped: {}", e.what());
        return 70;
    }
    return 0;
}
