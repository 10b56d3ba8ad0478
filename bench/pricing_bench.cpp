// Price look-ups per second of pricing::PriceResolver on an SQLite webstore with 100k items and 500k price rules,
// against its baseline in the same run: a bare primary-key look-up of a product on the same connection.
//
//   syncline_pricing_bench [--items=N] [--rules=M] [--db=FILE] [--mmap=BYTES] [--covering-index]
//                          [Google Benchmark flags]
//
// The webstore is generated into a temporary file (or FILE, kept and reused when it exists) with plain SQL inserts
// in one transaction: N products, N price-list rules of list PL1, 1.5 N of lists PL2-PL6, and the rest special
// prices of 5000 customers (4 in 5) and 10 groups, half absolute, half percentages, with windows around the day and
// one in five from 10 pieces: 5 rules per item on average, as in the demo ERP. See docs/pricing.md ("Performance").
// Variants, not what syncline does today, measured to choose: --mmap sets PRAGMA mmap_size on the connection;
// --covering-index replaces the price_rules_lookup index (sku, scope, scope_key) of the webstore by one that holds
// every column the resolver reads, so that a look-up never visits the table (it changes a reused FILE).
// BM_Cached*/N read through a pricing::PriceCache of N items, as the APIs of `syncline serve` do ([pricing]
// cache_items), warmed with the requests first: N = 100000 holds the whole catalog, N = 20000 (the default) a fifth.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <Poco/Data/SQLite/Utility.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "engine/pricing/price_resolver.h"
#include "engine/store/migrator.h"
#include "engine/store/sqlite_statement.h"
#include "engine/store/webstore.h"

namespace {

using namespace syncline;

constexpr int kCustomers = 5000;
constexpr int kGroups = 10;
constexpr int kLists = 6;
constexpr const char* kDay = "2026-11-27";

int g_items = 100'000;
int g_rules = 500'000;
std::string g_db;
long long g_mmap = 0;
bool g_covering = false;
std::unique_ptr<store::Webstore> g_store;

std::string code(char prefix, int n) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%c%07d", prefix, n + 1);
    return buf;
}

std::string dayPlus(int days) {  // 2026-01-01 + days
    using namespace std::chrono;
    const year_month_day d{sys_days{year{2026} / January / 1} + std::chrono::days{days}};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                  static_cast<unsigned>(d.day()));
    return buf;
}

// The item of special price n: spread over all items, 2.5 per item at 100k items and 500k rules.
int specialItem(int n) {
    return static_cast<int>((static_cast<long long>(n) * 7919) % g_items);
}

void exec(sqlite3* db, const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
        throw std::runtime_error(std::string(sql) + ": " + (error ? error : "?"));
    }
}

