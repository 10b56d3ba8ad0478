#pragma once

#include <string>

namespace syncline::app {

/// Sets up the process-wide spdlog logger "syncline" on stderr.
/// format "text": readable lines (coloured on a TTY); "json": one JSON object per line
/// ({"ts","level","msg"}), for journald/Loki. Throws std::invalid_argument on an unknown level/format.
void setupLogging(const std::string& format, const std::string& level);

}  // namespace syncline::app
