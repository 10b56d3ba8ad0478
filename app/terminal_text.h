#pragma once

#include <string>
#include <string_view>

namespace syncline::app {

/// `text` made safe to print on a terminal or in a line-based log: every control character is written as an escape,
/// so that a value from the ERP or the webstore can neither send terminal sequences (ESC, CSI) nor start a line of
/// its own. \n, \r and \t stay readable as such; other C0 controls and DEL become \xNN, C1 controls (U+0080 to U+009F)
/// and the bidirectional overrides (U+202A to U+202E, U+2066 to U+2069) \uNNNN, and a byte that is not UTF-8 \xNN.
/// Printable text, non-ASCII letters included, is unchanged; so is a backslash (a log is read, not parsed).
std::string escapeControls(std::string_view text);

}  // namespace syncline::app
