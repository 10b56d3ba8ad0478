// The baseline of the order push benchmark (issue 5, "Speed"): the least work that writes N orders of L lines into
// the ERP. It loads the same config file as syncline, so it connects with the same ODBC settings (the [erp] DSN or
// connection string, user, password, timeouts; the connection string OdbcConnector gives its order export, without
// streaming attributes) and runs the same SQL: the statements of [erp.orders] (header, then line once per order
// line), their named parameters rewritten to `?` by the connector's own parser and bound, as text, to the values
// the export would bind (odbc::orderValues). With the demo config that is, per order, the DOCN update, the DOCN
// select, the SORH insert and L SORL inserts.
//
// Unlike the export it opens ONE connection for the whole run, prepares each statement once and reuses it, and
// runs each order in one transaction (autocommit off with SQLSetConnectAttr, SQLEndTran(SQL_COMMIT) per order).
// No webstore, no findOrder before or after, no claims, no audit: what syncline does around the inserts is what the
// ratio measures.
//
// The orders are made up from the ERP itself so that every insert is valid: customers are the first customers of
// BPMS (CardType 'C', not blocked) in CardCode order, order k (0-based) going to customer k mod C in the customer's
// currency; line j (0-based) of order k is the active item (ITMS, ActiveFlag 'Y', ItemCode order) number
// (k * L + j) mod I, quantity j mod 3 + 1, unit price its ListPrice. Their references (SORH.ExtRef) are
// <prefix><k + 1, six digits>, "BASE-000001" by default, which cannot clash with the webstore's order ids of the
// benchmark.
//
//   syncline_push_baseline --config syncline.toml --orders 1000 --lines 5 [--prefix BASE-]
//
// prints one JSON line: {"orders":1000,"lines":5,"seconds":2.345}
// "seconds" runs from connecting to the ERP to the last commit (the reads of BPMS and ITMS included). Exit codes:
// 0 ok, 70 failure, 78 config; CLI11's codes for a bad command line.

#include <sql.h>
#include <sqlext.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "connectors/builtin.h"
#include "connectors/odbc/connection.h"
#include "connectors/odbc/connection_string.h"
#include "connectors/odbc/named_parameters.h"
#include "connectors/odbc/odbc_error.h"
#include "connectors/odbc/odbc_settings.h"
#include "connectors/odbc/order_export.h"
#include "connectors/odbc/statement.h"
#include "engine/config/config.h"
#include "engine/model/decimal.h"
#include "engine/model/records.h"

namespace {

using namespace syncline;
using Clock = std::chrono::steady_clock;

constexpr int kExitSoftware = 70;
constexpr int kExitConfig = 78;

// At most this many customers and items are read from the ERP to make the orders from.
constexpr int kMaxPicks = 10000;

struct Customer {
    std::string code;
    std::string currency;
};

struct Item {
    std::string code;
    model::Decimal price;
};

std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(' ');
    return begin == std::string::npos ? "" : text.substr(begin, text.find_last_not_of(' ') - begin + 1);
}

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// Throws with the first diagnostic record of `handle` when `rc` is not a success.
void check(SQLRETURN rc, SQLSMALLINT handle_type, SQLHANDLE handle, const char* operation) {
    if (SQL_SUCCEEDED(rc)) {
        return;
    }
    SQLCHAR state[6] = {0};
    SQLCHAR text[512] = {0};
    SQLINTEGER native = 0;
    SQLSMALLINT length = 0;
    SQLGetDiagRec(handle_type, handle, 1, state, &native, text, sizeof text, &length);
    throw std::runtime_error(std::string(operation) + ": [" + reinterpret_cast<const char*>(state) + "] " +
                             reinterpret_cast<const char*>(text));
}

void setAutocommit(odbc::Connection& connection, bool on) {
    const auto dbc = static_cast<SQLHDBC>(connection.handle());
    const auto value = static_cast<SQLULEN>(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF);
    check(SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(value), SQL_IS_UINTEGER),
          SQL_HANDLE_DBC, dbc, "SQLSetConnectAttr(SQL_ATTR_AUTOCOMMIT)");
}

