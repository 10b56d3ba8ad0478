#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "tests/support/demo_erp.h"
#include "tests/support/test_webstore.h"

namespace syncline::testing {

/// The [erp.streams.*] and [sync] sections of config/demo.toml: everything from its first
/// `[erp.streams.` line to the end.
std::string demoStreamSections();

/// Writes a syncline config to `file` that pulls from `erp` into `webstore` with the demo's stream
/// queries and sync settings; `batch_size` sets erp.streams.<stream>.batch_size for the streams named.
/// Returns the file's path.
std::string writeSyncConfig(const std::filesystem::path& file, const DemoErp& erp, const TestWebstore& webstore,
                            const std::map<std::string, int>& batch_size = {});

}  // namespace syncline::testing
