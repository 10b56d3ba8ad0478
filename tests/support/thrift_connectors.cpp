#include "tests/support/thrift_connectors.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tests/support/sync_config.h"

namespace syncline::testing {

namespace {

namespace fs = std::filesystem;

std::string source(const std::string& path) {
    return std::string(SYNCLINE_SOURCE_DIR) + "/" + path;
}

std::string generatedPython() {
    return std::string(SYNCLINE_BINARY_DIR) + "/schemas/thrift/gen-py";
}

void write(const fs::path& file, const std::string& text) {
    std::ofstream out(file);
    out << text;
    if (!out) {
        throw std::runtime_error("cannot write " + file.string());
    }
}

}  // namespace

std::string python3() {
    return "/usr/bin/python3";
}

std::vector<std::string> pythonCatalogCommand() {
    // -B: no __pycache__ written into the source tree by the tests.
    return {python3(), "-B", source("connectors/examples/python/catalog_connector.py"), "--gen-py", generatedPython()};
}

std::vector<std::string> faultyCatalogCommand(const std::vector<std::string>& faults) {
    std::vector<std::string> argv = {python3(),    source("tests/support/faulty_connector.py"),
                                     "--examples", source("connectors/examples/python"),
                                     "--gen-py",   generatedPython()};
    argv.insert(argv.end(), faults.begin(), faults.end());
    return argv;
}

std::vector<std::string> connectorHostCommand() {
    return {std::string(SYNCLINE_BINARY_DIR) + "/syncline-connector-host"};
}

std::string pluginDir() {
    return std::string(SYNCLINE_BINARY_DIR) + "/plugins";
}

std::vector<std::string> pluginHostCommand() {
    return {std::string(SYNCLINE_BINARY_DIR) + "/syncline-connector-host", "--plugin-dir", pluginDir()};
}

std::string tomlArray(const std::vector<std::string>& argv) {
    std::string out = "[";
    for (const auto& arg : argv) {
        std::string quoted;
        for (char c : arg) {
            if (c == '"' || c == '\\') {
                quoted += '\\';
            }
            quoted += c;
        }
        out += (out.size() > 1 ? ", \"" : "\"") + quoted + "\"";
    }
    return out + "]";
}

void writeCsvCatalog(const fs::path& folder, int products) {
    fs::create_directories(folder);
    std::ostringstream p, s, r, c;
    p << "sku,name,unit,list_price,currency,active,erp_modified\n";
    s << "sku,warehouse,quantity,erp_modified\n";
    r << "rule_id,sku,scope,scope_key,min_quantity,unit_price,currency,valid_from,erp_modified\n";
    for (int i = 0; i < products; ++i) {
        char sku[16];
        std::snprintf(sku, sizeof(sku), "P%05d", i);
        char stamp[32];
        std::snprintf(stamp, sizeof(stamp), "2026-11-%02d %02d:%02d:00", 1 + i % 27, i % 24, i % 60);
        // Decimals as text with the digits an ERP keeps ("12.500000" is 12.5; nothing passes through a float).
        p << sku << ",\"Product " << i << ", steel\",PCE," << i % 1000 << "." << (i % 10) << "0000"
          << ",EUR," << (i % 17 == 0 ? "0" : "1") << "," << stamp << "\n";
        s << sku << ",MAIN," << i % 50 << ".5," << stamp << "\n";
        r << "PL1-" << sku << "," << sku << ",price_list,PL1,0,0.0" << (100 + i % 900) << ",EUR,2026-01-01," << stamp
          << "\n";
    }
    c << "code,name,customer_group,price_list,currency,email,blocked,erp_modified\n";
    for (int i = 0; i < 20; ++i) {
        c << "C" << 100 + i << ",Customer " << i << ",G1,PL1,EUR,c" << i << "@example.com," << (i == 3 ? 1 : 0)
          << ",2026-11-02 08:00:00\n";
    }
    write(folder / "products.csv", p.str());
    write(folder / "stock.csv", s.str());
    write(folder / "price_rules.csv", r.str());
    write(folder / "customers.csv", c.str());
}

std::string fileDropCatalogSettings(const fs::path& folder, int batch_size) {
    // The columns of each file writeCsvCatalog writes (its header), all of them canonical field names.
    const std::vector<std::pair<std::string, std::vector<std::string>>> streams = {
        {"products", {"sku", "name", "unit", "list_price", "currency", "active", "erp_modified"}},
        {"stock", {"sku", "warehouse", "quantity", "erp_modified"}},
        {"customers", {"code", "name", "customer_group", "price_list", "currency", "email", "blocked", "erp_modified"}},
        {"price_rules",
         {"rule_id", "sku", "scope", "scope_key", "min_quantity", "unit_price", "currency", "valid_from",
          "erp_modified"}}};
    std::string out = "folder = \"" + folder.string() + "\"\n";
    for (const auto& [stream, columns] : streams) {
        out += "\n[erp.streams." + stream + "]\nfiles = \"" + stream + ".csv\"\ncursor_field = \"erp_modified\"\n" +
               "batch_size = " + std::to_string(batch_size) + "\n[erp.streams." + stream + ".fields]\n";
        for (const auto& column : columns) {
            out += column + " = \"" + column + "\"\n";
        }
    }
    return out;
}

void replaceFile(const fs::path& file, const std::string& text) {
    const fs::path tmp = file.string() + ".tmp";
    write(tmp, text);
    fs::rename(tmp, file);
}

std::string writeThriftConfig(const fs::path& file, const TestWebstore& webstore, const std::string& erp_lines,
                              const std::string& settings_lines) {
    write(file, "[engine]\nnode_name = \"test\"\n\n" + webstore.configSection() + "\n[erp]\nconnector = \"thrift\"\n" +
                    erp_lines + "\n[erp.settings]\n" + settings_lines + "\n");
    return file.string();
}

std::string underSettings(const std::string& toml) {
    std::istringstream in(toml);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("[erp.", 0) == 0) {
            line.insert(5, "settings.");
        }
        out += line + "\n";
    }
    return out;
}

std::string hostedOdbcSection(const DemoErp& erp, const std::string& erp_lines) {
    std::string thrift = "[erp]\nconnector = \"thrift\"\ncommand = " + tomlArray(connectorHostCommand()) +
                         "\nremote_kind = \"odbc\"\n" + erp_lines;
    std::string settings = "[erp.settings]\n";
    std::istringstream in(erp.configSection());
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("password_env", 0) == 0) {
            thrift += line + "\n";  // the thrift kind's secret, handed to the host in its calls
        } else if (line != "[erp]" && line.rfind("connector", 0) != 0 && !line.empty()) {
            settings += line + "\n";
        }
    }
    return thrift + "\n" + settings + "\n";
}

std::string writeHostedOdbcConfig(const fs::path& file, const DemoErp& erp, const TestWebstore& webstore,
                                  const std::string& erp_lines) {
    write(file, "[engine]\nnode_name = \"test\"\n\n" + webstore.configSection() + "\n" +
                    hostedOdbcSection(erp, erp_lines) + underSettings(demoStreamSections()));
    return file.string();
}

ProcessResult runSyncline(const std::string& config, const std::vector<std::string>& args,
                          const std::vector<std::string>& env) {
    std::vector<std::string> all = {synclineBinary(), "-c", config};
    all.insert(all.end(), args.begin(), args.end());
    return runProcess(all, env);
}

}  // namespace syncline::testing
