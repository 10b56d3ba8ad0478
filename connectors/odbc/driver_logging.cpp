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

// psqlODBC reads these flags with atoi: on when the value starts with a digit other than 0 (after blanks).
bool isOn(const std::string& value) {
    const auto first = value.find_first_not_of(" \t");
    return first != std::string::npos && value[first] >= '1' && value[first] <= '9';
}

struct LogSetting {
    const char* name;
    const char* alias;  ///< psqlODBC's short connection-string name
};
constexpr LogSetting kDebug{"Debug", "B2"};
constexpr LogSetting kCommLog{"CommLog", "B3"};

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
    for (const auto& setting : {kDebug, kCommLog}) {
        for (const char* key : {setting.name, setting.alias}) {
            if (const auto v = value(key); v && isOn(*v)) {
                return "psqlODBC's " + std::string(setting.name) +
                       " is on in the connection string: the driver would log the connection, its password "
                       "included, to a file in /tmp that others can read. Remove it";
            }
        }
    }
    std::string driver = value("Driver").value_or("");
    if (driver.empty()) {
        driver = profileValue(value("DSN").value_or(""), "Driver", "odbc.ini");
    }
    std::vector<std::string> sections = {"PostgreSQL Unicode", "PostgreSQL ANSI"};
    if (!driver.empty() && driver.find('/') == std::string::npos) {
        sections.push_back(driver);
    }
    for (const auto& section : sections) {
        for (const char* key : {kDebug.name, kDebug.alias}) {
            if (isOn(profileValue(section, key, "odbcinst.ini"))) {
                return "psqlODBC's Debug is on in odbcinst.ini [" + section +
                       "]: the driver would write every connection string, the password included, to a file in "
                       "/tmp that others can read, before any setting of the connection could stop it. Set Debug = 0 "
                       "there (erp.odbc_ini_dir can point to an odbcinst.ini of Syncline's own)";
            }
        }
    }
    return std::nullopt;
}

std::string withDriverLoggingOff(std::string_view connection_string) {
    std::string out(connection_string);
    if (driverFamily(connection_string) != DriverFamily::PsqlOdbc) {
        return out;
    }
    if (!out.empty() && out.back() != ';') {
        out += ';';
    }
    return out + "Debug=0;CommLog=0;";
}

}  // namespace syncline::odbc
