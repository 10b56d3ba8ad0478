#include "connectors/odbc/order_export.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <exception>
#include <set>
#include <stdexcept>
#include <utility>

#include "connectors/odbc/connection.h"
#include "connectors/odbc/diagnostics.h"
#include "connectors/odbc/odbc_error.h"
#include "connectors/odbc/statement.h"
#include "engine/model/decimal.h"
#include "engine/model/iso_date.h"

namespace syncline::odbc {

using connector::Error;
using connector::ErrorKind;
using connector::Result;

namespace {

// A failure found by this module (not by the driver), with its final kind; thrown inside a call, returned at its end.
struct Failure {
    ErrorKind kind;
    std::string message;
};

bool contains(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool isBuiltIn(const std::string& name) {
    return contains(orderValueNames(), name) || contains(lineValueNames(), name);
}

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::string trim(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) {
        return "";
    }
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

std::string join(const std::vector<std::string>& items, const std::string& prefix = "") {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + prefix + item;
    }
    return out;
}

// "YYYY-MM-DD HH:MM:SS" in UTC.
std::string utcTimestamp(std::chrono::system_clock::time_point at) {
    const std::time_t seconds = std::chrono::system_clock::to_time_t(at);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    const std::size_t length = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
    return std::string(text, length);
}

// Whether `text` can be written as a named parameter: what parseNamedParameters accepts after the ':'.
bool isName(const std::string& text) {
    try {
        const auto parsed = parseNamedParameters(":" + text);
        return parsed.parameters.size() == 1 && parsed.sql == "?";
    } catch (const std::invalid_argument&) {
        return false;
    }
}

void setAutocommit(Connection& connection, bool on) {
    const auto dbc = static_cast<SQLHDBC>(connection.handle());
    const auto value = static_cast<SQLULEN>(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF);
    detail::check(SQLSetConnectAttr(dbc, SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(value), SQL_IS_UINTEGER),
                  SQL_HANDLE_DBC, dbc, "SQLSetConnectAttr(SQL_ATTR_AUTOCOMMIT)", connection.secrets());
}

void commit(Connection& connection) {
    const auto dbc = static_cast<SQLHDBC>(connection.handle());
    detail::check(SQLEndTran(SQL_HANDLE_DBC, dbc, SQL_COMMIT), SQL_HANDLE_DBC, dbc, "SQLEndTran(SQL_COMMIT)",
                  connection.secrets());
}

// Ends the transaction without keeping anything. Its own failure is not reported: the error that led here is, and a
// server rolls back the open transaction of a connection that goes away.
void rollbackQuietly(Connection& connection) {
    SQLEndTran(SQL_HANDLE_DBC, static_cast<SQLHDBC>(connection.handle()), SQL_ROLLBACK);
}

void setQueryTimeout(Statement& statement, std::chrono::seconds timeout) {
    if (timeout.count() <= 0) {
        return;
    }
    const auto stmt = static_cast<SQLHSTMT>(statement.handle());
    try {
        detail::check(SQLSetStmtAttr(stmt, SQL_ATTR_QUERY_TIMEOUT,
                                     reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(timeout.count())), 0),
                      SQL_HANDLE_STMT, stmt, "SQLSetStmtAttr(SQL_ATTR_QUERY_TIMEOUT)", statement.secrets());
    } catch (const OdbcError& error) {
        if (error.sqlState() != "HYC00") {  // optional feature not implemented: the statement runs without a limit
            throw;
        }
    }
}

// Binds each parameter of `statement`, looked up in `line` (when given) and then in `known`. Throws Failure (Config)
// naming the first parameter found in neither.
void bindParameters(Statement& target, const NamedStatement& statement, const NamedValues& known,
                    const NamedValues* line, const std::string& where) {
    for (std::size_t i = 0; i < statement.parameters.size(); ++i) {
        const std::string& name = statement.parameters[i];
        if (line != nullptr) {
            if (const auto it = line->find(name); it != line->end()) {
                target.bindText(i + 1, it->second);
                continue;
            }
        }
        const auto it = known.find(name);
        if (it == known.end()) {
            std::vector<std::string> names;
            for (const auto& [known_name, value] : known) {
                names.push_back(known_name);
            }
            if (line != nullptr) {
                for (const auto& [line_name, value] : *line) {
                    names.push_back(line_name);
                }
            }
            std::sort(names.begin(), names.end());
            throw Failure{ErrorKind::Config, "[erp.orders] " + where + ": unknown parameter :" + name +
                                                 " (values known at this statement: " + join(names, ":") + ")"};
        }
        target.bindText(i + 1, it->second);
    }
}

// Adds the columns of the first row of `statement`'s result set, if it has one, to `known`, and closes its cursor.
void readFirstRow(Statement& statement, const std::string& where, NamedValues& known) {
    const std::size_t columns = statement.columnCount();
    if (columns == 0) {
        return;
    }
    std::vector<std::string> labels;
    for (std::size_t column = 1; column <= columns; ++column) {
        labels.push_back(lowerCase(statement.columnName(column)));
        if (isBuiltIn(labels.back())) {
            throw Failure{ErrorKind::Config, "[erp.orders] " + where + ": its result column '" + labels.back() +
                                                 "' has the name of a built-in value; rename it with AS"};
        }
    }
    if (!statement.fetch()) {
        throw Failure{ErrorKind::Data,
                      where + " returned no row, so its columns (" + join(labels) + ") have no value for this order"};
    }
    for (std::size_t column = 1; column <= columns; ++column) {
        known[labels[column - 1]] = statement.getText(column);
    }
    statement.closeCursor();
}

// Runs `statement`, the prepared find_query, for `key`: the document number, or std::nullopt when it returns no row.
// Closes the cursor before returning a value or throwing a Failure: in autocommit mode psqlODBC's UseDeclareFetch
// keeps a transaction open as long as the cursor is.
std::optional<std::string> findDocument(Statement& statement, const NamedStatement& find, const std::string& key) {
    for (std::size_t i = 0; i < find.parameters.size(); ++i) {
        statement.bindText(i + 1, key);  // :order_id, the only parameter find_query may use
    }
    statement.execute();
    if (statement.columnCount() == 0) {
        throw Failure{ErrorKind::Config,
                      "[erp.orders] find_query returned no result set: it must select the document number"};
    }
    const bool found = statement.fetch();
    const auto number = found ? statement.getText(1) : std::nullopt;
    statement.closeCursor();
    if (!found) {
        return std::nullopt;
    }
    if (!number || trim(*number).empty()) {
        throw Failure{ErrorKind::Config,
                      "[erp.orders] find_query returned a row whose first column (the document number) is NULL"};
    }
    return trim(*number);
}

}  // namespace

