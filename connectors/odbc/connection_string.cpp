#include "connectors/odbc/connection_string.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>

namespace syncline::odbc {

namespace {

constexpr std::string_view kRedacted = "***";
constexpr std::array<std::string_view, 2> kPasswordKeys = {"pwd", "password"};

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}
bool isWordChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
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

// End (one past) of an attribute value starting at `begin`: after the closing brace of `{...}` (where `}}` stands
// for one `}`), else at the next `;` or the end of the text.
std::size_t valueEnd(std::string_view text, std::size_t begin) {
    if (begin < text.size() && text[begin] == '{') {
        for (std::size_t i = begin + 1; i < text.size(); ++i) {
            if (text[i] == '}') {
                if (i + 1 < text.size() && text[i + 1] == '}') {
                    ++i;
                    continue;
                }
                return i + 1;
            }
        }
        return text.size();
    }
    const std::size_t semicolon = text.find(';', begin);
    return semicolon == std::string_view::npos ? text.size() : semicolon;
}

std::string unquoteValue(std::string_view value) {
    value = trim(value);
    if (value.size() < 2 || value.front() != '{' || value.back() != '}') {
        return std::string(value);
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < value.size(); ++i) {
        out += value[i];
        if (value[i] == '}' && value[i + 1] == '}') {
            ++i;
        }
    }
    return out;
}

// If a password key starts at `pos` (as a whole word, followed by optional spaces and `=`), the offset of its value.
std::size_t passwordValueStart(std::string_view text, std::size_t pos) {
    if (pos > 0 && isWordChar(text[pos - 1])) {
        return std::string_view::npos;
    }
    for (std::string_view key : kPasswordKeys) {
        if (!equalsIgnoreCase(text.substr(pos, key.size()), key)) {
            continue;
        }
        std::size_t i = pos + key.size();
        while (i < text.size() && text[i] == ' ') {
            ++i;
        }
        if (i < text.size() && text[i] == '=') {
            ++i;
            while (i < text.size() && text[i] == ' ') {
                ++i;
            }
            return i;
        }
    }
    return std::string_view::npos;
}

void replaceAll(std::string& text, std::string_view needle, std::string_view replacement) {
    for (std::size_t pos = text.find(needle); pos != std::string::npos;
         pos = text.find(needle, pos + replacement.size())) {
        text.replace(pos, needle.size(), replacement);
    }
}

void checkKey(std::string_view key) {
    if (key.empty() || key.find_first_of("=;{}") != std::string_view::npos) {
        throw std::invalid_argument("invalid ODBC connection attribute name '" + std::string(key) + "'");
    }
}

}  // namespace

std::string quoteAttributeValue(std::string_view value) {
    if (value.find_first_of(";{}") == std::string_view::npos) {
        return std::string(value);
    }
    std::string out = "{";
    for (char c : value) {
        out += c;
        if (c == '}') {
            out += '}';
        }
    }
    out += '}';
    return out;
}

std::string buildConnectionString(std::string_view dsn_or_connection_string, std::string_view user,
                                  std::string_view password, const std::vector<ConnectionAttribute>& extra_attributes) {
    const std::string_view source = trim(dsn_or_connection_string);
    if (source.empty()) {
        throw std::invalid_argument("empty ODBC data source name or connection string");
    }
    std::string out;
    if (source.find('=') == std::string_view::npos) {
        out = "DSN=" + quoteAttributeValue(source) + ";";
    } else {
        out = source;
        if (out.back() != ';') {
            out += ';';
        }
    }
    for (const auto& attribute : extra_attributes) {
        checkKey(attribute.key);
        out += attribute.key + "=" + quoteAttributeValue(attribute.value) + ";";
    }
    if (!user.empty()) {
        out += "UID=" + quoteAttributeValue(user) + ";";
    }
    if (!password.empty()) {
        out += "PWD=" + quoteAttributeValue(password) + ";";
    }
    return out;
}

std::vector<std::string> connectionStringSecrets(std::string_view connection_string) {
    std::vector<std::string> secrets;
    std::size_t pos = 0;
    while (pos < connection_string.size()) {
        const std::size_t equals = connection_string.find('=', pos);
        if (equals == std::string_view::npos) {
            break;
        }
        const std::string_view key = trim(connection_string.substr(pos, equals - pos));
        std::size_t value_begin = equals + 1;
        while (value_begin < connection_string.size() && isSpace(connection_string[value_begin])) {
            ++value_begin;
        }
        const std::size_t end = valueEnd(connection_string, value_begin);
        const bool is_password = std::any_of(kPasswordKeys.begin(), kPasswordKeys.end(),
                                             [&](std::string_view k) { return equalsIgnoreCase(key, k); });
        if (is_password) {
            std::string value = unquoteValue(connection_string.substr(value_begin, end - value_begin));
            if (!value.empty()) {
                secrets.push_back(std::move(value));
            }
        }
        const std::size_t semicolon = connection_string.find(';', end);
        pos = semicolon == std::string_view::npos ? connection_string.size() : semicolon + 1;
    }
    return secrets;
}

std::string redactSecrets(std::string text, const std::vector<std::string>& secrets) {
    // Attribute values first: a braced value is recognised only while its braces are still there.
    for (std::size_t pos = 0; pos < text.size(); ++pos) {
        const std::size_t value_begin = passwordValueStart(text, pos);
        if (value_begin == std::string_view::npos) {
            continue;
        }
        const std::size_t end = valueEnd(text, value_begin);
        text.replace(value_begin, end - value_begin, kRedacted);
        pos = value_begin + kRedacted.size() - 1;
    }
    // Longest first, so a secret that contains another is replaced whole.
    std::vector<std::string_view> ordered(secrets.begin(), secrets.end());
    std::sort(ordered.begin(), ordered.end(), [](auto a, auto b) { return a.size() > b.size(); });
    for (std::string_view secret : ordered) {
        if (!secret.empty()) {
            replaceAll(text, secret, kRedacted);
        }
    }
    return text;
}

}  // namespace syncline::odbc