void commit(odbc::Connection& connection) {
    const auto dbc = static_cast<SQLHDBC>(connection.handle());
    check(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT), SQL_HANDLE_DBC, dbc, "SQLEndTran(SQL_COMMIT)");
}

// Closes the cursor a SELECT left open (with UseDeclareFetch, psqlODBC's DECLARE ... CURSOR) before the commit.
void closeCursor(odbc::Statement& statement) {
    const auto stmt = static_cast<SQLHSTMT>(statement.handle());
    check(SQLFreeStmt(stmt, SQL_CLOSE), SQL_HANDLE_STMT, stmt, "SQLFreeStmt(SQL_CLOSE)");
}

// The rows of a two-column query, both as text, spaces trimmed.
std::vector<std::pair<std::string, std::string>> readPairs(odbc::Connection& connection, const std::string& sql) {
    odbc::Statement statement(connection);
    statement.execute(sql);
    std::vector<std::pair<std::string, std::string>> rows;
    while (statement.fetch()) {
        auto first = statement.getText(1);
        auto second = statement.getText(2);
        rows.emplace_back(trim(first.value_or("")), trim(second.value_or("")));
    }
    return rows;
}

// A prepared statement of [erp.orders] with the names of its parameters.
struct Prepared {
    odbc::NamedStatement named;
    odbc::Statement statement;
};

Prepared prepare(odbc::Connection& connection, const std::string& sql) {
    Prepared p{odbc::parseNamedParameters(sql), odbc::Statement(connection)};
    p.statement.prepare(p.named.sql);
    return p;
}

// Binds each parameter of `p`, looked up in `line` (when given), then in `known`.
void bindValues(Prepared& p, const odbc::NamedValues& known, const odbc::NamedValues* line) {
    for (std::size_t i = 0; i < p.named.parameters.size(); ++i) {
        const std::string& name = p.named.parameters[i];
        if (line != nullptr) {
            if (const auto it = line->find(name); it != line->end()) {
                p.statement.bindText(i + 1, it->second);
                continue;
            }
        }
        const auto it = known.find(name);
        if (it == known.end()) {
            throw std::invalid_argument("[erp.orders]: no value for parameter :" + name);
        }
        p.statement.bindText(i + 1, it->second);
    }
}

model::Order makeOrder(int k, int lines, const std::vector<Customer>& customers, const std::vector<Item>& items) {
    const Customer& customer = customers[static_cast<std::size_t>(k) % customers.size()];
    model::Order order;
    order.customer_code = customer.code;
    order.currency = customer.currency;
    order.placed_at = "2026-11-27T10:00:00Z";
    for (int j = 0; j < lines; ++j) {
        const Item& item = items[(static_cast<std::size_t>(k) * lines + j) % items.size()];
        model::OrderLine line;
        line.line_no = j + 1;
        line.sku = item.code;
        line.quantity = model::Decimal::fromInt(j % 3 + 1);
        line.unit_price = item.price;
        order.lines.push_back(std::move(line));
    }
    return order;
}

