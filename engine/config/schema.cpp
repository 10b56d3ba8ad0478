#include "engine/config/schema.h"

#include <algorithm>

namespace syncline::config {

namespace {

KeySpec str(std::string path, std::string help, std::vector<std::string> allowed = {}) {
    return KeySpec{std::move(path), ValueKind::String, std::move(allowed), {}, {}, std::move(help)};
}

KeySpec integer(std::string path, std::int64_t min, std::int64_t max, std::string help) {
    return KeySpec{std::move(path), ValueKind::Integer, {}, min, max, std::move(help)};
}

KeySpec table(std::string path, std::string help) {
    return KeySpec{std::move(path), ValueKind::Table, {}, {}, {}, std::move(help)};
}

}  // namespace

const std::vector<KeySpec>& configSchema() {
    static const std::vector<KeySpec> schema = {
        table("engine", "this engine node"),
        str("engine.node_name", "name of this node in job runs, leases and the audit log (default: host name)"),
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
        table("erp", "the ERP connection"),
        str("erp.connector", "connector kind", {"odbc"}),
        str("erp.dsn", "odbc: data source name from odbc.ini (or use connection_string)"),
        str("erp.connection_string", "odbc: DSN-less connection string, without the password"),
        str("erp.user", "odbc: user name (UID)"),
        str("erp.password_env", "odbc: name of the environment variable holding the password (PWD)"),
        str("erp.password_file", "odbc: file holding the password (first line)"),
        str("erp.odbc_ini_dir",
            "odbc: folder with odbcinst.ini and odbc.ini used instead of /etc (relative to this file's folder)"),
        integer("erp.login_timeout_s", 1, 600, "odbc: seconds to wait for a connection"),
        integer("erp.query_timeout_s", 1, 86400, "odbc: seconds a query may run"),
        table("erp.streams", "what to read from the ERP, per stream: products, stock, customers, price_rules"),
        table("erp.streams.*", "one stream"),
        str("erp.streams.*.query", "SQL returning every row of the stream (full pull)"),
        str("erp.streams.*.incremental_query",
            "SQL returning the rows changed since a watermark, bound as its one parameter (?)"),
        str("erp.streams.*.cursor_field", "the mapped field whose highest value is the next watermark"),
        integer("erp.streams.*.batch_size", 1, 100000, "rows per batch and per ODBC array fetch"),
        table("erp.streams.*.fields",
              "canonical field = \"COLUMN\", or = { column = \"COLUMN\", type = \"...\", prefix = \"...\", "
              "default = \"...\" }"),
        table("erp.orders",
              "how webstore orders are written into the ERP: its own SQL with named parameters (:order_id, :sku, ...)"),
        str("erp.orders.find_query",
            "SQL returning one row, the ERP document number, when the order whose reference is :order_id exists"),
        str("erp.orders.header",
            "SQL statements run once per order, in order, in the order's transaction (an array of strings, or one "
            "string); the first row of one that returns rows adds its columns as named values"),
        str("erp.orders.line", "SQL statement run once per order line, after the header statements"),
        str("erp.orders.status_query",
            "optional: SQL returning the ERP's state of the order whose reference is :order_id: columns status "
            "(open, confirmed, shipped, invoiced, cancelled), tracking_number, invoice_number"),
        str("erp.orders.document_number",
            "the named value holding the ERP document number (a header SELECT column); default: find_query after "
            "the commit"),
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
    };
    return schema;
}

std::string wildcardPath(const std::string& path) {
    // erp.streams.<name>... is declared once as erp.streams.*..., ownership.<entity>.<field> as ownership.*.*
    for (const std::string prefix : {"erp.streams.", "ownership."}) {
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

const KeySpec* findKey(const std::string& path) {
    const auto& schema = configSchema();
    const std::string wanted = wildcardPath(path);
    const auto it = std::find_if(schema.begin(), schema.end(), [&](const KeySpec& k) { return k.path == wanted; });
    return it == schema.end() ? nullptr : &*it;
}

std::vector<std::string> keysUnder(const std::string& prefix) {
    std::vector<std::string> out;
    const std::string start = prefix.empty() ? "" : wildcardPath(prefix) + ".";
    for (const auto& key : configSchema()) {
        if (key.path.rfind(start, 0) == 0 && key.path.find('.', start.size()) == std::string::npos) {
            out.push_back(key.path.substr(start.size()));
        }
    }
    return out;
}

}  // namespace syncline::config