void generate(store::Webstore& store) {
    auto& session = store.session();
    sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(session);
    const auto start = std::chrono::steady_clock::now();
    exec(db, "BEGIN");
    store::SqliteStatement customer(session,
                                    "INSERT INTO customers (code, name, customer_group, price_list, currency, "
                                    "updated_at) VALUES ($1, $2, $3, $4, 'EUR', '2026-11-27T00:00:00Z')");
    for (int i = 0; i < kCustomers; ++i) {
        const std::string c = code('C', i), group = "G" + std::to_string(i % kGroups + 1),
                          list = "PL" + std::to_string(i % kLists + 1);
        customer.bind(1, c);
        customer.bind(2, c);
        customer.bind(3, group);
        customer.bind(4, list);
        customer.run();
    }
    store::SqliteStatement product(session,
                                   "INSERT INTO products (sku, name, unit, list_price, currency, updated_at) VALUES "
                                   "($1, $1, 'pcs', $2, 'EUR', '2026-11-27T00:00:00Z')");
    for (int i = 0; i < g_items; ++i) {
        const std::string sku = code('A', i), price = std::to_string(10 + i % 90) + "." + std::to_string(10 + i % 89);
        product.bind(1, sku);
        product.bind(2, price);
        product.run();
    }
    store::SqliteStatement rule(session,
                                "INSERT INTO price_rules (rule_id, sku, scope, scope_key, min_quantity, unit_price, "
                                "discount_percent, currency, valid_from, valid_to, updated_at) VALUES ($1, $2, $3, $4, "
                                "$5, $6, $7, 'EUR', $8, $9, '2026-11-27T00:00:00Z')");
    auto add = [&](const std::string& id, const std::string& sku, const std::string& scope, const std::string& key,
                   const std::string& min, const std::optional<std::string>& price,
                   const std::optional<std::string>& percent, const std::string& from,
                   const std::optional<std::string>& to) {
        rule.bind(1, id);
        rule.bind(2, sku);
        rule.bind(3, scope);
        rule.bind(4, key);
        rule.bind(5, min);
        rule.bind(6, price);
        rule.bind(7, percent);
        rule.bind(8, from);
        rule.bind(9, to);
        rule.run();
    };
    int written = 0;
    for (int i = 0; i < g_items && written < g_rules; ++i, ++written) {
        add("PL-1-" + code('A', i), code('A', i), "price_list", "PL1", "0", std::to_string(9 + i % 80) + ".50",
            std::nullopt, "2000-01-01", std::nullopt);
    }
    for (int k = 0; k < g_items * 3 / 2 && written < g_rules; ++k, ++written) {
        const int list = 2 + k % 5;
        const std::string sku = code('A', (k / 5) * 3 % g_items + k % 5 % 3);
        add("PL-" + std::to_string(list) + "-" + std::to_string(k), sku, "price_list", "PL" + std::to_string(list), "0",
            std::to_string(8 + k % 80) + ".25", std::nullopt, "2000-01-01", std::nullopt);
    }
    for (int n = 0; written < g_rules; ++n, ++written) {
        const std::string sku = code('A', specialItem(n));
        const bool for_group = n % 5 == 3;
        const std::string key = for_group ? "G" + std::to_string(n % kGroups + 1) : code('C', n % kCustomers);
        const int from = n % 400;
        const bool percent = n % 2 == 0;
        const std::string value = percent ? std::to_string(5 + n % 30) : std::to_string(7 + n % 70) + ".75";
        add("SP-" + std::to_string(n), sku, for_group ? "customer_group" : "customer", key, n % 5 == 4 ? "10" : "0",
            percent ? std::nullopt : std::optional<std::string>(value),
            percent ? std::optional<std::string>(value) : std::nullopt, dayPlus(from),
            n % 3 == 0 ? std::nullopt : std::optional<std::string>(dayPlus(from + 30 + n % 400)));
    }
    exec(db, "COMMIT");
    exec(db, "ANALYZE");
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "generated " << g_items << " items and " << written << " price rules in " << s << " s\n";
}

// Requests: half random (customer, item) pairs, half a special price's own customer and item (a customer rule, or
// for the group rules a customer who may not be in that group).
struct Request {
    std::string customer;
    std::string sku;
    model::Decimal quantity;
};

const std::vector<Request>& requests() {
    static const std::vector<Request> all = [] {
        std::mt19937 random(42);
        std::vector<Request> out;
        const char* quantities[] = {"1", "5", "10", "25"};
        for (int i = 0; i < 65536; ++i) {
            Request r;
            if (i % 2 == 0) {
                r.customer = code('C', static_cast<int>(random() % kCustomers));
                r.sku = code('A', static_cast<int>(random() % static_cast<unsigned>(g_items)));
            } else {
                const int n = static_cast<int>(random() % static_cast<unsigned>(g_rules - g_items * 5 / 2));
                r.sku = code('A', specialItem(n));
                r.customer = code('C', n % kCustomers);
            }
            r.quantity = *model::Decimal::parse(quantities[random() % 4]);
            out.push_back(std::move(r));
        }
        return out;
    }();
    return all;
}

void BM_RawProductLookup(benchmark::State& state) {
    store::SqliteStatement select(g_store->session(),
                                  "SELECT list_price, currency, active FROM products WHERE sku = $1");
    const auto& all = requests();
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& r = all[i++ & 0xFFFF];
        select.bind(1, r.sku);
        if (!select.step()) {
            state.SkipWithError("no such product");
            break;
        }
        benchmark::DoNotOptimize(select.text(0).size() + select.text(1).size() + select.integer(2));
        select.reset();
    }
    state.SetItemsProcessed(state.iterations());
}

