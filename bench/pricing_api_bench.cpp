// Latency of the Thrift PricingService for 50-line carts with 8 concurrent clients, against its baseline in the same
// run: the same carts priced by pricing::PriceResolver in-process, on one thread, without Thrift or sockets.
//
//   syncline_pricing_api_bench --db=FILE [--clients=8] [--lines=50] [--carts=400] [--cache-items=100000]
//
// FILE is a webstore made by syncline_pricing_bench (`syncline_pricing_bench --db=FILE --benchmark_filter=none`
// creates it: 100k items, 500k rules). The server runs in this process (app::ThriftPricingServer on a loopback port,
// as `syncline serve` runs it), each client on its own thread and connection, each sending --carts carts of --lines
// random items of a random customer, one after another. Reported: p50 / p99 / max per cart, carts per second, and
// p50 / p99 as multiples of the in-process baseline's p50. The service reads through a price cache of
// --cache-items items, as `syncline serve` does by default ([pricing] cache_items; 0: none), warmed first with one
// pass over the catalog, as a daemon is after a while; the baseline reads the webstore. docs/performance.md has
// the figures.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <syncline_thrift/PricingService.h>
#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include "app/auth_failures.h"
#include "app/pricing_service.h"
#include "app/pricing_thrift.h"
#include "engine/pricing/price_resolver.h"