const std::vector<std::string>& orderValueNames() {
    static const std::vector<std::string> names = {"order_id",   "customer_code", "currency", "placed_at",
                                                   "order_date", "now",           "total"};
    return names;
}

const std::vector<std::string>& lineValueNames() {
    static const std::vector<std::string> names = {"line_no",    "sku",        "quantity",
                                                   "unit_price", "line_total", "line_note"};
    return names;
}

OrderValues orderValues(const model::Order& order, const std::string& key, std::chrono::system_clock::time_point now) {
    if (order.lines.empty()) {
        throw std::invalid_argument("the order has no lines");
    }
    if (!model::isIsoDateTime(order.placed_at)) {
        throw std::invalid_argument("placed_at '" + order.placed_at + "' is not an ISO-8601 date-time");
    }
    constexpr int kPlaces = model::Decimal::kScale;
    OrderValues values;
    model::Decimal total;
    for (const auto& line : order.lines) {
        const model::Decimal line_total = line.quantity.multiply(line.unit_price, model::RoundingMode::HalfUp, 2);
        total += line_total;
        values.lines.push_back({
            {"line_no", std::to_string(line.line_no)},
            {"sku", line.sku},
            {"quantity", line.quantity.toString(kPlaces)},
            {"unit_price", line.unit_price.toString(kPlaces)},
            {"line_total", line_total.toString(kPlaces)},
            {"line_note", line.note},
        });
    }
    values.order = {
        {"order_id", key},
        {"customer_code", order.customer_code},
        {"currency", order.currency},
        {"placed_at", order.placed_at},
        {"order_date", order.placed_at.substr(0, 10)},
        {"now", utcTimestamp(now)},
        {"total", total.toString(kPlaces)},
    };
    return values;
}

