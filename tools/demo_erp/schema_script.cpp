#include "schema_script.h"

#include <fstream>
#include <sstream>

#include "demo_erp_error.h"

namespace syncline::demo_erp {

SchemaScript SchemaScript::load(const std::filesystem::path& dir, std::string_view dialect) {
    static constexpr std::string_view kMarker = "\n-- syncline-demo-erp: rows are loaded here\n";
    const std::filesystem::path file = dir / (std::string(dialect) + ".sql");
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw DemoErpError(kExitConfig, "cannot read schema file " + file.string() + " (set --schema-dir)");
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::string sql = text.str();
    const size_t marker = sql.find(kMarker);
    if (marker == std::string::npos) {
        throw DemoErpError(kExitConfig, "schema file " + file.string() + " has no line '" +
                                            std::string(kMarker.substr(1, kMarker.size() - 2)) + "'");
    }
    return SchemaScript{sql.substr(0, marker + 1), sql.substr(marker + kMarker.size())};
}

}  // namespace syncline::demo_erp
