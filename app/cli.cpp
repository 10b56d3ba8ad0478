#include "app/cli.h"

#include <Poco/Exception.h>

#include <cstdlib>
#include <functional>
#include <iostream>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/logging.h"
#include "connectors/builtin.h"
#include "engine/audit/audit_log.h"
#include "engine/config/secret_handover.h"
#include "engine/store/migrator.h"

namespace syncline::app {

namespace {

std::string defaultConfigPath() {
    const char* env = std::getenv("SYNCLINE_CONFIG");
    return env != nullptr && *env != '\0' ? env : "syncline.toml";
}

int runAction(const std::function<int()>& action) {
    try {
        return action();
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            std::cerr << issue.format() << "\n";
        }
        return kExitConfig;
    } catch (const store::SchemaTooNew& e) {
        std::cerr << "syncline: " << e.what() << "\n";
        return kExitConfig;
    } catch (const store::SchemaMismatch& e) {
        std::cerr << "syncline: " << e.what() << "\n";
        return kExitConfig;
    } catch (const audit::AuditKeyMismatch& e) {
        std::cerr << "syncline: " << e.what() << "\n";
        return kExitConfig;
    } catch (const store::ConnectionLost& e) {
        std::cerr << "syncline: " << e.what() << " (try again)\n";
        return kExitTempFail;
    } catch (const store::StoreUnavailable& e) {
        std::cerr << "syncline: " << e.what() << "\n";
        return kExitUnavailable;
    } catch (const Poco::Exception& e) {
        if (store::isStorageExhausted(e)) {
            std::cerr << "syncline: the webstore's storage is full or failing: " << e.displayText()
                      << " (try again once there is room)\n";
            return kExitTempFail;
        }
        std::cerr << "syncline: database error: " << e.displayText() << "\n";
        return kExitSoftware;
    } catch (const std::exception& e) {
        std::cerr << "syncline: " << e.what() << "\n";
        return kExitSoftware;
    }
}

}  // namespace

