#include "engine/connector/registry.h"

#include <map>
#include <mutex>
#include <stdexcept>

namespace syncline::connector {

namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<const ConnectorFactory>, std::less<>> factories;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

}  // namespace

void registerConnector(std::shared_ptr<const ConnectorFactory> factory) {
    if (!factory) {
        throw std::invalid_argument("registerConnector: no factory");
    }
    const std::string kind = factory->spec().kind;
    if (kind.empty()) {
        throw std::invalid_argument("registerConnector: a connector kind needs a name");
    }
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    if (!r.factories.emplace(kind, std::move(factory)).second) {
        throw std::invalid_argument("a connector of kind '" + kind + "' is registered already");
    }
}

std::shared_ptr<const ConnectorFactory> findConnector(std::string_view kind) {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    const auto it = r.factories.find(kind);
    return it == r.factories.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<const ConnectorFactory>> registeredConnectors() {
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    std::vector<std::shared_ptr<const ConnectorFactory>> out;
    for (const auto& [kind, factory] : r.factories) {
        out.push_back(factory);
    }
    return out;
}

std::string registeredKinds() {
    std::string out;
    for (const auto& factory : registeredConnectors()) {
        out += (out.empty() ? "" : ", ") + factory->spec().kind;
    }
    return out.empty() ? "none" : out;
}

}  // namespace syncline::connector