namespace {

using namespace syncline;
using Clock = std::chrono::steady_clock;

constexpr int kCustomers = 5000;  // as syncline_pricing_bench generates them
constexpr const char* kToken = "bench-token";

std::string code(char prefix, int n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%c%07d", prefix, n + 1);
    return buf;
}

struct Cart {
    std::string customer;
    std::vector<std::string> skus;
};

std::vector<Cart> carts(int count, int lines, int items, unsigned seed) {
    std::mt19937 random(seed);
    std::vector<Cart> out(static_cast<std::size_t>(count));
    for (auto& c : out) {
        c.customer = code('C', static_cast<int>(random() % kCustomers));
        for (int i = 0; i < lines; ++i) {
            c.skus.push_back(code('A', static_cast<int>(random() % static_cast<unsigned>(items))));
        }
    }
    return out;
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::string db;
    int clients = 8;
    int lines = 50;
    int per_client = 400;
    int cache_items = 100000;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char* prefix) { return std::stoi(arg.substr(std::string(prefix).size())); };
        if (arg.rfind("--db=", 0) == 0) {
            db = arg.substr(5);
        } else if (arg.rfind("--clients=", 0) == 0) {
            clients = value("--clients=");
        } else if (arg.rfind("--lines=", 0) == 0) {
            lines = value("--lines=");
        } else if (arg.rfind("--carts=", 0) == 0) {
            per_client = value("--carts=");
        } else if (arg.rfind("--cache-items=", 0) == 0) {
            cache_items = value("--cache-items=");
        } else {
            std::cerr << "usage: syncline_pricing_api_bench --db=FILE [--clients=8] [--lines=50] [--carts=400] "
                         "[--cache-items=N]\n";
            return 64;
        }
    }
    if (db.empty() || !std::filesystem::exists(db)) {
        std::cerr << "syncline_pricing_api_bench: --db must name a webstore made by syncline_pricing_bench\n";
        return 66;
    }
    store::ConnectionSettings settings;
    settings.sqlite_path = db;
    try {
        auto store = store::Webstore::open(settings);
        int items = 0;
        store->session() << "SELECT COUNT(*) FROM products", Poco::Data::Keywords::into(items),
            Poco::Data::Keywords::now;

        // Baseline: the same kind of carts, in-process, one thread.
        pricing::PriceResolver resolver(*store);
        std::vector<double> baseline;
        for (const auto& c : carts(400, lines, items, 7)) {
            pricing::CartRequest r;
            r.customer = c.customer;
            for (const auto& sku : c.skus) {
                r.lines.push_back({sku, model::Decimal::parse("3").value()});
            }
            const auto start = Clock::now();
            const auto quote = resolver.priceCart(r);
            baseline.push_back(ms(Clock::now() - start));
            if (quote.lines.size() != c.skus.size()) {
                throw std::runtime_error("a cart lost lines");
            }
        }

        config::ApiConfig api;
        api.token = config::Secret(kToken, "bench");
        api.max_connections = clients;
        api.max_connections_per_peer = clients;  // every client comes from 127.0.0.1
        config::PricingConfig pricing_config;
        pricing_config.cache_items = cache_items;
        const auto cache = app::makePriceCache(pricing_config);
        app::PricingService service(settings, 93600, std::max(lines, 500), nullptr, cache);
        if (cache) {
            pricing::CartRequest warm;
            warm.customer = code('C', 0);
            for (int i = 0; i < items; ++i) {
                warm.lines.push_back({code('A', i), model::Decimal::parse("1").value()});
                if (warm.lines.size() == 500 || i + 1 == items) {
                    service.priceCart(warm);
                    warm.lines.clear();
                }
            }
        }
        const auto warmed = cache ? cache->stats() : pricing::PriceCacheStats{};
        app::AuthFailureLog failures(settings);
        app::ThriftPricingServer server(service, api, failures);
        server.start();

        std::vector<std::vector<double>> latencies(static_cast<std::size_t>(clients));
        std::vector<std::thread> threads;
        const auto started = Clock::now();
        for (int t = 0; t < clients; ++t) {
            threads.emplace_back([&, t] {
                namespace tt = apache::thrift;
                auto socket = std::make_shared<tt::transport::TSocket>("127.0.0.1", server.port());
                auto transport = std::make_shared<tt::transport::TFramedTransport>(socket);
                thrift_api::PricingServiceClient client(std::make_shared<tt::protocol::TBinaryProtocol>(transport));
                transport->open();
                for (const auto& c : carts(per_client, lines, items, 100 + static_cast<unsigned>(t))) {
                    thrift_api::CartRequest r;
                    r.token = kToken;
                    r.customer = c.customer;
                    for (const auto& sku : c.skus) {
                        thrift_api::CartLine l;
                        l.sku = sku;
                        l.quantity = "3";
                        r.lines.push_back(l);
                    }
                    thrift_api::CartPrices reply;
                    const auto start = Clock::now();
                    client.priceCart(reply, r);
                    latencies[static_cast<std::size_t>(t)].push_back(ms(Clock::now() - start));
                }
                transport->close();
            });
        }
        for (auto& t : threads) {
            t.join();
        }
        const double wall_s = std::chrono::duration<double>(Clock::now() - started).count();
        server.stop();

        std::vector<double> all;
        for (const auto& l : latencies) {
            all.insert(all.end(), l.begin(), l.end());
        }
        const double base_p50 = percentile(baseline, 0.5);
        const double p50 = percentile(all, 0.5);
        const double p99 = percentile(all, 0.99);
        std::printf("webstore            %s (%d items)\n", db.c_str(), items);
        std::printf("baseline in-process %d-line cart, 1 thread: p50 %.3f ms, p99 %.3f ms\n", lines, base_p50,
                    percentile(baseline, 0.99));
        std::printf(
            "thrift              %d clients x %d carts of %d lines: p50 %.3f ms, p99 %.3f ms, max %.3f ms, "
            "%.0f carts/s\n",
            clients, per_client, lines, p50, p99, percentile(all, 1.0), static_cast<double>(all.size()) / wall_s);
        std::printf("ratio to baseline   p50 %.2f x, p99 %.2f x\n", p50 / base_p50, p99 / base_p50);
        if (cache) {
            const auto after = cache->stats();
            const auto hits = static_cast<double>(after.hits - warmed.hits);
            const auto misses = static_cast<double>(after.misses - warmed.misses);
            std::printf("price cache         %d items at most, %zu held; hit ratio while measured %.3f\n", cache_items,
                        after.items, hits / std::max(1.0, hits + misses));
        } else {
            std::printf("price cache         off\n");
        }
        std::printf("target              p99 under 5 ms: %s\n", p99 < 5.0 ? "met" : "missed");
    } catch (const std::exception& e) {
        std::cerr << "syncline_pricing_api_bench: " << e.what() << "\n";
        return 70;
    }
    return 0;
}
