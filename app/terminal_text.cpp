#include "app/terminal_text.h"

#include <cstdint>

#include "engine/model/utf8.h"

namespace syncline::app {

namespace {

constexpr const char* kHex = "0123456789abcdef";

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
            const std::size_t n = model::decodeUtf8(text, i, code);
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
