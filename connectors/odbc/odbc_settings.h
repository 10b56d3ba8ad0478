#pragma once

#include <vector>

#include "connectors/odbc/odbc_connector.h"
#include "engine/connector/registry.h"

namespace syncline::odbc {

/// The ODBC connector's spec: its kind, capabilities and [erp] keys (dsn or connection_string, user, password,
/// odbc_ini_dir, [erp.streams.*] with their SQL, [erp.orders], [erp.live_price]).
const connector::ConnectorSpec& odbcSpec();

/// What is wrong with an [erp] section for the ODBC connector beyond its spec.
std::vector<connector::SettingIssue> checkOdbcSettings(const connector::Settings& settings);

/// The connector's configuration made from checked settings: the connection string with the credentials, the
/// streams with their queries, the order statements and the live price query. Throws std::invalid_argument with the
/// first issue checkOdbcSettings finds.
OdbcConnectorConfig odbcConfigOf(const connector::Settings& settings);

/// Registers the "odbc" kind (connectors/builtin.h calls it once per process).
void registerOdbcConnector();

}  // namespace syncline::odbc
