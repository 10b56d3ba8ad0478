// syncline-demo-erp: generates the demo ERP database (SQLite or PostgreSQL) and an ODBC DSN for it.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "demo_erp_error.h"
#include "erp_calendar.h"
#include "erp_generator.h"
#include "odbc_files.h"
#include "postgres_sink.h"
#include "schema_script.h"
#include "sqlite_sink.h"

#ifndef SYNCLINE_DEMO_ERP_SCHEMA_DIR
#error "SYNCLINE_DEMO_ERP_SCHEMA_DIR must be defined by the build"
#endif

namespace syncline::demo_erp {
namespace {

struct CommandLine {
    std::string backend = "sqlite";
    std::string sqlite_path;
    std::string pg;
    std::string schema_dir = SYNCLINE_DEMO_ERP_SCHEMA_DIR;
    std::string odbc_dir;
    std::string dsn = "SynclineDemoERP";
    std::string as_of;
    bool replace = false;
    ErpOptions options;
};

std::string grouped(int64_t n) {
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > (n < 0 ? 1 : 0); i -= 3) {
        digits.insert(static_cast<size_t>(i), ",");
    }
    return digits;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Checks what CLI11 cannot express; throws DemoErpError (usage).
void validate(CommandLine& cli, const CLI::Option& customers, const CLI::Option& price_rules) {
    if (cli.backend == "sqlite" && (cli.sqlite_path.empty() || !cli.pg.empty())) {
        throw DemoErpError(kExitUsage, "--backend sqlite needs --sqlite-path FILE (and no --pg)");
    }
    if (cli.backend == "postgresql" && (cli.pg.empty() || !cli.sqlite_path.empty())) {
        throw DemoErpError(kExitUsage, "--backend postgresql needs --pg \"CONNINFO\" (and no --sqlite-path)");
    }
    if (customers.count() == 0) {
        cli.options.customers = std::min(ErpPlan::kMaxCustomers, std::max<int64_t>(50, cli.options.items / 20));
    }
    if (price_rules.count() == 0) {
        cli.options.price_rules = 5 * cli.options.items;
    }
    cli.options.as_of_day = ErpCalendar::today();
    if (!cli.as_of.empty()) {
        const auto day = ErpCalendar::parseDate(cli.as_of);
        if (!day) {
            throw DemoErpError(kExitUsage, "--as-of must be a date YYYY-MM-DD, got '" + cli.as_of + "'");
        }
        cli.options.as_of_day = *day;
    }
}

int generate(const CommandLine& cli) {
    const auto start = std::chrono::steady_clock::now();
    const SchemaScript schema = SchemaScript::load(cli.schema_dir, cli.backend);
    const ErpGenerator generator(cli.options);

    std::unique_ptr<Sink> sink;
    PostgresSink* postgres = nullptr;
    if (cli.backend == "sqlite") {
        sink = std::make_unique<SqliteSink>(cli.sqlite_path, cli.replace);
    } else {
        auto pg = std::make_unique<PostgresSink>(cli.pg, cli.replace, ErpGenerator::tableNames());
        postgres = pg.get();
        sink = std::move(pg);
    }
    char as_of[ErpCalendar::kDateSize];
    ErpCalendar::formatDate(cli.options.as_of_day, as_of);
    fmt::print("syncline-demo-erp: {} (seed {}, as of {})\n", sink->describe(), cli.options.seed,
               std::string_view(as_of, sizeof as_of));

    int64_t total_rows = 0;
    sink->createTables(schema.before_rows);
    generator.writeAll(*sink, [&](const TableSpec& table, int64_t rows, std::chrono::duration<double> elapsed) {
        total_rows += rows;
        fmt::print("  {:<5} {:<36} {:>12} rows {:>8.2f} s\n", table.name, table.purpose, grouped(rows),
                   elapsed.count());
        std::fflush(stdout);
    });
    const auto keys_start = std::chrono::steady_clock::now();
    sink->commit(schema.after_rows);
    fmt::print("  {:<42} {:>17} {:>8.2f} s\n", "keys, indexes, commit", "", secondsSince(keys_start));

    if (!cli.odbc_dir.empty()) {
        const auto dir = std::filesystem::absolute(cli.odbc_dir);
        if (postgres != nullptr) {
            writeOdbcFiles(dir, cli.dsn, postgres->endpoint());
        } else {
            writeOdbcFiles(dir, cli.dsn, SqliteTarget{std::filesystem::absolute(cli.sqlite_path)});
        }
        fmt::print("  ODBC DSN {}: ODBCSYSINI={} ODBCINI={}\n", cli.dsn, dir.string(), (dir / "odbc.ini").string());
    }
    fmt::print("done: {} rows in {} tables, {:.2f} s\n", grouped(total_rows), ErpGenerator::tableNames().size(),
               secondsSince(start));
    return 0;
}

}  // namespace
}  // namespace syncline::demo_erp

int main(int argc, char** argv) {
    using namespace syncline::demo_erp;
    CommandLine cli;
    CLI::App app{
        "Generates the Syncline demo ERP: a realistic ERP database (items, stock, customers, price lists, "
        "special prices, sales orders) in SQLite or PostgreSQL, and an ODBC DSN for it."};
    app.add_option("--backend", cli.backend, "Database to write")
        ->check(CLI::IsMember({"sqlite", "postgresql"}))
        ->capture_default_str();
    app.add_option("--sqlite-path", cli.sqlite_path, "SQLite database file to create (--backend sqlite)");
    app.add_option("--pg", cli.pg, "libpq conninfo, e.g. \"host=127.0.0.1 port=5432 dbname=erp user=erp\"");
    app.add_option("--items", cli.options.items, "Items in the item master")
        ->check(CLI::Range(int64_t{1}, ErpPlan::kMaxItems))
        ->capture_default_str();
    const auto* customers =
        app.add_option("--customers", cli.options.customers, "Customers [default: max(50, items/20)]")
            ->check(CLI::Range(int64_t{1}, ErpPlan::kMaxCustomers));
    const auto* price_rules =
        app.add_option("--price-rules", cli.options.price_rules,
                       "Price rows: price-list prices + special prices + quantity breaks [default: 5 x items]")
            ->check(CLI::Range(int64_t{0}, int64_t{1'000'000'000}));
    app.add_option("--orders", cli.options.orders, "Historic sales orders (1-5 lines each)")
        ->check(CLI::Range(int64_t{0}, ErpPlan::kMaxOrders))
        ->capture_default_str();
    app.add_option("--seed", cli.options.seed, "Random seed: the same seed and --as-of give the same database")
        ->capture_default_str();
    app.add_option("--as-of", cli.as_of, "Day the data is generated for, YYYY-MM-DD [default: today, UTC]");
    app.add_option("--schema-dir", cli.schema_dir, "Directory holding sqlite.sql and postgresql.sql")
        ->capture_default_str();
    app.add_flag("--replace", cli.replace, "Drop and recreate an existing demo ERP (otherwise it is refused)");
    app.add_option("--odbc-dir", cli.odbc_dir, "Write odbcinst.ini and odbc.ini for this database into DIR");
    app.add_option("--dsn", cli.dsn, "ODBC data source name")->capture_default_str();
    try {
        app.parse(argc, argv);
        validate(cli, *customers, *price_rules);
        return generate(cli);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : kExitUsage;
    } catch (const DemoErpError& e) {
        fmt::print(stderr, "syncline-demo-erp: error: {}\n", e.what());
        return e.exitCode();
    } catch (const std::exception& e) {
        fmt::print(stderr, "syncline-demo-erp: error: {}\n", e.what());
        return kExitSoftware;
    }
}
