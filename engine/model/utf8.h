#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace syncline::model {

/// The code point of the valid UTF-8 sequence of two to four bytes at text[i] (overlong forms, surrogates and
/// code points past U+10FFFF are not valid) and its length in bytes; 0 (and `code` unspecified) when there is
/// none, an ASCII byte included. Pure: any thread, never throws.
inline std::size_t decodeUtf8(std::string_view text, std::size_t i, std::uint32_t& code) {
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

}  // namespace syncline::model
