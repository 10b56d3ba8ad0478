#pragma once

#include <string>

namespace syncline::app {

/// The git commit this binary was built from ("1a2b3c4d5e6f", "…-dirty" with uncommitted changes, "unknown"
/// outside a git checkout).
const char* gitCommit();

/// What `syncline --version` prints: "syncline 0.1.0 (git 1a2b3c4d5e6f, webstore schema 12, release build)".
std::string versionLine();

}  // namespace syncline::app
