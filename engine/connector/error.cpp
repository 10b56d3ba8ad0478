#include "engine/connector/error.h"

#include "engine/connector/connector.h"

namespace syncline::connector {

std::string_view toString(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Transient:
            return "transient";
        case ErrorKind::Config:
            return "config";
        case ErrorKind::Data:
            return "data";
        case ErrorKind::Fatal:
            return "fatal";
    }
    return "fatal";
}

std::string Error::describe() const {
    std::string out(toString(kind));
    out += " error";
    if (!code.empty()) {
        out += " [" + code + "]";
    }
    out += ": " + message;
    return out;
}

Result<std::optional<std::string>> Connector::findOrder(const std::string&) {
    return Error{ErrorKind::Config, "no-order-export", "the " + kind() + " connector has no order export configured"};
}

Result<std::optional<OrderState>> Connector::orderStatus(const std::string&) {
    return Error{ErrorKind::Config, "no-order-status", "the " + kind() + " connector has no order status configured"};
}

Result<std::string> Connector::pushOrder(const model::Order&, const std::string&) {
    return Error{ErrorKind::Config, "no-order-export", "the " + kind() + " connector has no order export configured"};
}

}  // namespace syncline::connector
