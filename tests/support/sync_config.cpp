#include "tests/support/sync_config.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace syncline::testing {

std::string demoStreamSections() {
    const std::string path = std::string(SYNCLINE_SOURCE_DIR) + "/config/demo.toml";
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::stringstream text;
    text << in.rdbuf();
    const std::string all = text.str();
    const auto start = all.find("\n[erp.streams.");
    if (start == std::string::npos) {
        throw std::runtime_error(path + " has no [erp.streams.*] section");
    }
    return all.substr(start + 1);
}

std::string writeSyncConfig(const std::filesystem::path& file, const DemoErp& erp, const TestWebstore& webstore,
                            const std::map<std::string, int>& batch_size) {
    std::string streams = demoStreamSections();
    for (const auto& [stream, size] : batch_size) {
        const std::string header = "[erp.streams." + stream + "]\n";
        const auto at = streams.find(header);
        if (at == std::string::npos) {
            throw std::invalid_argument("config/demo.toml has no " + header);
        }
        streams.insert(at + header.size(), "batch_size = " + std::to_string(size) + "\n");
    }
    std::ofstream out(file);
    out << "[engine]\nnode_name = \"test\"\n\n"
        << webstore.configSection() << "\n"
        << erp.configSection() << "\n"
        << streams;
    if (!out) {
        throw std::runtime_error("cannot write " + file.string());
    }
    return file.string();
}

PulledPrices::PulledPrices(const std::string& name, const DemoErpOptions& options)
    : dir(name),
      erp(store::Backend::SQLite, dir.path(), options),
      webstore(store::Backend::SQLite, dir.path(), "webstore"),
      config(writeSyncConfig(dir.path() / "syncline.toml", erp, webstore)) {
    for (const char* job : {"customers", "catalog", "prices"}) {
        const auto r = syncline({"run", job});
        if (r.exit_code != 0 && r.exit_code != 65) {  // 65: completed with rejects
            throw std::runtime_error(std::string("syncline run ") + job + ": " + r.err);
        }
    }
}

ProcessResult PulledPrices::syncline(std::vector<std::string> args) const {
    args.insert(args.begin(), {synclineBinary(), "-c", config});
    return runProcess(args, erp.environment());
}

store::ConnectionSettings PulledPrices::webstoreSettings() const {
    store::ConnectionSettings settings;
    settings.sqlite_path = (dir.path() / "webstore.db").string();
    return settings;
}

}  // namespace syncline::testing