OrderExport::OrderExport(connector::OrderExportConfig config, OrderExportTarget target)
    : config_(std::move(config)), target_(std::move(target)) {
    std::vector<std::string> problems;
    const auto parse = [&](const std::string& sql, const std::string& what, NamedStatement& out) {
        if (trim(sql).empty()) {
            problems.push_back(what + " is not set");
            return false;
        }
        try {
            out = parseNamedParameters(sql);
            return true;
        } catch (const std::invalid_argument& error) {
            problems.push_back(what + ": " + error.what());
            return false;
        }
    };
    const auto distinct = [](const NamedStatement& statement) {
        return std::set<std::string>(statement.parameters.begin(), statement.parameters.end());
    };

    if (parse(config_.find_query, "find_query", find_)) {
        for (const auto& name : distinct(find_)) {
            if (name != "order_id") {
                problems.push_back("find_query: unknown parameter :" + name + " (find_query can use only :order_id)");
            }
        }
        if (find_.parameters.empty()) {
            problems.push_back("find_query: it must use :order_id to find the order");
        }
    }
    if (config_.header.empty()) {
        problems.push_back("header has no statement");
    }
    header_.resize(config_.header.size());
    for (std::size_t i = 0; i < config_.header.size(); ++i) {
        const std::string what = "header " + std::to_string(i + 1);
        if (!parse(config_.header[i], what, header_[i])) {
            continue;
        }
        for (const auto& name : distinct(header_[i])) {
            if (contains(lineValueNames(), name)) {
                problems.push_back(what + ": :" + name +
                                   " is a value of each line; only the line statement can use it");
            } else if (i == 0 && !contains(orderValueNames(), name)) {
                problems.push_back(what + ": unknown parameter :" + name +
                                   " (the first header statement can use: " + join(orderValueNames(), ":") + ")");
            }
        }
    }
    parse(config_.line, "line", line_);
    if (!trim(config_.status_query).empty() && parse(config_.status_query, "status_query", status_)) {
        for (const auto& name : distinct(status_)) {
            if (name != "order_id") {
                problems.push_back("status_query: unknown parameter :" + name +
                                   " (status_query can use only :order_id)");
            }
        }
    }
    document_number_ = lowerCase(trim(config_.document_number));
    if (!document_number_.empty() && !isName(document_number_)) {
        problems.push_back("document_number '" + config_.document_number +
                           "' is not a value name (letters, digits, underscore)");
    } else if (contains(lineValueNames(), document_number_)) {
        problems.push_back("document_number '" + document_number_ + "' is a value of each line, not of the order");
    }
    if (!problems.empty()) {
        std::string message = "[erp.orders] ";
        for (std::size_t i = 0; i < problems.size(); ++i) {
            message += (i == 0 ? "" : "; ") + problems[i];
        }
        config_error_ = Error{ErrorKind::Config, "", std::move(message)};
    }
}

OrderExport::Session::Session(const OrderExportTarget& target)
    : connection(target.connection_string, target.login_timeout) {}

OrderExport::Session& OrderExport::session() {
    if (!session_) {
        session_.emplace(target_);
        session_->header.resize(header_.size());
    }
    return *session_;
}

