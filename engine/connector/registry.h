#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/connector/connector.h"
#include "engine/connector/settings.h"

namespace syncline::connector {

/// The version of the connector interface (connector.h, settings.h, this file). A plug-in built against another
/// version is refused when it loads. Raised on every change that breaks a compiled plug-in.
inline constexpr int kConnectorApiVersion = 1;

/// What a connector kind can do.
struct Capabilities {
    bool full = true;          ///< reads every row of a stream
    bool incremental = false;  ///< reads the rows changed since a cursor
    bool push_orders = false;  ///< findOrder and pushOrder
    bool order_status = false;
    bool live_price = false;
    bool discover = false;
};

/// A connector kind's self-description: `syncline connectors list` and `connectors spec` print it, and the engine
/// checks the [erp] section against `settings` before the factory sees it.
struct ConnectorSpec {
    std::string kind;                  ///< what erp.connector names: "odbc"
    std::string version;               ///< the connector's own version ("1.0.0")
    std::string summary;               ///< one line
    std::vector<std::string> streams;  ///< the streams it can serve
    Capabilities capabilities;
    /// Its keys of the [erp] section, paths relative to it. The engine's own [erp] keys (connector, plugin_dir,
    /// login_timeout_s, query_timeout_s) are not listed here.
    std::vector<SettingSpec> settings;
};

/// What one [erp] section configures a connector to do, known without connecting.
struct ConfiguredFeatures {
    std::vector<std::string> streams;  ///< the streams it reads, in pull order
    bool push_orders = false;
    bool order_status = false;
    bool live_price = false;
};

/// Makes connectors of one kind. Registered once per process; used from any thread (const, stateless).
class ConnectorFactory {
  public:
    virtual ~ConnectorFactory() = default;

    virtual const ConnectorSpec& spec() const = 0;

    /// What is wrong with `settings` beyond their spec (which the engine has checked already): a missing key that
    /// depends on another, a query without its cursor field, a default that does not fit its type. Empty: fine.
    /// Pure: connects to nothing.
    virtual std::vector<SettingIssue> check(const Settings& settings) const = 0;

    /// What `settings` (which passed check()) configure: which jobs can run, whether live prices can be asked. Pure.
    virtual ConfiguredFeatures features(const Settings& settings) const = 0;

    /// A connector for `settings`, which passed check(). Connects to nothing yet. Throws std::invalid_argument for
    /// settings check() would have refused.
    virtual std::unique_ptr<Connector> create(const Settings& settings) const = 0;
};

/// Adds a kind. Throws std::invalid_argument when its kind is already registered (two plug-ins of one name).
void registerConnector(std::shared_ptr<const ConnectorFactory> factory);

/// The factory of `kind`, or nullptr.
std::shared_ptr<const ConnectorFactory> findConnector(std::string_view kind);

/// Every registered kind, by name.
std::vector<std::shared_ptr<const ConnectorFactory>> registeredConnectors();

/// The registered kinds' names, comma-separated, for messages ("file_drop, odbc").
std::string registeredKinds();

}  // namespace syncline::connector