void resolve(benchmark::State& state, bool explain) {
    pricing::PriceResolver resolver(*g_store);
    const auto& all = requests();
    std::size_t i = 0;
    std::int64_t priced = 0;
    for (auto _ : state) {
        const auto& r = all[i++ & 0xFFFF];
        pricing::PriceRequest request{r.customer, r.sku, r.quantity, kDay, std::nullopt, explain};
        const auto quote = resolver.price(request);
        priced += quote.source == pricing::PriceSource::Rule;
        benchmark::DoNotOptimize(quote.unit_price.amount.units());
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["by_rule"] =
        benchmark::Counter(static_cast<double>(priced) / static_cast<double>(state.iterations()));
}

void BM_ResolverPrice(benchmark::State& state) {
    resolve(state, false);
}

void BM_ResolverPriceExplained(benchmark::State& state) {
    resolve(state, true);
}

// A cart of 20 lines of one customer; items/s counts lines.
void BM_ResolverCart20(benchmark::State& state) {
    pricing::PriceResolver resolver(*g_store);
    const auto& all = requests();
    std::size_t i = 0;
    for (auto _ : state) {
        pricing::CartRequest cart;
        cart.customer = all[i & 0xFFFF].customer;
        cart.date = kDay;
        for (int l = 0; l < 20; ++l) {
            const auto& r = all[i++ & 0xFFFF];
            cart.lines.push_back({r.sku, r.quantity});
        }
        benchmark::DoNotOptimize(resolver.priceCart(cart).total.amount.units());
    }
    state.SetItemsProcessed(state.iterations() * 20);
}

// The resolver reading through a PriceCache of state.range(0) items (as `syncline serve` does), shared by every
// benchmark of that size, warmed once with every request before the first timing. The look-ups are uniform over
// the items, so a cache smaller than the catalog answers only its share; hit_ratio says how many were answered.
long residentBytes() {
    long pages = 0;
    long resident = 0;
    if (FILE* f = std::fopen("/proc/self/statm", "r")) {
        if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) {
            resident = 0;
        }
        std::fclose(f);
    }
    return resident * sysconf(_SC_PAGESIZE);
}

std::map<std::size_t, double> g_cache_mb;  // the resident memory each cache's warming added

std::shared_ptr<pricing::PriceCache> warmCache(std::size_t items) {
    static std::map<std::size_t, std::shared_ptr<pricing::PriceCache>> caches;
    auto& cache = caches[items];
    if (!cache) {
        // SQLite's page cache first, so that the memory the warming adds is the price cache's.
        pricing::PriceResolver plain(*g_store);
        for (const auto& r : requests()) {
            plain.price({r.customer, r.sku, r.quantity, kDay, std::nullopt, true});
        }
        const long before = residentBytes();
        pricing::PriceCacheSettings settings;
        settings.max_items = items;
        settings.check_interval = std::chrono::seconds(3600);  // nothing changes while the benchmark runs
        cache = std::make_shared<pricing::PriceCache>(settings);
        pricing::PriceResolver resolver(*g_store, cache);
        for (const auto& r : requests()) {
            resolver.price({r.customer, r.sku, r.quantity, kDay, std::nullopt, false});
        }
        g_cache_mb[items] = static_cast<double>(residentBytes() - before) / 1e6;
    }
    return cache;
}

void resolveCached(benchmark::State& state, bool explain) {
    const auto cache = warmCache(static_cast<std::size_t>(state.range(0)));
    pricing::PriceResolver resolver(*g_store, cache);
    const auto before = cache->stats();
    const auto& all = requests();
    std::size_t i = 0;
    for (auto _ : state) {
        const auto& r = all[i++ & 0xFFFF];
        const auto quote = resolver.price({r.customer, r.sku, r.quantity, kDay, std::nullopt, explain});
        benchmark::DoNotOptimize(quote.unit_price.amount.units());
    }
    state.SetItemsProcessed(state.iterations());
    const auto after = cache->stats();
    const auto hits = static_cast<double>(after.hits - before.hits);
    state.counters["hit_ratio"] =
        benchmark::Counter(hits / std::max(1.0, hits + static_cast<double>(after.misses - before.misses)));
    state.counters["cached_items"] = benchmark::Counter(static_cast<double>(after.items));
    state.counters["cache_MB"] = benchmark::Counter(g_cache_mb[static_cast<std::size_t>(state.range(0))]);
}

