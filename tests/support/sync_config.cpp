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

}  // namespace syncline::testing
