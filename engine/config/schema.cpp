#include "engine/config/schema.h"

#include <algorithm>

namespace syncline::config {

namespace {

KeySpec str(std::string path, std::string help, std::vector<std::string> allowed = {}) {
    return connector::stringSetting(std::move(path), std::move(help), std::move(allowed));
}

KeySpec integer(std::string path, std::int64_t min, std::int64_t max, std::string help) {
    return connector::integerSetting(std::move(path), min, max, std::move(help));
}

KeySpec boolean(std::string path, std::string help) {
    return connector::booleanSetting(std::move(path), std::move(help));
}

KeySpec stringList(std::string path, std::string help) {
    return connector::kindSetting(ValueKind::StringList, std::move(path), std::move(help));
}

KeySpec table(std::string path, std::string help) {
    return connector::tableSetting(std::move(path), std::move(help));
}

}  // namespace

const std::vector<KeySpec>& configSchema() {
    static const std::vector<KeySpec> schema = {
        table("engine", "this engine node"),
        str("engine.node_name", "name of this node in job runs, leases and the audit log (default: host name)"),
        integer("engine.lease_s", 2, 3600,
                "seconds a job's lease lasts unless its holder renews it (every third of it); a node that stops "
                "renewing loses its jobs to the other nodes after this long"),
        integer("engine.shutdown_timeout_s", 1, 3600,
                "on SIGTERM the run in flight stops at its next commit; after this many seconds the process exits "
                "anyway (what was committed stays, the batch in flight is rolled back)"),
        table("log", "logging on stderr"),
        str("log.level", "least severe level logged", {"trace", "debug", "info", "warn", "error"}),
        str("log.format", "text (readable) or json (one object per line); --log-format overrides", {"text", "json"}),
        table("webstore", "the webstore database that the storefront reads and writes"),
        str("webstore.backend", "database kind", {"sqlite", "postgresql"}),
        str("webstore.path", "sqlite: database file, relative to this config file's folder"),
        str("webstore.host", "postgresql: server host name or address"),
        integer("webstore.port", 1, 65535, "postgresql: server port"),
        str("webstore.database", "postgresql: database name"),
        str("webstore.user", "postgresql: user name"),
        str("webstore.password_env", "postgresql: name of the environment variable holding the password"),
        str("webstore.password_file", "postgresql: file holding the password (first line)"),
        str("webstore.sslmode", "postgresql: TLS mode",
            {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}),
        integer("webstore.connect_timeout_s", 1, 600, "seconds to wait for a connection"),
        str("webstore.synchronous",
            "sqlite: normal (a commit survives a crash of the process; a power loss may undo the last few) or full "
            "(also a power loss, at an fsync per commit) or extra",
            {"normal", "full", "extra"}),
        table("erp", "the ERP connection"),
        str("erp.connector",
            "connector kind: odbc, or another built-in or plug-in kind (`syncline connectors list`); every other key "
            "of [erp] is that connector's (`syncline connectors spec KIND`)"),
        integer("erp.login_timeout_s", 1, 600, "seconds to wait for a connection to the ERP (default 10)"),
        integer("erp.query_timeout_s", 1, 86400,
                "seconds one call to the ERP (a query, a request, a fetch) may take (default 300)"),
        table("sync", "how pulls apply changes"),
        table("ownership",
              "who wins a field changed on both sides since the last sync, per entity (product, stock, customer, "
              "price_rule) and field; unlisted fields belong to the ERP, product.description to the shop"),
        table("ownership.*", "one entity: field = \"erp\" | \"store\" | \"newest\" | \"manual\""),
        str("ownership.*.*",
            "erp: the ERP wins; store: the shop's edit is kept; newest: the later change wins; manual: held in "
            "`syncline conflicts` for an admin",
            {"erp", "store", "newest", "manual"}),
        integer("sync.overlap_seconds", 0, 86400,
                "incremental pulls re-read this many seconds before the watermark (late commits, equal timestamps)"),
        integer("sync.max_deactivate_percent", 0, 100,
                "a full pull that would deactivate more than this share of an entity is refused"),
        integer("sync.future_tolerance_s", 0, 31536000,
                "a date or timestamp watermark never goes past now (UTC) plus this; rows dated later are applied "
                "and reported. Cover the ERP clock's lead on UTC (its time zone) and skew (default 86400)"),
        integer("sync.run_timeout_s", 1, 604800,
                "a run (any job, manual or scheduled) still going this many seconds after it started is stopped "
                "as a transient failure (exit 75), default 7200"),
        table("pricing", "price look-ups (`syncline price`)"),
        integer("pricing.max_age_s", 60, 31536000,
                "a price reply carries a warning when the prices job last succeeded longer ago than this (default "
                "93600: a daily job that missed a day)"),
        integer("pricing.cache_items", 0, 10000000,
                "items (and as many customers) the APIs of `syncline serve` keep in memory between look-ups (0: none), "
                "default 100000"),
        integer("pricing.cache_check_ms", 10, 60000,
                "how often the price cache reads the audit log for changed items and customers, default 1000"),
        integer("pricing.cache_max_age_s", 1, 86400,
                "a cached item or customer is read again after this long (changes made outside syncline), default "
                "600"),
        table("pricing.live",
              "live mode of the pricing APIs, on when the connector is configured for live prices (odbc: "
              "erp.live_price.query): each priced line is also asked of the ERP, within a deadline; the synced "
              "rules answer when it does not (docs/pricing.md)"),
        integer("pricing.live.timeout_ms", 10, 60000,
                "how long a price request waits for the ERP (one line, or a whole cart), default 300"),
        integer("pricing.live.cache_ttl_s", 0, 86400, "an ERP answer is reused this long (0: never), default 60"),
        integer("pricing.live.cache_entries", 0, 1000000, "answers kept at most, default 10000"),
        table("api", "the pricing APIs that `syncline serve` offers (docs/pricing.md): JSON over HTTP and Thrift"),
        str("api.bind", "address both APIs listen on (default 127.0.0.1: this machine only)"),
        integer("api.http_port", 0, 65535, "JSON over HTTP (/api/v1/prices/...); 0 or unset: off"),
        integer("api.thrift_port", 0, 65535, "Thrift PricingService, framed binary protocol; 0 or unset: off"),
        str("api.token_env", "name of the environment variable holding the API token (required when an API is on)"),
        str("api.token_file", "file holding the API token (first line)"),
        integer("api.max_connections", 1, 1024,
                "requests served at once per API, each on a thread (Thrift: connections); more wait (default 64)"),
        integer("api.max_connections_per_peer", 1, 65536,
                "connections one client address (IPv6: one /64) may hold open per API; more are refused (default 16)"),
        integer("api.http_max_open_connections", 1, 65536,
                "HTTP connections open at once, reading, idle or answered; more are refused with 503 (default 512)"),
        integer("api.http_request_timeout_ms", 100, 600000,
                "an HTTP request's header and body must arrive whole within this, counted from the connection or the "
                "previous reply, and a reply must be taken within it; else the connection is closed (default 10000)"),
        integer("api.thrift_first_frame_timeout_ms", 100, 600000,
                "a Thrift connection's first call must arrive whole within this; else it is closed (default 5000)"),
        integer("api.max_request_bytes", 1024, 67108864,
                "a larger request is refused before it is read (HTTP 413; Thrift: the connection is closed); "
                "default 1048576"),
        integer("api.max_cart_lines", 1, 100000, "lines in one cart request (default 500)"),
        table("audit", "the audit log's tamper evidence (docs/architecture.md, \"Anchors and a keyed audit chain\")"),
        str("audit.hmac_key_env",
            "name of the environment variable holding the audit chain's secret key (at least 32 characters); set: "
            "each audit row's hash is keyed with it, so nobody without it can re-chain the log after an edit"),
        str("audit.hmac_key_file", "file holding the audit chain's secret key (first line), instead of hmac_key_env"),
        str("api.tls_cert_file",
            "PEM file: the certificate both APIs present, then its intermediates; with tls_key_file, both APIs speak "
            "TLS only (relative to this file's folder)"),
        str("api.tls_key_file",
            "PEM file: the certificate's private key, unencrypted; only its owner may read it (0600, or 0640 when "
            "root owns it)"),
        str("api.tls_ca_file",
            "PEM file: the CAs a client certificate must chain to; set, every client must present one (mutual "
            "TLS), besides the token"),
        table("schedule",
              "when the engine runs each job by itself, per job (catalog, stock, customers, prices, order_push, "
              "order_status); jobs without a table run only when asked (`syncline run`)"),
        table("schedule.*", "one job's schedule: cron or every_s, and how misfires and failures are handled"),
        str("schedule.*.cron",
            "cron expression on the wall clock of time_zone: 5 fields (minute hour day-of-month month day-of-week), "
            "6 with seconds first, or @hourly, @daily, @weekly, @monthly, @yearly"),
        integer("schedule.*.every_s", 1, 86400 * 7,
                "instead of cron: every this many seconds, at multiples of it since 1970-01-01 00:00 UTC"),
        str("schedule.*.time_zone", "IANA time zone the cron expression is read in (default UTC)"),
        str("schedule.*.misfire",
            "firings missed while the engine was down or the job still ran: run once when possible, or skip them",
            {"run_once", "skip"}),
        integer("schedule.*.retries", 0, 20, "further attempts after a transient failure (default 3)"),
        integer("schedule.*.retry_backoff_s", 1, 3600,
                "seconds before the first retry, doubled for each further one (default 30)"),
        stringList("schedule.*.after", "jobs that run first when both are due (prices after catalog)"),
        boolean("schedule.*.full", "pull jobs: a full pull instead of an incremental one (default false)"),
        boolean("schedule.*.enabled", "false keeps the schedule in the file without running it (default true)"),
    };
    return schema;
}

std::string wildcardPath(const std::string& path) {
    // erp.streams.<name>... is declared once as erp.streams.*..., ownership.<entity>.<field> as ownership.*.*,
    // schedule.<job>... as schedule.*...
    for (const std::string prefix : {"erp.streams.", "ownership.", "schedule."}) {
        if (path.rfind(prefix, 0) != 0) {
            continue;
        }
        const auto end = path.find('.', prefix.size());
        if (end == std::string::npos) {
            return prefix + "*";
        }
        return prefix + "*" + (prefix == "ownership." ? ".*" : path.substr(end));
    }
    return path;
}

std::vector<KeySpec> erpKeys(const connector::ConnectorSpec& connector) {
    std::vector<KeySpec> out;
    for (const auto& setting : connector.settings) {
        if (setting.kind == ValueKind::Secret) {
            out.push_back(str("erp." + setting.path + "_env", "name of the environment variable holding " +
                                                                  setting.help + " (or " + setting.path + "_file)"));
            out.push_back(str("erp." + setting.path + "_file", "file holding " + setting.help + " (first line)"));
            continue;
        }
        KeySpec key = setting;
        key.path = "erp." + setting.path;
        out.push_back(std::move(key));
    }
    return out;
}

const KeySpec* findKey(const std::string& path, const std::vector<KeySpec>& erp_keys) {
    const std::string wanted = wildcardPath(path);
    for (const auto* keys : {&configSchema(), &erp_keys}) {
        const auto it = std::find_if(keys->begin(), keys->end(), [&](const KeySpec& k) { return k.path == wanted; });
        if (it != keys->end()) {
            return &*it;
        }
    }
    return nullptr;
}

std::vector<std::string> keysUnder(const std::string& prefix, const std::vector<KeySpec>& erp_keys) {
    std::vector<std::string> out;
    const std::string start = prefix.empty() ? "" : wildcardPath(prefix) + ".";
    for (const auto* keys : {&configSchema(), &erp_keys}) {
        for (const auto& key : *keys) {
            if (key.path.rfind(start, 0) == 0 && key.path.find('.', start.size()) == std::string::npos) {
                out.push_back(key.path.substr(start.size()));
            }
        }
    }
    return out;
}

}  // namespace syncline::config
