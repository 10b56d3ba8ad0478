#include "app/terminal_text.h"

#include <cstdint>

namespace syncline::app {

namespace {

constexpr const char* kHex = "0123456789abcdef";

// The code point of the valid UTF-8 sequence at text[i] and its length, or length 0.
std::size_t decodeUtf8(std::string_view text, std::size_t i, std::uint32_t& code) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t n = 0;
    std::uint32_t min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > text.size()) {
        return 0;
    }
    code = c & (0xFF >> (n + 1));
    for (std::size_t k = 1; k < n; ++k) {
        const auto d = static_cast<unsigned char>(text[i + k]);
        if ((d & 0xC0) != 0x80) {
            return 0;
        }
        code = (code << 6) | (d & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        return 0;
    }
    return n;
}

void appendByte(std::string& out, unsigned char c) {
    out += "\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
}

void appendCodePoint(std::string& out, std::uint32_t code) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) {
        out += kHex[(code >> shift) & 0xF];
    }
}

bool isHiddenFormat(std::uint32_t code) {
    return (code >= 0x80 && code <= 0x9F) || (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

}  // namespace

std::string escapeControls(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += static_cast<char>(c);
            ++i;
        } else if (c == '\n') {
            out += "\\n", ++i;
        } else if (c == '\r') {
            out += "\\r", ++i;
        } else if (c == '\t') {
            out += "\\t", ++i;
        } else if (c < 0x80) {
            appendByte(out, c);  // the other C0 controls (ESC among them) and DEL
            ++i;
        } else {
            std::uint32_t code = 0;
            const std::size_t n = decodeUtf8(text, i, code);
            if (n == 0) {
                appendByte(out, c);  // a lone 0x9b would be CSI on a terminal that is not in UTF-8 mode
                ++i;
            } else if (isHiddenFormat(code)) {
                appendCodePoint(out, code);
                i += n;
            } else {
                out.append(text.substr(i, n));
                i += n;
            }
        }
    }
    return out;
}

}  // namespace syncline::app
