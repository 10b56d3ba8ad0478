// Reads streams through the configured connector and nothing else: open(full), next() until the end, rows counted.
// Whatever the kind (odbc in this process, odbc behind syncline-connector-host, the Python template), the same
// calls the pull pipeline makes, without the webstore: what a connector and its transport cost (bench/thrift_bench.sh).
// Prints one JSON line: {"streams":[{"stream":"products","rows":100000,"seconds":0.52}],"seconds":0.61}.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "connectors/builtin.h"
#include "engine/config/config.h"
#include "engine/connector/registry.h"

using namespace syncline;

int main(int argc, char** argv) {
    CLI::App app{"Rows/s of a connector's full read, without the webstore"};
    std::string config_path;
    std::vector<std::string> streams;
    app.add_option("-c,--config", config_path, "syncline config ([erp])")->required();
    app.add_option("--stream", streams, "stream to read (repeatable)")->required();
    CLI11_PARSE(app, argc, argv);

    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    connectors::registerBuiltinConnectors();
    config::Config config;
    try {
        config = config::load(config_path);
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            std::cerr << issue.format() << "\n";
        }
        return 78;
    }
    auto connector = connector::findConnector(config.erp.connector)->create(config.erp.settings);
    std::string out = "{\"streams\":[";
    for (std::size_t i = 0; i < streams.size(); ++i) {
        const auto stream_started = Clock::now();
        auto session = connector->open(streams[i], connector::OpenRequest{});
        if (!session) {
            std::cerr << streams[i] << ": " << session.error().describe() << "\n";
            return 69;
        }
        std::size_t rows = 0;
        connector::RecordBatch batch;
        for (;;) {
            auto more = session.value()->next(batch);
            if (!more) {
                std::cerr << streams[i] << ": " << more.error().describe() << "\n";
                return 69;
            }
            if (!more.value()) {
                break;
            }
            rows += batch.size();
        }
        char buf[256];
        std::snprintf(buf, sizeof buf, "%s{\"stream\":\"%s\",\"rows\":%zu,\"seconds\":%.3f}", i ? "," : "",
                      streams[i].c_str(), rows,
                      std::chrono::duration<double>(Clock::now() - stream_started).count());
        out += buf;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "],\"seconds\":%.3f}", std::chrono::duration<double>(Clock::now() - started).count());
    std::cout << out << buf << "\n";
    return 0;
}
