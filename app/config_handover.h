#pragma once

#include <string>

namespace syncline::app {

/// The config the daemon hands its job runs: the text it validated, in a sealed in-memory file (memfd) that each
/// run inherits and names with `--config-fd`, beside `--config` with the original path (so relative paths, and the
/// messages, name the real file). Nothing is written to disk: the daemon writes nothing beside its config, which
/// under the package lives in read-only /etc/syncline.

/// A new sealed in-memory file (close-on-exec) holding `text`; returns its descriptor. Throws std::runtime_error.
int shareConfigText(const std::string& text);

/// The whole text of the in-memory file `fd`, read without moving its offset (siblings share it); closes `fd`.
/// Throws std::runtime_error.
std::string receiveConfigText(int fd);

}  // namespace syncline::app
