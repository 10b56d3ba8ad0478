// init, migrate, check-config, version: the commands that set up and check an installation.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/build_info.h"
#include "app/commands.h"
#include "app/config_lookup.h"
#include "app/exit_codes.h"
#include "app/logging.h"
#include "app/tls_context.h"
#include "app/version.h"
#include "engine/connector/registry.h"
#include "engine/store/deferred_indexes.h"
#include "engine/store/migrator.h"
#include "engine/store/transaction.h"

namespace syncline::app {

namespace fs = std::filesystem;

config::Config loadConfig(const GlobalOptions& options) {
    const std::string path = configPathOf(options.config_path);
    auto config = options.config_text ? config::loadText(path, *options.config_text) : config::load(path);
    setupLogging(options.log_format.empty() ? config.log.format : options.log_format,
                 options.log_level.empty() ? config.log.level : options.log_level);
    return config;
}

std::unique_ptr<store::Webstore> openWebstore(const config::Config& config) {
    auto webstore = store::Webstore::open(config.webstore);
    store::Migrator migrator(*webstore);
    for (const auto& m : migrator.migrate()) {
        spdlog::info("webstore {}: applied migration {} ({})", webstore->description(), m.version, m.name);
    }
    webstore->setAuditKey(config.audit.hmac_key.reveal());
    return webstore;
}

int commandInit(const GlobalOptions& options, const InitOptions& init) {
    // Where the lookup looks first: -c, $SYNCLINE_CONFIG, else ./syncline.toml (never /etc/syncline: the package's).
    const char* env = std::getenv("SYNCLINE_CONFIG");
    const fs::path config_path = fs::absolute(!options.config_path.empty()     ? options.config_path
                                              : env != nullptr && *env != '\0' ? std::string(env)
                                                                               : defaultConfigCandidates().front())
                                     .lexically_normal();
    if (fs::exists(config_path) && !init.force) {
        std::cerr << "syncline init: " << config_path.string()
                  << " already exists; use --force to overwrite it, or check it with 'syncline check-config'\n";
        return kExitUsage;
    }
    fs::create_directories(config_path.parent_path());
    {
        std::ofstream out(config_path);
        out << config::starterConfig(init.webstore_path);
        if (!out) {
            std::cerr << "syncline init: cannot write " << config_path.string() << "\n";
            return kExitUnavailable;
        }
    }
    GlobalOptions written = options;
    written.config_path = config_path.string();
    const auto config = loadConfig(written);
    fs::create_directories(fs::path(config.webstore.sqlite_path).parent_path());
    auto webstore = openWebstore(config);
    const int version = store::Migrator(*webstore).currentVersion();
    if (options.json) {
        std::cout << nlohmann::json{{"config", config.path},
                                    {"webstore", webstore->description()},
                                    {"schema_version", version}}
                         .dump(2)
                  << "\n";
    } else {
        std::cout << "wrote " << config.path << "\ncreated webstore " << webstore->description() << " (schema version "
                  << version << ")\nnext: add your ERP under [erp], then run 'syncline "
                  << "check-config " << config.path << "'\n";
    }
    return kExitOk;
}

int commandMigrate(const GlobalOptions& options, bool dry_run) {
    const auto config = loadConfig(options);
    auto webstore = store::Webstore::open(config.webstore);
    store::Migrator migrator(*webstore);
    const int before = migrator.currentVersion();
    const auto todo = dry_run ? migrator.pending() : migrator.migrate();
    if (!dry_run) {
        // Secondary indexes a killed first load left dropped (a later run of that job restores them too).
        store::Transaction tx(*webstore);
        const int restored = store::restoreIndexes(*webstore);
        tx.commit();
        if (restored > 0 && !options.json) {
            std::cout << "rebuilt " << restored << " index(es) a first load left deferred\n";
        }
    }
    if (options.json) {
        auto applied = nlohmann::json::array();
        for (const auto& m : todo) {
            applied.push_back({{"version", m.version}, {"name", m.name}});
        }
        std::cout << nlohmann::json{{"webstore", webstore->description()},
                                    {"from_version", before},
                                    {"to_version", dry_run ? before : migrator.currentVersion()},
                                    {"latest_version", migrator.latestVersion()},
                                    {dry_run ? "pending" : "applied", applied}}
                         .dump(2)
                  << "\n";
        return kExitOk;
    }
    std::cout << "webstore " << webstore->description() << ": schema version " << before << "\n";
    for (const auto& m : todo) {
        std::cout << (dry_run ? "  pending " : "  applied ") << fmt::format("{:04d}_{}", m.version, m.name) << "\n";
    }
    if (todo.empty()) {
        std::cout << "up to date (latest version " << migrator.latestVersion() << ")\n";
    } else if (!dry_run) {
        std::cout << "now at schema version " << migrator.currentVersion() << "\n";
    }
    return kExitOk;
}

namespace {

// "odbc DSN MyErp: products, stock; orders pushed" for check-config.
std::string describeErp(const config::ErpConfig& erp) {
    const auto factory = connector::findConnector(erp.connector);
    const std::string target = factory ? factory->target(erp.settings) : "";
    std::string streams;
    for (const auto& stream : erp.features.streams) {
        streams += (streams.empty() ? "" : ", ") + stream;
    }
    return erp.connector + (target.empty() ? " connector" : " " + target) + ": " +
           (streams.empty() ? "no streams" : streams) + (erp.features.push_orders ? "; orders pushed" : "") +
           (erp.features.live_price ? "; live prices" : "");
}

// What config::load cannot see without OpenSSL: that the certificate parses and the key belongs to it.
void checkTlsMaterial(const config::Config& config) {
    if (!config.api.tls.enabled()) {
        return;
    }
    try {
        TlsServerContext context(config.api.tls);
    } catch (const TlsMaterialError& e) {
        throw config::ConfigError({config::ConfigIssue{config.path, 0, 0, e.key(), e.what()}});
    }
}

}  // namespace

int commandCheckConfig(const GlobalOptions& options, const std::string& file, bool print) {
    GlobalOptions checked = options;
    if (!file.empty()) {
        checked.config_path = file;
    }
    try {
        checked.config_path = configPathOf(checked.config_path);
        const auto config = config::load(checked.config_path);
        checkTlsMaterial(config);
        if (options.json) {
            nlohmann::json out = {{"ok", true}, {"file", config.path}, {"issues", nlohmann::json::array()}};
            nlohmann::json overrides = nlohmann::json::object();
            for (const auto& [key, variable] : config.overrides) {
                overrides[key] = variable;
            }
            out["overrides"] = overrides;
            if (print) {
                out["effective"] = config.effective;
            }
            std::cout << out.dump(2) << "\n";
        } else if (print) {
            std::cout << config.effective;
        } else {
            std::cout << config.path << ": OK (webstore " << config.webstore.describe() << ", ERP "
                      << (!config.erp.configured() ? std::string("not configured") : describeErp(config.erp)) << ")\n";
        }
        return kExitOk;
    } catch (const config::ConfigError& e) {
        if (options.json) {
            auto issues = nlohmann::json::array();
            for (const auto& i : e.issues()) {
                issues.push_back(
                    {{"file", i.file},
                     {"line", i.line},
                     {"column", i.column},
                     {"key", i.key},
                     {"message", i.message},
                     {"variable", i.variable.empty() ? nlohmann::json(nullptr) : nlohmann::json(i.variable)}});
            }
            std::cout << nlohmann::json{{"ok", false}, {"file", checked.config_path}, {"issues", issues}}.dump(2)
                      << "\n";
        }
        for (const auto& i : e.issues()) {
            std::cerr << i.format() << "\n";
        }
        std::cerr << e.issues().size() << (e.issues().size() == 1 ? " problem" : " problems") << " found\n";
        return kExitConfig;
    }
}

int commandVersion(const GlobalOptions& options) {
    const int schema = store::embeddedLatestVersion();
    if (options.json) {
        std::cout << nlohmann::json{{"version", kVersion},
                                    {"commit", gitCommit()},
                                    {"schema_version", schema},
                                    {"build", kBuildType}}
                         .dump(2)
                  << "\n";
    } else {
        std::cout << versionLine() << "\n";
    }
    return kExitOk;
}

}  // namespace syncline::app
