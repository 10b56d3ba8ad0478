#include "connectors/odbc/driver_logging.h"

#include <algorithm>
#include <cctype>
#include <vector>

#include "connectors/odbc/streaming_attributes.h"

namespace syncline::odbc {

namespace {

bool sameKey(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// psqlODBC reads a flag as on unless it is empty or starts with 0.
bool isOn(const std::string& value) {
    const auto first = value.find_first_not_of(" \t");
    return first != std::string::npos && value[first] != '0';
}

struct LogSetting {
    const char* name;
    const char* alias;  ///< psqlODBC's short connection-string name
};
constexpr LogSetting kLogSettings[] = {{"CommLog", "B3"}, {"Debug", "B2"}};

}  // namespace

std::optional<std::string> driverLoggingRisk(std::string_view connection_string) {
    if (driverFamily(connection_string) != DriverFamily::PsqlOdbc) {
        return std::nullopt;
    }
    const auto attributes = parseConnectionAttributes(connection_string);
    auto value = [&](std::string_view key) -> std::optional<std::string> {
        for (const auto& a : attributes) {
            if (sameKey(a.key, key)) {
                return a.value;
            }
        }
        return std::nullopt;
    };
    const std::string dsn = value("DSN").value_or("");
    std::string driver = value("Driver").value_or("");
    if (driver.empty()) {
        driver = profileValue(dsn, "Driver", "odbc.ini");
    }
    for (const auto& setting : kLogSettings) {
        std::string where;
        for (const char* key : {setting.name, setting.alias}) {
            if (const auto v = value(key); v && isOn(*v)) {
                where = "the connection string";
            } else if (isOn(profileValue(dsn, key, "odbc.ini"))) {
                where = "odbc.ini [" + dsn + "]";
            } else if (isOn(profileValue(driver, key, "odbcinst.ini"))) {
                where = "odbcinst.ini [" + driver + "]";
            }
            if (!where.empty()) {
                break;
            }
        }
        if (!where.empty()) {
            return "psqlODBC's " + std::string(setting.name) + " is on in " + where +
                   ": the driver would write every connection, its password included, to a log file in /tmp that "
                   "others can read. Set " +
                   setting.name +
                   " = 0 there (erp.odbc_ini_dir can point to odbc.ini/odbcinst.ini files of "
                   "Syncline's own)";
        }
    }
    return std::nullopt;
}

}  // namespace syncline::odbc
