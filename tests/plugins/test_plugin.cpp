// Connector plug-ins for tests/plugins/plugin_loading_test.cpp: this file is compiled once per TEST_PLUGIN_* definition
// (tests/plugins/CMakeLists.txt). TEST_PLUGIN_GOOD is a valid plug-in of kind "test_kind" (it makes no connector);
// each other one is the same but for one flaw.
#include <memory>
#include <stdexcept>

#include "engine/connector/plugin.h"

namespace {

class TestFactory final : public syncline::connector::ConnectorFactory {
  public:
    const syncline::connector::ConnectorSpec& spec() const override {
        static const syncline::connector::ConnectorSpec spec{"test_kind",  "0.1.0", "a test plug-in",
                                                             {"products"}, {},      {}};
        return spec;
    }
    std::vector<syncline::connector::SettingIssue> check(const syncline::connector::Settings&) const override {
        return {};
    }
    syncline::connector::ConfiguredFeatures features(const syncline::connector::Settings&) const override { return {}; }
    std::unique_ptr<syncline::connector::Connector> create(const syncline::connector::Settings&) const override {
        return nullptr;
    }
};

std::shared_ptr<const syncline::connector::ConnectorFactory> makeFactory() {
#if defined(TEST_PLUGIN_THROWS)
    throw std::runtime_error("cannot read its licence file /etc/test_kind.lic");
#else
    return std::make_shared<TestFactory>();
#endif
}

}  // namespace

#if defined(TEST_PLUGIN_WRONG_API)
// What a plug-in built against the next connector API version would export.
extern "C" __attribute__((visibility("default"))) const syncline::connector::PluginEntry* syncline_connector_plugin() {
    static const syncline::connector::PluginEntry entry{syncline::connector::kConnectorApiVersion + 1,
                                                        syncline::connector::kPluginStdLibrary, makeFactory};
    return &entry;
}
#elif defined(TEST_PLUGIN_NO_ENTRY)
// A shared library, but no plug-in: no entry point.
extern "C" __attribute__((visibility("default"))) int test_plugin_something_else() {
    return makeFactory() != nullptr;
}
#elif defined(TEST_PLUGIN_UNDEFINED)
// Uses an engine function that this syncline does not have (as a plug-in built against other headers would).
namespace syncline::connector {
void notInThisSyncline();
}
std::shared_ptr<const syncline::connector::ConnectorFactory> makeFactoryNeedingMore() {
    syncline::connector::notInThisSyncline();
    return makeFactory();
}
SYNCLINE_CONNECTOR_PLUGIN(makeFactoryNeedingMore)
#else
SYNCLINE_CONNECTOR_PLUGIN(makeFactory)
#endif
