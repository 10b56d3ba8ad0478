#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/test_webstore.h"

namespace syncline::testing {

/// Debian's python3 (with python3-thrift), which runs the Python connectors.
std::string python3();

/// argv of the Python template connector (connectors/examples/python/catalog_connector.py) with the generated
/// Python code of connector.thrift from the build tree.
std::vector<std::string> pythonCatalogCommand();

/// argv of tests/support/faulty_connector.py: the template with `faults` ("--pause-after-batches", "3", ...).
std::vector<std::string> faultyCatalogCommand(const std::vector<std::string>& faults);

/// argv of the built syncline-connector-host.
std::vector<std::string> connectorHostCommand();

/// The folder the build puts the connector plug-ins in (syncline_file_drop.so).
std::string pluginDir();

/// argv of the built syncline-connector-host serving the plug-ins of pluginDir() too.
std::vector<std::string> pluginHostCommand();

/// `argv` as a TOML array of strings.
std::string tomlArray(const std::vector<std::string>& argv);

/// A catalog of CSV files for the template connector in `folder`: `products` products (P00000...), a stock level
/// and a list price rule per product, and 20 customers. erp_modified spreads over November 2026.
void writeCsvCatalog(const std::filesystem::path& folder, int products);

/// The file-drop connector's [erp] keys and [erp.streams.*] tables for the catalog writeCsvCatalog wrote in `folder`:
/// each stream's one file, its columns mapped by name, erp_modified its cursor field, `batch_size` rows a batch.
/// Without [erp] and erp.connector, so the same lines serve in process and under [erp.settings] (underSettings).
std::string fileDropCatalogSettings(const std::filesystem::path& folder, int batch_size);

/// Replaces `file` the way the file-drop connector's writers must: the new text under a .tmp name, then renamed.
void replaceFile(const std::filesystem::path& file, const std::string& text);

/// A syncline config in `file` that pulls into `webstore` through the thrift connector kind: `erp_lines` are the
/// thrift kind's own [erp] keys (command = [...], max_frame_bytes = ...), `settings_lines` go under [erp.settings].
/// Returns the file's path.
std::string writeThriftConfig(const std::filesystem::path& file, const TestWebstore& webstore,
                              const std::string& erp_lines, const std::string& settings_lines);

/// `toml` with its "[erp.x" table headers moved to "[erp.settings.x" (a connector's tables under the thrift kind's).
std::string underSettings(const std::string& toml);

/// The [erp] section of DemoErp::configSection() for the ODBC connector behind syncline-connector-host: the thrift
/// kind's keys (command, remote_kind, the password's password_env) and the ODBC keys under [erp.settings].
std::string hostedOdbcSection(const DemoErp& erp, const std::string& erp_lines = "");

/// The config writeSyncConfig makes for `erp`, with the ODBC connector behind syncline-connector-host: its [erp]
/// keys and [erp.*] tables moved under [erp.settings], the password (erp.password_env) handed over by the thrift
/// kind. Returns the file's path.
std::string writeHostedOdbcConfig(const std::filesystem::path& file, const DemoErp& erp, const TestWebstore& webstore,
                                  const std::string& erp_lines = "");

/// Runs `syncline -c config ARGS` with `env` added.
ProcessResult runSyncline(const std::string& config, const std::vector<std::string>& args,
                          const std::vector<std::string>& env = {});

}  // namespace syncline::testing
