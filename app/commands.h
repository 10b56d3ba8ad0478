#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/config/config.h"
#include "engine/connector/connector.h"
#include "engine/store/webstore.h"

namespace syncline::app {

/// Options every command shares.
struct GlobalOptions {
    std::string config_path;  ///< --config, else $SYNCLINE_CONFIG, else ./syncline.toml
    std::string log_format;   ///< --log-format; empty = from the config (default text)
    std::string log_level;    ///< --log-level; empty = from the config (default info)
    bool json = false;        ///< --json: machine-readable output on stdout
};

/// Loads the config and applies its log settings (command-line flags win). Throws ConfigError.
config::Config loadConfig(const GlobalOptions& options);

/// Opens the webstore and brings its schema up to date (the binary refuses a newer database).
std::unique_ptr<store::Webstore> openWebstore(const config::Config& config);

struct InitOptions {
    std::string webstore_path = "webstore.db";
    bool force = false;
};

int commandInit(const GlobalOptions& options, const InitOptions& init);
int commandMigrate(const GlobalOptions& options, bool dry_run);
int commandCheckConfig(const GlobalOptions& options, const std::string& file);
int commandVersion(const GlobalOptions& options);

struct RunsOptions {
    std::string job;
    int limit = 20;
};
int commandRuns(const GlobalOptions& options, const RunsOptions& runs);

struct RejectsOptions {
    std::optional<std::int64_t> run_id;
    int limit = 50;
};
int commandRejects(const GlobalOptions& options, const RejectsOptions& rejects);

/// Connects to the configured ERP and reports what it is; with `with_tables`, every table and its row count.
/// Exit codes follow the error's kind: 75 transient, 78 config, 69 otherwise.
struct ConnectorsTestOptions {
    bool tables = false;   ///< --tables: list the source's tables with their row counts (odbc)
    bool streams = false;  ///< --streams: read each configured stream dry and name a missing column
};
/// `connectors test`: connects and describes the ERP. Exit 0, 69/75 unreachable, 78 config.
int commandConnectorsTest(const GlobalOptions& options, const ConnectorsTestOptions& test);
/// `connectors list`: the registered kinds, their versions and capabilities. Exit 0.
int commandConnectorsList(const GlobalOptions& options);
/// `connectors spec KIND`: the kind's settings (keys, types, defaults, help). Exit 0, 64 an unknown kind.
int commandConnectorsSpec(const GlobalOptions& options, const std::string& kind);
struct ConformanceRunOptions {
    bool allow_writes = false;  ///< --allow-writes: also push one test order
    std::optional<std::string> stream;
};
/// `connectors conformance`: the checks every connector must pass, against the configured one, as a pass/fail table.
/// Exit 0 all passed (or skipped), 1 a check failed, 78 no [erp].
int commandConnectorsConformance(const GlobalOptions& options, const ConformanceRunOptions& run);
/// `connectors discover [--stream S]`: the source's tables and columns and a suggested mapping as TOML.
int commandConnectorsDiscover(const GlobalOptions& options, const std::optional<std::string>& stream);

struct RunOptions {
    std::string job;
    bool full = false;
    bool dry_run = false;
    bool wait = false;    ///< --wait: wait while another process holds the job's lease
    std::string firing;   ///< --firing: the scheduler firing this run is for; claimed once across nodes
    bool retry = false;   ///< --retry: a retry of --firing after a transient failure (already claimed)
    bool resume = false;  ///< --resume: take over the job's expired lease with a run in flight and run it again
};
/// Lists the jobs: stream, whether the config has it, and the last run.
int commandJobs(const GlobalOptions& options);

/// Runs one job (a pull, order_push or order_status) under its lease and a RunWatchdog. Exit 0 succeeded, 65 completed
/// with rejects (or a refused deactivation), 75 transient failure (retry later; also a run that stalled or outlived
/// sync.run_timeout_s), 78 config.
int commandRun(const GlobalOptions& options, const RunOptions& run);

/// "user:NAME" of whoever runs this command (SUDO_USER first), for the audit log.
std::string currentActor();

struct AuditOptions {
    std::optional<std::string> entity;
    std::optional<std::string> key;  ///< composite keys typed with '/' between their parts
    std::optional<std::string> actor;
    std::optional<std::string> since;
    int limit = 100;
};
/// Lists audit rows, newest first.
int commandAudit(const GlobalOptions& options, const AuditOptions& audit);
/// Checks the audit chain, and that it still holds each anchor ("SEQ:HASH" from `audit head --export`): exit 0
/// when unbroken, 65 naming the first broken row (or a wiped log), 78 when part of it cannot be checked with this
/// config (keyed rows without the key), 64 for a malformed anchor.
int commandAuditVerify(const GlobalOptions& options, const std::vector<std::string>& anchors);
/// Prints the chain's head (sequence and hash): as text, as JSON, or with `export_only` as one line "SEQ:HASH" to keep
/// outside the database. Exit 65 when the log is empty or its head does not match its row.
int commandAuditHead(const GlobalOptions& options, bool export_only);

struct ConflictsOptions {
    bool all = false;
    std::optional<std::string> entity;
    int limit = 100;
};
int commandConflicts(const GlobalOptions& options, const ConflictsOptions& conflicts);

struct ResolveOptions {
    std::int64_t id = 0;
    std::vector<std::string> take;  ///< {"erp"}, {"store"} or {"value", V}
};
/// Resolves one held conflict: exit 0, 64 bad usage, 65 refused (unknown, already resolved, bad value).
int commandConflictResolve(const GlobalOptions& options, const ResolveOptions& resolve);

struct OrdersOptions {
    std::optional<std::string> status;  ///< placed, claimed, exported, confirmed, shipped, invoiced, ...
    int limit = 50;
};
/// Lists webstore orders, newest first, with their line count and exact total. Exit 0, 64 for an unknown status.
int commandOrders(const GlobalOptions& options, const OrdersOptions& orders);

/// Inserts the orders of a JSON file as a storefront would (docs/storefront.md), each in its own transaction.
/// Exit 0 when every order was imported or already there, 65 when any was rejected or the file is not a JSON
/// array (or is larger than 64 MiB), 66 when the file cannot be read.
int commandOrdersImport(const GlobalOptions& options, const std::string& file);
/// Requeues an order in 'needs_attention': exit 0, 65 when it is not in that status (or unknown).
int commandOrdersRetry(const GlobalOptions& options, const std::string& order_id);

struct PriceOptions {
    std::string customer;
    std::string item;
    std::string quantity = "1";
    std::optional<std::string> date;      ///< YYYY-MM-DD; default today (UTC)
    std::optional<std::string> currency;  ///< default the customer's
};
/// Prices an item for a customer and explains it: the winning rule and every candidate with its reason
/// (docs/pricing.md). Exit 0, 64 a malformed quantity, date or currency, 65 an unknown or inactive customer or
/// item, or no price in the currency.
int commandPrice(const GlobalOptions& options, const PriceOptions& price);

/// The ERP connector the config describes, made by its kind's factory. Throws std::runtime_error when the config
/// has no [erp].
std::unique_ptr<connector::Connector> makeConnector(const config::Config& config);

struct RunOptions;
class RunWatchdog;
/// `run order_push`: exports due orders, each ERP call reported to `watchdog`. Exit 0 all exported, 65 some need
/// attention, 75 the ERP could not be reached (every due order stays queued), 78 no [erp.orders].
int commandPush(const GlobalOptions& options, const config::Config& config, const RunOptions& run,
                RunWatchdog& watchdog);
/// `run order_status`: the ERP's order status back into the webstore. Exit 0, 65 problems or conflicts, 75, 78.
int commandOrderStatus(const GlobalOptions& options, const config::Config& config, const RunOptions& run,
                       RunWatchdog& watchdog);

/// The scheduler daemon: fires each job with an enabled [schedule.<job>] as `syncline run JOB --firing F` child
/// processes, retries transient failures, resumes runs of dead nodes, reloads the config on SIGHUP and stops on
/// SIGTERM within [engine] shutdown_timeout_s. Exit 0 after SIGTERM, 69 when another daemon has the SQLite webstore.
int commandServe(const GlobalOptions& options);

}  // namespace syncline::app
