#include "engine/store/sql_script.h"

#include <cctype>

namespace syncline::store {

namespace {

bool hasCode(std::string_view text) {
    // True when the piece holds something besides whitespace and comments.
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 2, "--") == 0) {
            i = text.find('\n', i);
            if (i == std::string_view::npos) {
                return false;
            }
        } else if (text.compare(i, 2, "/*") == 0) {
            i = text.find("*/", i + 2);
            if (i == std::string_view::npos) {
                return false;
            }
            ++i;
        } else if (!std::isspace(static_cast<unsigned char>(text[i]))) {
            return true;
        }
    }
    return false;
}

// Index just past the end of the quoted/commented span starting at i, or npos when unterminated.
std::size_t skipSpan(std::string_view s, std::size_t i) {
    if (s.compare(i, 2, "--") == 0) {
        const auto end = s.find('\n', i);
        return end == std::string_view::npos ? s.size() : end + 1;
    }
    if (s.compare(i, 2, "/*") == 0) {
        const auto end = s.find("*/", i + 2);
        return end == std::string_view::npos ? s.size() : end + 2;
    }
    if (s[i] == '\'' || s[i] == '"') {
        const char quote = s[i];
        for (std::size_t j = i + 1; j < s.size(); ++j) {
            if (s[j] == quote) {
                if (j + 1 < s.size() && s[j + 1] == quote) {
                    ++j;  // doubled quote inside the literal
                    continue;
                }
                return j + 1;
            }
        }
        return s.size();
    }
    if (s[i] == '$') {
        const auto close = s.find('$', i + 1);
        if (close == std::string_view::npos) {
            return i + 1;
        }
        const std::string_view tag = s.substr(i, close - i + 1);
        for (char c : tag.substr(1, tag.size() - 2)) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
                return i + 1;  // "$1" parameters and the like are not dollar quotes
            }
        }
        if (tag.size() > 2 && std::isdigit(static_cast<unsigned char>(tag[1]))) {
            return i + 1;
        }
        const auto end = s.find(tag, close + 1);
        return end == std::string_view::npos ? s.size() : end + tag.size();
    }
    return i + 1;
}

}  // namespace

std::vector<std::string> splitSqlStatements(std::string_view script) {
    std::vector<std::string> out;
    std::size_t start = 0;
    std::size_t i = 0;
    while (i < script.size()) {
        if (script[i] == ';') {
            const auto piece = script.substr(start, i - start);
            if (hasCode(piece)) {
                out.emplace_back(piece);
            }
            start = ++i;
            continue;
        }
        i = skipSpan(script, i);
    }
    const auto tail = script.substr(start);
    if (hasCode(tail)) {
        out.emplace_back(tail);
    }
    return out;
}

}  // namespace syncline::store