void BM_CachedPrice(benchmark::State& state) {
    resolveCached(state, false);
}

void BM_CachedPriceExplained(benchmark::State& state) {
    resolveCached(state, true);
}

BENCHMARK(BM_RawProductLookup);
BENCHMARK(BM_ResolverPrice);
BENCHMARK(BM_ResolverPriceExplained);
BENCHMARK(BM_ResolverCart20);
BENCHMARK(BM_CachedPrice)->Arg(20000)->Arg(100000);
BENCHMARK(BM_CachedPriceExplained)->Arg(100000);

// The console output, then each look-up rate as a ratio to the bare product look-up of this run.
class RatioReporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run>& runs) override {
        // With --benchmark_repetitions the median of the repetitions, else the one run.
        for (const auto& run : runs) {
            const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
            if ((run.run_type == Run::RT_Iteration || median) && !run.error_occurred) {
                const auto it = run.counters.find("items_per_second");
                if (it != run.counters.end()) {
                    rates_[run.run_name.function_name +
                           (run.run_name.args.empty() ? std::string() : "/" + run.run_name.args)] = it->second.value;
                }
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }
    void Finalize() override {
        ConsoleReporter::Finalize();
        const auto base = rates_.find("BM_RawProductLookup");
        if (base == rates_.end()) {
            return;
        }
        std::cout << "\nlook-ups/s (ratio: the bare product look-up's rate / this one's; target >= 200k/s, <= 3x)\n";
        for (const auto& [name, rate] : rates_) {
            std::printf("  %-32s %10.0f/s   %.2fx\n", name.c_str(), rate, base->second / rate);
        }
    }

  private:
    std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--items=", 0) == 0) {
            g_items = std::stoi(arg.substr(8));
        } else if (arg.rfind("--rules=", 0) == 0) {
            g_rules = std::stoi(arg.substr(8));
        } else if (arg.rfind("--db=", 0) == 0) {
            g_db = arg.substr(5);
        } else if (arg.rfind("--mmap=", 0) == 0) {
            g_mmap = std::stoll(arg.substr(7));
        } else if (arg == "--covering-index") {
            g_covering = true;
        } else {
            std::cerr << "unknown argument " << arg << "\nusage: syncline_pricing_bench [--items=N] [--rules=M] "
                      << "[--db=FILE] [--mmap=BYTES] [--covering-index] [benchmark flags]\n";
            return 64;
        }
    }
    const bool keep = !g_db.empty();
    if (!keep) {
        g_db = (std::filesystem::temp_directory_path() / ("syncline-pricing-bench-" + std::to_string(getpid()) + ".db"))
                   .string();
    }
    const bool exists = std::filesystem::exists(g_db);
    store::ConnectionSettings settings;
    settings.sqlite_path = g_db;
    try {
        g_store = store::Webstore::open(settings);
        store::Migrator(*g_store).migrate();
        if (!exists) {
            generate(*g_store);
        }
    } catch (const std::exception& e) {
        std::cerr << "syncline_pricing_bench: " << e.what() << "\n";
        return 70;
    }
    sqlite3* db = Poco::Data::SQLite::Utility::dbHandle(g_store->session());
    if (g_covering) {
        exec(db,
             "DROP INDEX IF EXISTS price_rules_lookup; CREATE INDEX price_rules_lookup ON price_rules (sku, scope, "
             "scope_key, rule_id, min_quantity, max_quantity, unit_price, discount_percent, currency, valid_from, "
             "valid_to, active); ANALYZE");
    }
    if (g_mmap > 0) {
        exec(db, ("PRAGMA mmap_size = " + std::to_string(g_mmap)).c_str());
    }
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    g_store.reset();
    if (!keep) {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(g_db + suffix);
        }
    }
    return 0;
}