Statement& OrderExport::prepared(std::optional<Statement>& slot, const std::string& sql) {
    if (!slot) {
        Statement statement(session().connection);
        setQueryTimeout(statement, target_.query_timeout);
        statement.prepare(sql);
        slot.emplace(std::move(statement));
    }
    return *slot;
}

Result<std::optional<std::string>> OrderExport::find(const std::string& key) {
    if (config_error_) {
        return *config_error_;
    }
    // A kept connection may have died since the last call (a server restart, an idle timeout): one retry on a
    // fresh connection, so that a stale connection does not cost the order a backoff.
    const bool reused = session_.has_value();
    auto result = findOnce(key);
    if (!result && reused && result.error().kind == ErrorKind::Transient) {
        result = findOnce(key);
    }
    return result;
}

Result<std::optional<std::string>> OrderExport::findOnce(const std::string& key) {
    try {
        return findDocument(prepared(session().find, find_.sql), find_, key);
    } catch (const Failure& failure) {
        return Error{failure.kind, "", failure.message};
    } catch (const OdbcError& error) {
        session_.reset();
        Error out = toError(error);
        out.message = "[erp.orders] find_query for order '" + key + "': " + out.message;
        return out;
    } catch (const std::exception& error) {
        session_.reset();  // its statement may be left in any state
        return Error{ErrorKind::Fatal, "", "[erp.orders] find_query for order '" + key + "': " + error.what()};
    }
}

Result<std::optional<connector::OrderState>> OrderExport::status(const std::string& key) {
    const bool reused = session_.has_value();
    auto result = statusOnce(key);
    if (!result && reused && result.error().kind == ErrorKind::Transient) {
        result = statusOnce(key);
    }
    return result;
}

Result<std::optional<connector::OrderState>> OrderExport::statusOnce(const std::string& key) {
    if (config_error_) {
        return *config_error_;
    }
    const std::string what = "[erp.orders] status_query for order '" + key + "': ";
    if (status_.sql.empty()) {
        return Error{ErrorKind::Config, "", "[erp.orders] has no status_query: the ERP's order status is not read"};
    }
    try {
        Statement statement(session().connection);
        setQueryTimeout(statement, target_.query_timeout);
        statement.prepare(status_.sql);
        for (std::size_t i = 0; i < status_.parameters.size(); ++i) {
            statement.bindText(i + 1, key);
        }
        statement.execute();
        std::map<std::string, std::size_t> columns;
        for (std::size_t c = 1; c <= statement.columnCount(); ++c) {
            columns[lowerCase(statement.columnName(c))] = c;
        }
        if (!columns.count("status")) {
            return Error{ErrorKind::Config, "", what + "it must return a column named status"};
        }
        if (!statement.fetch()) {
            return std::optional<connector::OrderState>();
        }
        auto text = [&](const std::string& name) -> std::optional<std::string> {
            const auto it = columns.find(name);
            if (it == columns.end()) {
                return std::nullopt;
            }
            auto value = statement.getText(it->second);
            if (value) {
                value = trim(*value);
            }
            return value && !value->empty() ? value : std::nullopt;
        };
        connector::OrderState state;
        state.status = lowerCase(text("status").value_or(""));
        state.tracking_number = text("tracking_number");
        state.invoice_number = text("invoice_number");
        static const std::set<std::string> known = {"open", "confirmed", "shipped", "invoiced", "cancelled"};
        if (!known.count(state.status)) {
            return Error{ErrorKind::Data, "",
                         what + "status '" + state.status +
                             "' is not one of open, confirmed, shipped, invoiced, cancelled (map the ERP's codes in "
                             "the query)"};
        }
        return std::optional<connector::OrderState>(std::move(state));
    } catch (const OdbcError& error) {
        session_.reset();
        Error out = toError(error);
        out.message = what + out.message;
        return out;
    } catch (const std::exception& error) {
        return Error{ErrorKind::Fatal, "", what + error.what()};
    }
}

