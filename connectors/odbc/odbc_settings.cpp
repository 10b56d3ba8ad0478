#include "connectors/odbc/odbc_settings.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <stdexcept>

#include "connectors/odbc/connection_string.h"
#include "engine/connector/stream_mapping.h"

namespace syncline::odbc {

using connector::SettingIssue;
using connector::SettingKind;
using connector::Settings;

namespace {

// Whether an ODBC connection string has a PWD or Password attribute, however spaced or cased ("PWD =", " pwd=").
bool holdsPassword(const std::string& connection_string) {
    std::size_t start = 0;
    while (start < connection_string.size()) {
        const auto end = std::min(connection_string.find(';', start), connection_string.size());
        const auto equals = connection_string.find('=', start);
        if (equals < end) {
            std::string key = connection_string.substr(start, equals - start);
            key.erase(std::remove_if(key.begin(), key.end(), [](unsigned char c) { return std::isspace(c); }),
                      key.end());
            std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
            if (key == "pwd" || key == "password") {
                return true;
            }
        }
        start = end + 1;
    }
    return false;
}

bool isBlank(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) != 0; });
}

// Whether `name` can be written as a named parameter (:name): an ASCII letter or '_', then letters, digits, '_'.
bool isValueName(const std::string& name) {
    const auto letter = [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    return !name.empty() && letter(static_cast<unsigned char>(name[0])) &&
           std::all_of(name.begin(), name.end(), [&](unsigned char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

std::vector<std::string> statementsOf(const nlohmann::json* node) {
    std::vector<std::string> out;
    if (node != nullptr && node->is_string()) {
        out.push_back(node->get<std::string>());
    } else if (node != nullptr && node->is_array()) {
        for (const auto& statement : *node) {
            if (statement.is_string()) {
                out.push_back(statement.get<std::string>());
            }
        }
    }
    return out;
}

void checkOrders(const Settings& settings, std::vector<SettingIssue>& issues) {
    const auto* orders = settings.find("orders");
    if (orders == nullptr || !orders->is_object()) {
        return;
    }
    for (const std::string name : {"find_query", "header", "line"}) {
        const auto it = orders->find(name);
        if (it == orders->end()) {
            issues.push_back({"orders." + name, "is required with [erp.orders]"});
        } else if (it->is_string() && isBlank(it->get<std::string>())) {
            issues.push_back({"orders." + name, "must not be empty"});
        }
    }
    const std::string document_number = settings.string("orders.document_number");
    if (orders->contains("document_number") && !isValueName(document_number)) {
        issues.push_back({"orders.document_number", "'" + document_number +
                                                        "' is not a value name: letters, digits and '_', not "
                                                        "starting with a digit"});
    }
}

}  // namespace

const connector::ConnectorSpec& odbcSpec() {
    static const connector::ConnectorSpec spec = [] {
        using namespace connector;
        ConnectorSpec s;
        s.kind = "odbc";
        s.version = "1.0.0";
        s.summary = "any database with an ODBC driver, by its own SQL: streams by query, orders by statements";
        s.streams = {"products", "stock", "customers", "price_rules"};
        s.capabilities = {true, true, true, true, true, true};
        s.settings = {
            stringSetting("dsn", "data source name from odbc.ini (or use connection_string)"),
            stringSetting("connection_string", "DSN-less connection string, without the password"),
            stringSetting("user", "user name (UID)"),
            kindSetting(SettingKind::Secret, "password", "the password (PWD)"),
            kindSetting(SettingKind::Path, "odbc_ini_dir",
                        "folder with odbcinst.ini and odbc.ini used instead of /etc (relative to this file's folder)"),
        };
        for (auto& setting : streamMappingSettings()) {
            s.settings.push_back(std::move(setting));
        }
        auto query = stringSetting("streams.*.query", "SQL returning every row of the stream (full pull)");
        query.required = true;
        s.settings.push_back(std::move(query));
        s.settings.push_back(stringSetting("streams.*.incremental_query",
                                           "SQL returning the rows changed since the cursor, bound as its one "
                                           "parameter (?); needs cursor_field"));
        s.settings.push_back(tableSetting(
            "orders",
            "how webstore orders are written into the ERP: its own SQL with named parameters (:order_id, :sku, ...)"));
        s.settings.push_back(stringSetting(
            "orders.find_query",
            "SQL returning one row, the ERP document number, when the order whose reference is :order_id exists"));
        s.settings.push_back(kindSetting(
            SettingKind::Statements, "orders.header",
            "SQL statements run once per order, in order, in the order's transaction (an array of strings, or one "
            "string); the first row of one that returns rows adds its columns as named values"));
        s.settings.push_back(
            stringSetting("orders.line", "SQL statement run once per order line, after the header statements"));
        s.settings.push_back(stringSetting(
            "orders.status_query",
            "optional: SQL returning the ERP's state of the order whose reference is :order_id: columns status "
            "(open, confirmed, shipped, invoiced, cancelled), tracking_number, invoice_number"));
        s.settings.push_back(stringSetting(
            "orders.document_number",
            "the named value holding the ERP document number (a header SELECT column); default: find_query after "
            "the commit"));
        s.settings.push_back(tableSetting("live_price", "the ERP's own price for one line, for live pricing"));
        s.settings.push_back(stringSetting(
            "live_price.query",
            "SQL (or a stored procedure call) giving the ERP's unit price [and currency] for :customer, :sku, "
            ":quantity, :currency, :date; set: the pricing APIs ask the ERP live (docs/pricing.md)"));
        return s;
    }();
    return spec;
}

std::vector<SettingIssue> checkOdbcSettings(const Settings& settings) {
    std::vector<SettingIssue> issues;
    const std::string dsn = settings.string("dsn");
    const std::string connection_string = settings.string("connection_string");
    if (dsn.empty() == connection_string.empty()) {
        issues.push_back({"dsn", "set exactly one of erp.dsn and erp.connection_string"});
    }
    if (holdsPassword(connection_string)) {
        issues.push_back(
            {"connection_string", "holds a password; remove it and set erp.password_env or erp.password_file"});
    }
    const auto streams = connector::readStreamMappings(settings, issues);
    for (const auto& stream : streams) {
        const std::string key = "streams." + stream.stream;
        if (settings.string(key + ".query").empty()) {
            issues.push_back({key + ".query", "is required"});
        }
        if (!settings.string(key + ".incremental_query").empty() && stream.cursor_field.empty()) {
            issues.push_back({key + ".cursor_field", "is required with incremental_query"});
        }
    }
    checkOrders(settings, issues);
    return issues;
}

OdbcConnectorConfig odbcConfigOf(const Settings& settings) {
    std::vector<SettingIssue> issues = checkOdbcSettings(settings);
    if (!issues.empty()) {
        throw std::invalid_argument("erp." + issues.front().path + ": " + issues.front().message);
    }
    OdbcConnectorConfig c;
    const std::string dsn = settings.string("dsn");
    c.connection_string = buildConnectionString(dsn.empty() ? settings.string("connection_string") : dsn,
                                                settings.string("user"), settings.secret("password"));
    c.odbc_ini_dir = settings.string("odbc_ini_dir");
    c.login_timeout = std::chrono::seconds(settings.login_timeout_s);
    c.query_timeout = std::chrono::seconds(settings.query_timeout_s);
    for (auto& mapping : connector::readStreamMappings(settings, issues)) {
        OdbcStream stream;
        const std::string key = "streams." + mapping.stream;
        static_cast<connector::StreamConfig&>(stream) = std::move(mapping);
        stream.query = settings.string(key + ".query");
        stream.incremental_query = settings.string(key + ".incremental_query");
        c.streams.push_back(std::move(stream));
    }
    if (const auto* orders = settings.find("orders"); orders != nullptr && orders->is_object()) {
        c.orders.find_query = settings.string("orders.find_query");
        c.orders.header = statementsOf(settings.find("orders.header"));
        c.orders.line = settings.string("orders.line");
        c.orders.document_number = settings.string("orders.document_number");
        c.orders.status_query = settings.string("orders.status_query");
    }
    c.live_price_query = settings.string("live_price.query");
    return c;
}

namespace {

class OdbcFactory final : public connector::ConnectorFactory {
  public:
    const connector::ConnectorSpec& spec() const override { return odbcSpec(); }

    std::vector<SettingIssue> check(const Settings& settings) const override { return checkOdbcSettings(settings); }

    connector::ConfiguredFeatures features(const Settings& settings) const override {
        connector::ConfiguredFeatures f;
        f.streams = connector::configuredStreams(settings);
        const auto* orders = settings.find("orders");
        f.push_orders = orders != nullptr && orders->is_object() && !orders->empty();
        f.order_status = !settings.string("orders.status_query").empty();
        f.live_price = !settings.string("live_price.query").empty();
        return f;
    }

    std::string target(const Settings& settings) const override {
        const std::string dsn = settings.string("dsn");
        return dsn.empty() ? "connection string" : "DSN " + dsn;
    }

    std::unique_ptr<connector::Connector> create(const Settings& settings) const override {
        return std::make_unique<OdbcConnector>(odbcConfigOf(settings));
    }
};

}  // namespace

void registerOdbcConnector() {
    connector::registerConnector(std::make_shared<OdbcFactory>());
}

}  // namespace syncline::odbc
