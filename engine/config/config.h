#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/config/secret.h"
#include "engine/conflict/ownership.h"
#include "engine/connector/registry.h"
#include "engine/schedule/job_schedule.h"
#include "engine/store/webstore.h"

namespace syncline::config {

/// One problem found in a config file: where, which key, what is wrong and what is allowed.
struct ConfigIssue {
    std::string file;
    int line = 0;     ///< 1-based; 0 when the problem has no position (a missing key)
    int column = 0;   ///< 1-based; 0 when unknown
    std::string key;  ///< dotted path, e.g. "webstore.backend"
    std::string message;

    /// "file:line:column: key 'webstore.backend': message"
    std::string format() const;
};

/// Thrown by load() with every issue found, not only the first.
class ConfigError : public std::runtime_error {
  public:
    explicit ConfigError(std::vector<ConfigIssue> issues);
    const std::vector<ConfigIssue>& issues() const { return issues_; }

  private:
    std::vector<ConfigIssue> issues_;
};

struct LogConfig {
    std::string level = "info";   ///< trace, debug, info, warn, error
    std::string format = "text";  ///< text or json
};

/// The ERP side: which connector kind, and its settings (the rest of [erp], checked against the kind's spec).
struct ErpConfig {
    std::string connector;  ///< the kind ("odbc"); empty: the config has no [erp]
    int login_timeout_s = 10;
    int query_timeout_s = 300;
    connector::Settings settings;            ///< the connector's own keys, secrets resolved; never logged
    connector::ConfiguredFeatures features;  ///< the streams it reads, whether it pushes orders, ...

    bool configured() const { return !connector.empty(); }
    /// Whether [erp] configures `stream`.
    bool reads(const std::string& stream) const;
};

struct SyncConfig {
    int overlap_seconds = 300;
    int max_deactivate_percent = 20;
    int future_tolerance_s = 86400;
    int run_timeout_s = 7200;  ///< [sync] run_timeout_s: a run still going this long after it started is stopped
};

/// [pricing.live]: ask the ERP for each priced line too. On when the connector is configured for live prices.
struct LivePricingConfig {
    bool on = false;  ///< the connector's live_price feature
    int timeout_ms = 300;
    int cache_ttl_s = 60;
    int cache_entries = 10000;

    bool enabled() const { return on; }
};

struct PricingConfig {
    int max_age_s = 93600;      ///< [pricing] max_age_s: older synced prices carry a warning
    int cache_items = 100000;   ///< [pricing] cache_items: the price cache of the APIs (0: none)
    int cache_check_ms = 1000;  ///< [pricing] cache_check_ms
    int cache_max_age_s = 600;  ///< [pricing] cache_max_age_s
    LivePricingConfig live;
};

/// [api]: the pricing APIs of `syncline serve`. A port of 0 is off.
/// [api] tls_*: TLS for both APIs. The files are read (and checked) when the config is loaded, so a SIGHUP after a
/// certificate renewal serves the new one.
struct ApiTlsConfig {
    std::string cert_file;  ///< absolute; empty: TLS off
    std::string key_file;   ///< absolute
    std::string ca_file;    ///< absolute; empty: no client certificate asked for
    std::string cert_pem;   ///< the certificate, then its intermediates
    Secret key_pem;         ///< the certificate's private key, unencrypted; never shown
    std::string ca_pem;     ///< the CAs a client certificate must chain to

    bool enabled() const { return !cert_file.empty(); }
};

struct ApiConfig {
    std::string bind = "127.0.0.1";
    int http_port = 0;
    int thrift_port = 0;
    Secret token;              ///< required when a port is set
    int max_connections = 64;  ///< requests served at once per API (HTTP: workers; Thrift: connections)
    int max_request_bytes = 1048576;
    int max_cart_lines = 500;
    int max_connections_per_peer = 16;         ///< per API, per client address (IPv6: per /64)
    int http_max_open_connections = 512;       ///< HTTP connections open at once, idle or not
    int http_request_timeout_ms = 10000;       ///< an HTTP request's header and body must arrive whole within this
    int thrift_first_frame_timeout_ms = 5000;  ///< a Thrift connection's first call must arrive whole within this
    ApiTlsConfig tls;

    bool enabled() const { return http_port != 0 || thrift_port != 0; }
};

/// [audit]: the audit log's tamper evidence (docs/architecture.md, "Anchors and a keyed audit chain").
struct AuditConfig {
    /// The chain's secret key, from audit.hmac_key_env or audit.hmac_key_file; empty: rows are not keyed.
    Secret hmac_key;
};

struct Config {
    std::string path;             ///< absolute path of the file it was read from
    std::string node_name;        ///< this engine node's name in runs, leases and the audit log
    int lease_s = 30;             ///< [engine] lease_s: a job's lease lasts this long unless renewed
    int shutdown_timeout_s = 30;  ///< [engine] shutdown_timeout_s: SIGTERM ends the process within this bound
    LogConfig log;
    store::ConnectionSettings webstore;  ///< password filled from its secret
    Secret webstore_password;
    ErpConfig erp;
    SyncConfig sync;
    PricingConfig pricing;
    ApiConfig api;
    AuditConfig audit;
    conflict::Ownership ownership = conflict::Ownership::defaults();  ///< [ownership.*] over the defaults
    std::vector<schedule::JobSchedule> schedules;  ///< [schedule.<job>], in knownJobs() order; others run when asked
    /// The environment variables `*_env` keys named, with their values: the daemon hands them to its job runs
    /// through config/secret_handover.h and keeps them out of the children's environment.
    std::map<std::string, std::string> secret_env;
};

/// A job that `[schedule.<job>]` may name.
struct KnownJob {
    std::string name;    ///< what admins type: `syncline run catalog`
    std::string stream;  ///< the [erp.streams.<stream>] a pull job reads; empty for order_push and order_status
};

/// catalog, stock, customers, prices, order_push, order_status, in run order. The config cannot see the job
/// registry (app/ and jobs/); jobs/tests checks that this list matches it.
const std::vector<KnownJob>& knownJobs();

/// The schedule of `job`, or nullptr when it has none (it runs only when asked).
const schedule::JobSchedule* findSchedule(const Config& config, std::string_view job);

/// Reads and validates a TOML config file. Every key is checked; unknown keys are rejected with a
/// suggestion; secrets are read from the environment or from files, never from the file itself.
/// Relative paths are taken relative to the config file's folder. Throws ConfigError.
Config load(const std::string& path);

/// The starter config written by `syncline init` for an SQLite webstore at `webstore_path`.
std::string starterConfig(const std::string& webstore_path);

}  // namespace syncline::config
