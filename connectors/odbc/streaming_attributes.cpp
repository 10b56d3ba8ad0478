#include "connectors/odbc/streaming_attributes.h"

#include <odbcinst.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

namespace syncline::odbc {

namespace {

struct Setting {
    std::vector<std::string_view> names;  // the first is the one written
    std::string value;
};

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && isSpace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && isSpace(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::string lowerCase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return lowerCase(a) == lowerCase(b);
}

std::optional<std::string> attribute(const std::vector<ConnectionAttribute>& attributes, std::string_view key) {
    for (const auto& a : attributes) {
        if (equalsIgnoreCase(a.key, key)) {
            return a.value;
        }
    }
    return std::nullopt;
}

}  // namespace

std::vector<ConnectionAttribute> parseConnectionAttributes(std::string_view text) {
    std::vector<ConnectionAttribute> attributes;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t equals = text.find('=', pos);
        const std::size_t semicolon = text.find(';', pos);
        if (equals == std::string_view::npos || (semicolon != std::string_view::npos && semicolon < equals)) {
            if (semicolon == std::string_view::npos) {
                break;
            }
            pos = semicolon + 1;  // a piece without '=': skipped, as driver managers do
            continue;
        }
        ConnectionAttribute attribute{std::string(trim(text.substr(pos, equals - pos))), {}};
        std::size_t i = equals + 1;
        while (i < text.size() && isSpace(text[i])) {
            ++i;
        }
        if (i < text.size() && text[i] == '{') {
            for (++i; i < text.size(); ++i) {
                if (text[i] == '}') {
                    if (i + 1 < text.size() && text[i + 1] == '}') {
                        attribute.value += '}';
                        ++i;
                        continue;
                    }
                    ++i;
                    break;
                }
                attribute.value += text[i];
            }
            const std::size_t next = text.find(';', i);
            pos = next == std::string_view::npos ? text.size() : next + 1;
        } else {
            const std::size_t end = text.find(';', i);
            attribute.value =
                std::string(trim(text.substr(i, (end == std::string_view::npos ? text.size() : end) - i)));
            pos = end == std::string_view::npos ? text.size() : end + 1;
        }
        if (!attribute.key.empty()) {
            attributes.push_back(std::move(attribute));
        }
    }
    return attributes;
}

// A value from odbc.ini (user, then system) or odbcinst.ini; empty when missing.
std::string profileValue(const std::string& section, const char* key, const char* file) {
    if (section.empty()) {
        return {};
    }
    std::array<char, 1024> buffer{};
    const int length =
        SQLGetPrivateProfileString(section.c_str(), key, "", buffer.data(), static_cast<int>(buffer.size()), file);
    return length > 0
               ? std::string(buffer.data(), std::min<std::size_t>(static_cast<std::size_t>(length), buffer.size() - 1))
               : std::string();
}

DriverFamily driverFamily(std::string_view connection_string) {
    const auto attributes = parseConnectionAttributes(connection_string);
    std::string driver = attribute(attributes, "Driver").value_or("");
    if (driver.empty()) {
        driver = profileValue(attribute(attributes, "DSN").value_or(""), "Driver", "odbc.ini");
    }
    // A driver name ("PostgreSQL Unicode") leads to its library in odbcinst.ini; a path is the library itself.
    const std::string described = lowerCase(driver + " " + profileValue(driver, "Driver", "odbcinst.ini"));
    if (described.find("psqlodbc") != std::string::npos || described.find("postgres") != std::string::npos) {
        return DriverFamily::PsqlOdbc;
    }
    if (described.find("sqlite") != std::string::npos) {
        return DriverFamily::SqliteOdbc;
    }
    return DriverFamily::Other;
}

namespace {

// Whether `names` (a setting and its aliases) is in the connection string or in the section of its DSN.
bool setByUser(const std::vector<ConnectionAttribute>& attributes, const std::string& dsn,
               const std::vector<std::string_view>& names) {
    return std::any_of(names.begin(), names.end(), [&](std::string_view name) {
        return attribute(attributes, name) || !profileValue(dsn, std::string(name).c_str(), "odbc.ini").empty();
    });
}

std::string appended(std::string_view connection_string, const std::string& attribute_text) {
    std::string out(trim(connection_string));
    if (!out.empty() && out.back() != ';') {
        out += ';';
    }
    return out + attribute_text + ";";
}

}  // namespace

std::string withStreamingAttributes(std::string_view connection_string, std::size_t fetch_rows) {
    std::vector<Setting> settings;
    switch (driverFamily(connection_string)) {
        case DriverFamily::PsqlOdbc:
            settings = {{{"UseDeclareFetch", "B6"}, "1"},
                        {{"Fetch", "A7"}, std::to_string(std::max<std::size_t>(fetch_rows, 1))}};
            break;
        case DriverFamily::SqliteOdbc:
            settings = {{{"StepAPI"}, "1"}};
            break;
        case DriverFamily::Other:
            return std::string(connection_string);
    }
    const auto attributes = parseConnectionAttributes(connection_string);
    const std::string dsn = attribute(attributes, "DSN").value_or("");
    std::string out(trim(connection_string));
    for (const Setting& setting : settings) {
        if (!setByUser(attributes, dsn, setting.names)) {
            out = appended(out, std::string(setting.names.front()) + "=" + setting.value);
        }
    }
    return out;
}

std::string withLinkAttributes(std::string_view connection_string, const LinkSettings& settings) {
    if (driverFamily(connection_string) != DriverFamily::PsqlOdbc) {
        return std::string(connection_string);
    }
    const auto attributes = parseConnectionAttributes(connection_string);
    const std::string dsn = attribute(attributes, "DSN").value_or("");
    if (setByUser(attributes, dsn, {"pqopt", "D5"})) {
        return std::string(connection_string);
    }
    // libpq conninfo inside braces: keyword=value pairs separated by spaces.
    std::string options;
    if (!setByUser(attributes, dsn, {"KeepaliveTime", "D1"})) {
        options += "keepalives_idle=" + std::to_string(settings.keepalive_idle.count()) + " ";
    }
    if (!setByUser(attributes, dsn, {"KeepaliveInterval", "D2"})) {
        options += "keepalives_interval=" + std::to_string(settings.keepalive_interval.count()) + " ";
    }
    options += "keepalives_count=" + std::to_string(settings.keepalive_count) +
               " tcp_user_timeout=" + std::to_string(std::chrono::milliseconds(settings.user_timeout).count());
    return appended(connection_string, "pqopt={" + options + "}");
}

}  // namespace syncline::odbc
