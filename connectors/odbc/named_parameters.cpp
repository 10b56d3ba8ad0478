#include "connectors/odbc/named_parameters.h"

#include <algorithm>
#include <stdexcept>

namespace syncline::odbc {

namespace {

bool isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool isNameChar(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The offset just past the quote that closes the one at `start` (a doubled quote inside stays inside).
std::size_t skipQuoted(std::string_view sql, std::size_t start) {
    const char quote = sql[start];
    std::size_t i = start + 1;
    for (;;) {
        const std::size_t end = sql.find(quote, i);
        if (end == std::string_view::npos) {
            throw std::invalid_argument("unterminated " + std::string(quote == '\'' ? "string literal" : "identifier") +
                                        " (" + quote + ") starting at offset " + std::to_string(start));
        }
        if (end + 1 < sql.size() && sql[end + 1] == quote) {
            i = end + 2;
            continue;
        }
        return end + 1;
    }
}

}  // namespace

NamedStatement parseNamedParameters(std::string_view sql) {
    NamedStatement out;
    out.sql.reserve(sql.size());
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        if (c == '\'' || c == '"' || c == '`') {
            const std::size_t end = skipQuoted(sql, i);
            out.sql.append(sql.substr(i, end - i));
            i = end;
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            const std::size_t end = std::min(sql.find('\n', i), sql.size());
            out.sql.append(sql.substr(i, end - i));
            i = end;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            const std::size_t close = sql.find("*/", i + 2);
            if (close == std::string_view::npos) {
                throw std::invalid_argument("unterminated /* comment starting at offset " + std::to_string(i));
            }
            out.sql.append(sql.substr(i, close + 2 - i));
            i = close + 2;
        } else if (c == '?') {
            throw std::invalid_argument("positional parameter '?' at offset " + std::to_string(i) +
                                        ": write named parameters (:name) only");
        } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
            out.sql.append("::");
            i += 2;
        } else if (c == ':' && i + 1 < sql.size() && isNameStart(sql[i + 1])) {
            std::size_t end = i + 1;
            std::string name;
            while (end < sql.size() && isNameChar(sql[end])) {
                name.push_back(lower(sql[end]));
                ++end;
            }
            out.parameters.push_back(std::move(name));
            out.sql.push_back('?');
            i = end;
        } else {
            out.sql.push_back(c);
            ++i;
        }
    }
    return out;
}

}  // namespace syncline::odbc