int runCli(int argc, char** argv) {
    connectors::registerBuiltinConnectors();
    CLI::App app{"Syncline: ERP <-> webstore sync engine", "syncline"};
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the command: `syncline runs --json`
    GlobalOptions options;
    options.config_path = defaultConfigPath();
    app.add_option("-c,--config", options.config_path, "config file (default: $SYNCLINE_CONFIG or ./syncline.toml)");
    app.add_option("--log-format", options.log_format, "log format on stderr")->check(CLI::IsMember({"text", "json"}));
    app.add_option("--log-level", options.log_level, "least severe level logged")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
    app.add_flag("--json", options.json, "machine-readable JSON on stdout");
    int secrets_fd = -1;
    app.add_option("--secrets-fd", secrets_fd,
                   "(used by serve) read the secrets its job runs need from this descriptor")
        ->group("");  // hidden: only the daemon passes it

    std::function<int()> action;

    InitOptions init;
    auto* init_cmd = app.add_subcommand("init", "write a starter config and create the webstore database");
    init_cmd->add_option("--webstore", init.webstore_path, "SQLite webstore file, relative to the config's folder");
    init_cmd->add_flag("--force", init.force, "overwrite an existing config file");
    init_cmd->callback([&] { action = [&] { return commandInit(options, init); }; });

    bool dry_run = false;
    auto* migrate_cmd = app.add_subcommand("migrate", "bring the webstore schema up to date");
    migrate_cmd->add_flag("--dry-run", dry_run, "only list the pending migrations");
    migrate_cmd->callback([&] { action = [&] { return commandMigrate(options, dry_run); }; });

    std::string check_file;
    auto* check_cmd = app.add_subcommand("check-config", "validate a config file (exit 0 if valid, 78 if not)");
    check_cmd->add_option("file", check_file, "config file (default: --config)");
    check_cmd->callback([&] { action = [&] { return commandCheckConfig(options, check_file); }; });

    app.add_subcommand("version", "print the version")->callback([&] {
        action = [&] { return commandVersion(options); };
    });

    RunsOptions runs;
    auto* runs_cmd = app.add_subcommand("runs", "list recent job runs");
    runs_cmd->add_option("--job", runs.job, "only this job");
    runs_cmd->add_option("--limit", runs.limit, "at most this many")->check(CLI::Range(1, 100000));
    runs_cmd->callback([&] { action = [&] { return commandRuns(options, runs); }; });

    RejectsOptions rejects;
    auto* rejects_cmd = app.add_subcommand("rejects", "list records rejected by validation");
    rejects_cmd->add_option("--run", rejects.run_id, "only this run");
    rejects_cmd->add_option("--limit", rejects.limit, "at most this many")->check(CLI::Range(1, 100000));
    rejects_cmd->callback([&] { action = [&] { return commandRejects(options, rejects); }; });

    ConnectorsTestOptions connectors_test_options;
    auto* connectors_cmd = app.add_subcommand("connectors", "ERP connectors: list, spec, test, discover");
    connectors_cmd->require_subcommand(1);
    auto* connectors_test = connectors_cmd->add_subcommand("test", "connect to the ERP and report what it is");
    connectors_test->add_flag("--tables", connectors_test_options.tables,
                              "also list the ERP's tables with their row counts");
    connectors_test->add_flag("--streams", connectors_test_options.streams,
                              "also read each configured stream dry and name a missing column");
    connectors_test->callback(
        [&] { action = [&] { return commandConnectorsTest(options, connectors_test_options); }; });
    connectors_cmd->add_subcommand("list", "the connector kinds this syncline has, with their capabilities")
        ->callback([&] { action = [&] { return commandConnectorsList(options); }; });
    std::string spec_kind;
    auto* connectors_spec = connectors_cmd->add_subcommand("spec", "the settings of a connector kind");
    connectors_spec->add_option("kind", spec_kind, "the kind, e.g. odbc")->required();
    connectors_spec->callback([&] { action = [&] { return commandConnectorsSpec(options, spec_kind); }; });
    ConformanceRunOptions conformance;
    auto* connectors_conformance = connectors_cmd->add_subcommand(
        "conformance", "run the checks every connector must pass against the configured one (read-only by default)");
    connectors_conformance->add_flag("--allow-writes", conformance.allow_writes,
                                     "also push one test order into the ERP (a test company!) and find it again");
    connectors_conformance->add_option("--stream", conformance.stream, "only this stream's read checks");
    connectors_conformance->callback(
        [&] { action = [&] { return commandConnectorsConformance(options, conformance); }; });
    std::optional<std::string> discover_stream;
    auto* connectors_discover = connectors_cmd->add_subcommand(
        "discover", "list the ERP's tables and columns and suggest an [erp.streams.*] mapping");
    connectors_discover->add_option("--stream", discover_stream, "only the table this stream maps to");
    connectors_discover->callback(
        [&] { action = [&] { return commandConnectorsDiscover(options, discover_stream); }; });

    RunOptions run;
    auto* run_cmd =
        app.add_subcommand("run", "run a job now: catalog, stock, customers, prices (pulls), order_push, order_status");
    run_cmd->add_option("job", run.job, "the job")->required();
    run_cmd->add_flag("--full", run.full, "read everything (and deactivate what the ERP no longer has)");
    run_cmd->add_flag("--dry-run", run.dry_run, "do everything but commit; report what would change");
    run_cmd->add_flag("--wait", run.wait,
                      "wait while the job runs elsewhere (a daemon, another node) instead of exit 75");
    run_cmd->add_option("--firing", run.firing, "(used by serve) the scheduler firing this run is for");
    run_cmd->add_flag("--retry", run.retry, "(used by serve) retry --firing after a transient failure");
    run_cmd->add_flag("--resume", run.resume,
                      "(used by serve) take over the job if its holder died mid-run, and run it again");
    run_cmd->callback([&] { action = [&] { return commandRun(options, run); }; });

    app.add_subcommand("jobs", "list the jobs and their last runs")->callback([&] {
        action = [&] { return commandJobs(options); };
    });
    OrdersOptions orders;
    auto* orders_cmd =
        app.add_subcommand("orders", "list webstore orders (newest first); `orders import` adds orders from a file");
    orders_cmd->add_option("--status", orders.status, "only orders in this status: placed, claimed, exported, ...");
    orders_cmd->add_option("--limit", orders.limit, "at most this many")->check(CLI::Range(1, 1000000));
    std::string orders_file;
    auto* import_cmd = orders_cmd->add_subcommand(
        "import", "insert the orders of a JSON file as a storefront would (see docs/storefront.md)");
    import_cmd->add_option("file", orders_file, "a JSON array of orders")->required();
    import_cmd->callback([&] { action = [&] { return commandOrdersImport(options, orders_file); }; });
    std::string retry_id;
    auto* retry_cmd =
        orders_cmd->add_subcommand("retry", "put an order that needs attention back in the queue (audited)");
    retry_cmd->add_option("order_id", retry_id, "the webstore order id")->required();
    retry_cmd->callback([&] { action = [&] { return commandOrdersRetry(options, retry_id); }; });
    orders_cmd->callback([&, import_cmd, retry_cmd] {
        if (!import_cmd->parsed() && !retry_cmd->parsed()) {
            action = [&] { return commandOrders(options, orders); };
        }
    });
    PriceOptions price;
    auto* price_cmd = app.add_subcommand("price", "price an item for a customer and explain it (see docs/pricing.md)");
    price_cmd->add_option("customer", price.customer, "customer code")->required();
    price_cmd->add_option("item", price.item, "item SKU")->required();
    price_cmd->add_option("quantity", price.quantity, "quantity (default 1)");
    price_cmd->add_option("--date", price.date, "the day, YYYY-MM-DD (default today, UTC)");
    price_cmd->add_option("--currency", price.currency, "ISO 4217 code (default the customer's currency)");
    price_cmd->callback([&] { action = [&] { return commandPrice(options, price); }; });

    AuditOptions audit;
    auto* audit_cmd =
        app.add_subcommand("audit", "query the audit log (newest first); `audit verify` checks its chain");
    audit_cmd->add_option("--entity", audit.entity, "product, stock, customer, price_rule, job, ...");
    audit_cmd->add_option("--key", audit.key, "the record's key (stock: sku/warehouse)");
    audit_cmd->add_option("--actor", audit.actor, "run:ID or user:NAME");
    audit_cmd->add_option("--since", audit.since, "from this UTC time on (2026-11-27 or 2026-11-27T10:00:00Z)");
    audit_cmd->add_option("--limit", audit.limit, "at most this many")->check(CLI::Range(1, 1000000));
    std::vector<std::string> anchors;
    auto* verify_cmd =
        audit_cmd->add_subcommand("verify", "check the hash chain: exit 0 if unbroken, 65 naming the first broken row");
    verify_cmd
        ->add_option("--anchor", anchors,
                     "SEQ:HASH from `audit head --export`, kept outside the database: fail unless row SEQ still has "
                     "HASH (repeatable)")
        ->take_all();
    verify_cmd->callback([&] { action = [&] { return commandAuditVerify(options, anchors); }; });
    bool export_head = false;
    auto* head_cmd =
        audit_cmd->add_subcommand("head", "show the chain's last row and hash, to keep outside the database");
    head_cmd->add_flag("--export", export_head, "print only SEQ:HASH, the form `audit verify --anchor` takes");
    head_cmd->callback([&] { action = [&] { return commandAuditHead(options, export_head); }; });
    // A parent's callback runs after its subcommand's: it must not replace the subcommand's action.
    audit_cmd->callback([&, verify_cmd, head_cmd] {
        if (!verify_cmd->parsed() && !head_cmd->parsed()) {
            action = [&] { return commandAudit(options, audit); };
        }
    });

    ConflictsOptions conflicts;
    auto* conflicts_cmd = app.add_subcommand("conflicts", "list fields held for an admin (ownership policy manual)");
    conflicts_cmd->add_flag("--all", conflicts.all, "also resolved ones");
    conflicts_cmd->add_option("--entity", conflicts.entity, "only this entity");
    conflicts_cmd->add_option("--limit", conflicts.limit, "at most this many")->check(CLI::Range(1, 1000000));
    ResolveOptions resolve;
    auto* resolve_cmd =
        conflicts_cmd->add_subcommand("resolve", "resolve one conflict; the next run keeps the decision");
    conflicts_cmd->callback([&, resolve_cmd] {
        if (!resolve_cmd->parsed()) {
            action = [&] { return commandConflicts(options, conflicts); };
        }
    });
    resolve_cmd->add_option("id", resolve.id, "the conflict's id")->required();
    resolve_cmd->add_option("--take", resolve.take, "erp | store | value V")->required()->expected(1, 2);
    resolve_cmd->callback([&] { action = [&] { return commandConflictResolve(options, resolve); }; });
    app.add_subcommand("serve", "run the scheduler daemon: each job on its [schedule.<job>] (systemd Type=notify)")
        ->callback([&] { action = [&] { return commandServe(options); }; });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? kExitOk : kExitUsage;
    }
    if (secrets_fd >= 0) {
        try {
            config::receiveSecretHandover(secrets_fd);
        } catch (const std::exception& e) {
            std::cerr << "syncline: " << e.what() << "\n";
            return kExitSoftware;
        }
    }
    // Until a command has read the config, log as the command line says (text, info by default).
    setupLogging(options.log_format.empty() ? "text" : options.log_format,
                 options.log_level.empty() ? "info" : options.log_level);
    return runAction(action);
}

}  // namespace syncline::app
