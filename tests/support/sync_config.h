#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "tests/support/demo_erp.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"
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

/// A demo ERP in SQLite whose customers, catalog and prices `syncline run` pulled into an SQLite webstore: what the
/// pricing tests price on. Throws std::runtime_error naming the job when a pull fails (rejects are fine).
struct PulledPrices {
    PulledPrices(const std::string& name, const DemoErpOptions& options);

    /// Runs `syncline -c config ARGS` with the ERP's environment.
    ProcessResult syncline(std::vector<std::string> args) const;
    /// Where the webstore is, for opening it in the test process.
    store::ConnectionSettings webstoreSettings() const;

    TempDir dir;
    DemoErp erp;
    TestWebstore webstore;
    std::string config;
};

}  // namespace syncline::testing
