// connectors test: can this engine reach the ERP, and what does it see there.
#include <chrono>
#include <cstdlib>
#include <iostream>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/output.h"
#include "connectors/odbc/catalog.h"
#include "connectors/odbc/connection.h"
#include "connectors/odbc/connection_string.h"
#include "connectors/odbc/odbc_error.h"

namespace syncline::app {

void useOdbcIniDir(const config::ErpConfig& erp) {
    if (erp.odbc_ini_dir.empty()) {
        return;
    }
    // unixODBC reads these once, at the first ODBC call of the process.
    ::setenv("ODBCSYSINI", erp.odbc_ini_dir.c_str(), 1);
    ::setenv("ODBCINI", (erp.odbc_ini_dir + "/odbc.ini").c_str(), 1);
}

namespace {

odbc::Connection connectErp(const config::ErpConfig& erp) {
    useOdbcIniDir(erp);
    const std::string target = erp.dsn.empty() ? erp.connection_string : erp.dsn;
    return odbc::Connection(odbc::buildConnectionString(target, erp.user, erp.password.reveal()),
                            std::chrono::seconds(erp.login_timeout_s));
}

}  // namespace

int commandConnectorsTest(const GlobalOptions& options, bool with_tables) {
    const auto config = loadConfig(options);
    if (config.erp.dsn.empty() && config.erp.connection_string.empty()) {
        std::cerr << "syncline connectors test: no [erp] section in " << config.path << "\n";
        return kExitConfig;
    }
    const std::string target = config.erp.dsn.empty() ? "connection string" : "DSN " + config.erp.dsn;
    try {
        const auto started = std::chrono::steady_clock::now();
        auto connection = connectErp(config.erp);
        const auto info = odbc::describe(connection);
        const auto connect_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
        spdlog::debug("ERP reachable over ODBC ({}): {} {} via {} {}", target, info.dbms_name, info.dbms_version,
                      info.driver_name, info.driver_version);
        Listing tables({"schema", "table", "rows"});
        if (with_tables) {
            for (const auto& table : odbc::listTables(connection)) {
                tables.add({table.schema.empty() ? nlohmann::json(nullptr) : nlohmann::json(table.schema), table.name,
                            odbc::countRows(connection, table)});
            }
        }
        if (options.json) {
            nlohmann::json out = {{"ok", true},
                                  {"target", target},
                                  {"dbms", info.dbms_name},
                                  {"dbms_version", info.dbms_version},
                                  {"driver", info.driver_name},
                                  {"driver_version", info.driver_version},
                                  {"connect_ms", connect_ms}};
            if (with_tables) {
                out["tables"] = tables.json();
            }
            std::cout << out.dump(2) << "\n";
        } else {
            std::cout << "ERP reachable over ODBC (" << target << "): " << info.dbms_name << " " << info.dbms_version
                      << ", driver " << info.driver_name << " " << info.driver_version << ", connected in "
                      << connect_ms << " ms\n";
            if (with_tables) {
                std::cout << "\n" << tables.text();
            }
        }
        return kExitOk;
    } catch (const odbc::OdbcError& e) {
        const auto error = odbc::toError(e);
        if (options.json) {
            std::cout << nlohmann::json{{"ok", false},
                                        {"target", target},
                                        {"error_kind", std::string(connector::toString(error.kind))},
                                        {"code", error.code},
                                        {"message", error.message}}
                             .dump(2)
                      << "\n";
        }
        std::cerr << "syncline connectors test: cannot use the ERP (" << target << "): " << error.describe() << "\n";
        return exitCodeFor(error.kind);
    }
}

}  // namespace syncline::app
