#pragma once

#include <vector>

#include "connectors/thrift/remote_service.h"
#include "engine/connector/registry.h"

namespace syncline::thrift_connector {

/// The thrift kind's spec: where the service is (command, address or socket), what it is told (remote_kind,
/// settings, password), and the limits of the conversation (max_frame_bytes, call_timeout_ms).
const connector::ConnectorSpec& thriftSpec();

/// What is wrong with the thrift kind's own keys, beyond its spec. Connects to nothing.
std::vector<connector::SettingIssue> checkEndpoint(const connector::Settings& settings);

/// The endpoint of checked settings. Throws std::invalid_argument with the first issue checkEndpoint finds.
Endpoint endpointOf(const connector::Settings& settings);

/// What the remote connector is configured with: erp.settings as JSON, the secrets, the timeouts.
api::Settings remoteSettingsOf(const connector::Settings& settings);

/// Registers the "thrift" kind (connectors/builtin.h calls it once per process).
void registerThriftConnector();

}  // namespace syncline::thrift_connector
