#include "connectors/odbc/live_price.h"

#include <set>
#include <stdexcept>

#include "connectors/odbc/statement.h"

namespace syncline::odbc {

namespace {

const std::set<std::string>& parameterNames() {
    static const std::set<std::string> names = {"customer", "sku", "quantity", "currency", "date"};
    return names;
}

std::string valueOf(const LivePriceQuestion& q, const std::string& name) {
    if (name == "customer") {
        return q.customer;
    }
    if (name == "sku") {
        return q.sku;
    }
    if (name == "quantity") {
        return q.quantity;
    }
    if (name == "currency") {
        return q.currency;
    }
    return q.date;
}

std::string trimmed(std::string s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    const auto last = s.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

}  // namespace

LivePriceQuery::LivePriceQuery(std::string connection_string, std::chrono::seconds login_timeout,
                               const std::string& query)
    : connection_string_(std::move(connection_string)), login_timeout_(login_timeout) {
    if (trimmed(query).empty()) {
        throw std::invalid_argument("[pricing.live] query is empty");
    }
    try {
        query_ = parseNamedParameters(query);
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("[pricing.live] query: ") + e.what());
    }
    for (const auto& name : query_.parameters) {
        if (!parameterNames().count(name)) {
            throw std::invalid_argument("[pricing.live] query: unknown parameter :" + name +
                                        " (it can use :customer, :sku, :quantity, :currency and :date)");
        }
    }
}

std::optional<LivePriceAnswer> LivePriceQuery::ask(const LivePriceQuestion& question) {
    std::unique_ptr<Connection> connection;
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            connection = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    if (!connection) {
        connection = std::make_unique<Connection>(connection_string_, login_timeout_);
    }
    std::optional<LivePriceAnswer> answer;
    {
        Statement statement(*connection);
        for (std::size_t i = 0; i < query_.parameters.size(); ++i) {
            statement.bindText(i + 1, valueOf(question, query_.parameters[i]));
        }
        statement.execute(query_.sql);  // an error throws, and the connection is closed with it
        if (statement.columnCount() > 0 && statement.fetch()) {
            auto price = statement.getText(1);
            if (price) {
                answer = LivePriceAnswer{trimmed(*price), std::nullopt};
                if (statement.columnCount() > 1) {
                    if (auto currency = statement.getText(2)) {
                        answer->currency = trimmed(*currency);
                    }
                }
            }
        }
        statement.closeCursor();
    }
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
    return answer;
}

}  // namespace syncline::odbc