Result<std::string> OrderExport::push(const model::Order& order, const std::string& key) {
    if (config_error_) {
        return *config_error_;
    }
    const std::string who = "order '" + key + "': ";
    OrderValues values;
    try {
        values = orderValues(order, key, std::chrono::system_clock::now());
    } catch (const std::exception& error) {
        return Error{ErrorKind::Data, "", who + error.what()};
    }

    bool open_transaction = false;
    std::string where = "connecting";
    const auto failed = [&](Error error) -> Error {
        if (open_transaction) {
            rollbackQuietly(session_->connection);
        }
        session_.reset();  // the next call logs in again: no doubt about the connection's state
        error.message =
            who + error.message + (open_transaction ? "; rolled back, nothing of the order was written" : "");
        return error;
    };
    std::optional<std::string> document;
    try {
        Session& kept = session();
        setAutocommit(kept.connection, false);
        open_transaction = true;

        NamedValues known = values.order;
        for (std::size_t i = 0; i < header_.size(); ++i) {
            where = "header " + std::to_string(i + 1);
            Statement& statement = prepared(kept.header[i], header_[i].sql);
            bindParameters(statement, header_[i], known, nullptr, where);
            statement.execute();
            readFirstRow(statement, where, known);
        }
        if (!document_number_.empty()) {
            where = "document_number";
            const auto it = known.find(document_number_);
            if (it == known.end()) {
                throw Failure{ErrorKind::Config, "[erp.orders] document_number '" + document_number_ +
                                                     "' is not a value the header statements provide"};
            }
            if (!it->second || trim(*it->second).empty()) {
                throw Failure{ErrorKind::Config,
                              "[erp.orders] document_number '" + document_number_ + "' is NULL or empty"};
            }
            document = trim(*it->second);
        }

        where = "line";
        Statement& lines = prepared(kept.line, line_.sql);
        for (std::size_t k = 0; k < order.lines.size(); ++k) {
            where = "line " + std::to_string(order.lines[k].line_no) + " (sku '" + order.lines[k].sku + "')";
            bindParameters(lines, line_, known, &values.lines[k], where);
            lines.execute();
            if (lines.columnCount() > 0) {
                lines.closeCursor();  // a line statement with a result set: nothing of it is read
            } else if (lines.affectedRows() == 0) {
                throw Failure{ErrorKind::Data, where + ": the line statement changed no row"};
            }
        }
    } catch (const Failure& failure) {
        return failed(Error{failure.kind, "", failure.message});
    } catch (const OdbcError& error) {
        Error out = toError(error);
        out.message = where + ": " + out.message;
        return failed(std::move(out));
    } catch (const std::exception& error) {
        return failed(Error{ErrorKind::Fatal, "", where + ": " + error.what()});
    }

    try {
        commit(session_->connection);
    } catch (const OdbcError& error) {
        session_.reset();
        return Error{ErrorKind::Transient, error.sqlState(),
                     who +
                         "the COMMIT failed, so whether the ERP kept the order is unknown; reconcile with findOrder "
                         "before pushing it again: " +
                         error.what()};
    }
    try {
        setAutocommit(session_->connection, true);  // the connection is kept for the next call
    } catch (const OdbcError&) {
        session_.reset();
    }
    if (document) {
        return *document;
    }
    try {
        auto found = findDocument(prepared(session().find, find_.sql), find_, key);
        if (!found) {
            return Error{ErrorKind::Config, "",
                         who +
                             "committed, but [erp.orders] find_query does not find it: it must select the order "
                             "whose reference the header statements write from :order_id"};
        }
        return *found;
    } catch (const Failure& failure) {
        return Error{failure.kind, "", who + "committed; " + failure.message};
    } catch (const OdbcError& error) {
        session_.reset();
        Error out = toError(error);
        out.message = who + "committed; reading its document number with find_query failed: " + out.message;
        return out;
    } catch (const std::exception& error) {
        session_.reset();
        return Error{ErrorKind::Fatal, "", who + "committed; reading its document number failed: " + error.what()};
    }
}

}  // namespace syncline::odbc
