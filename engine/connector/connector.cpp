#include "engine/connector/connector.h"

namespace syncline::connector {

std::vector<StreamCheck> Connector::checkStreams() {
    std::vector<StreamCheck> out;
    for (const auto& stream : streams()) {
        StreamCheck check{stream, std::nullopt, ""};
        auto session = open(stream, OpenRequest{});
        if (!session) {
            check.error = session.error();
        } else {
            RecordBatch batch;
            auto read = session.value()->next(batch);
            if (!read) {
                check.error = read.error();
            } else {
                check.detail = std::to_string(session.value()->fields().size()) + " fields mapped";
            }
        }
        out.push_back(std::move(check));
    }
    return out;
}

Result<Discovery> Connector::discover(const DiscoverRequest&) {
    return Error{ErrorKind::Config, "not-supported", "the " + kind() + " connector cannot list its source's tables"};
}

Result<std::shared_ptr<LivePriceSource>> Connector::livePrices() {
    return std::shared_ptr<LivePriceSource>();
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