double push(const config::Config& config, int orders, int lines, const std::string& prefix) {
    const auto started = Clock::now();
    const auto erp = odbc::odbcConfigOf(config.erp.settings);
    const auto& statements = erp.orders;
    // What makeConnector gives OdbcConnector, and OdbcConnector its OrderExport.
    const std::string connection_string = erp.connection_string;
    odbc::Connection connection(connection_string, std::chrono::seconds(config.erp.login_timeout_s));

    std::vector<Customer> customers;
    for (auto& [code, currency] :
         readPairs(connection,
                   "SELECT CardCode, Currency FROM BPMS WHERE CardType = 'C' AND BlockedFlag = 'N' "
                   "ORDER BY CardCode LIMIT " +
                       std::to_string(kMaxPicks))) {
        customers.push_back({code, currency});
    }
    std::vector<Item> items;
    for (auto& [code, price] : readPairs(connection,
                                         "SELECT ItemCode, CAST(ListPrice AS VARCHAR(30)) FROM ITMS "
                                         "WHERE ActiveFlag = 'Y' ORDER BY ItemCode LIMIT " +
                                             std::to_string(kMaxPicks))) {
        const auto value = model::Decimal::parse(price);
        if (!value) {
            throw std::runtime_error("ITMS " + code + ": ListPrice '" + price + "' is not a decimal");
        }
        items.push_back({code, *value});
    }
    if (customers.empty() || items.empty()) {
        throw std::runtime_error("the ERP has no unblocked customer or no active item");
    }

    setAutocommit(connection, false);
    std::vector<Prepared> header;
    for (const auto& sql : statements.header) {
        header.push_back(prepare(connection, sql));
    }
    Prepared line = prepare(connection, statements.line);

    char key[64];
    for (int k = 0; k < orders; ++k) {
        std::snprintf(key, sizeof key, "%s%06d", prefix.c_str(), k + 1);
        const model::Order order = makeOrder(k, lines, customers, items);
        const odbc::OrderValues values = odbc::orderValues(order, key, std::chrono::system_clock::now());
        odbc::NamedValues known = values.order;
        for (auto& h : header) {
            bindValues(h, known, nullptr);
            h.statement.execute();
            if (const std::size_t columns = h.statement.columnCount(); columns > 0) {
                if (!h.statement.fetch()) {
                    throw std::runtime_error(std::string("order ") + key + ": a header SELECT returned no row");
                }
                for (std::size_t c = 1; c <= columns; ++c) {
                    known[lowerCase(h.statement.columnName(c))] = h.statement.getText(c);
                }
                closeCursor(h.statement);
            }
        }
        for (const auto& line_values : values.lines) {
            bindValues(line, known, &line_values);
            line.statement.execute();
            if (line.statement.affectedRows() == 0) {
                throw std::runtime_error(std::string("order ") + key + ": a line insert changed no row");
            }
        }
        commit(connection);
    }
    setAutocommit(connection, true);
    return std::chrono::duration<double>(Clock::now() - started).count();
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Order push benchmark baseline: the [erp.orders] inserts of N orders over one ODBC connection"};
    std::string config_path;
    int orders = 1000;
    int lines = 5;
    std::string prefix = "BASE-";
    app.add_option("-c,--config", config_path, "syncline config: [erp] connection and [erp.orders] statements")
        ->required();
    app.add_option("--orders", orders, "orders to insert")->check(CLI::Range(1, 999999));
    app.add_option("--lines", lines, "lines per order")->check(CLI::Range(1, 1000));
    app.add_option("--prefix", prefix, "SORH.ExtRef of order k is <prefix><k, six digits>");
    CLI11_PARSE(app, argc, argv);

    config::Config config;
    connectors::registerBuiltinConnectors();
    try {
        config = config::load(config_path);
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            std::cerr << issue.format() << "\n";
        }
        return kExitConfig;
    }
    if (config.erp.connector != "odbc" || !config.erp.features.push_orders) {
        std::cerr << "push_baseline: " << config_path << " has no [erp.orders] header and line statements\n";
        return kExitConfig;
    }
    const auto erp = odbc::odbcConfigOf(config.erp.settings);
    if (!erp.odbc_ini_dir.empty()) {
        // As syncline does: unixODBC reads these at the first ODBC call of the process.
        ::setenv("ODBCSYSINI", erp.odbc_ini_dir.c_str(), 1);
        ::setenv("ODBCINI", (erp.odbc_ini_dir + "/odbc.ini").c_str(), 1);
    }
    try {
        const double seconds = push(config, orders, lines, prefix);
        std::printf("{\"orders\":%d,\"lines\":%d,\"seconds\":%.3f}\n", orders, lines, seconds);
    } catch (const odbc::OdbcError& e) {
        std::cerr << "push_baseline: " << e.what() << "\n";  // redacted by the ODBC layer
        return kExitSoftware;
    } catch (const std::exception& e) {
        std::cerr << "push_baseline: " << e.what() << "\n";
        return kExitSoftware;
    }
    return 0;
}
