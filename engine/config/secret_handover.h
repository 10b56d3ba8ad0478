#pragma once

#include <map>
#include <optional>
#include <string>

namespace syncline::config {

/// Secrets named by `*_env` config keys, handed from the daemon to the job runs it starts without putting them in
/// the children's environment (/proc/<pid>/environ is readable for the life of the process, and inherited).
///
/// The daemon writes the values it read into an anonymous in-memory file (writeSecretHandover) whose descriptor the
/// child inherits and names with `--secrets-fd`; the child reads it once at start (receiveSecretHandover), before
/// it loads its config, and the config reader asks secretFromEnvironment() instead of getenv.

/// The value of environment variable `name`: from the handover when the daemon sent it, else the environment.
std::optional<std::string> secretFromEnvironment(const std::string& name);

/// Reads and closes the handover file `fd`. Throws std::runtime_error when it cannot be read.
void receiveSecretHandover(int fd);

/// PGPASSWORD is also set in the receiving process's environment (libpq reads it there), which changes neither
/// /proc/<pid>/environ nor anything else a reader outside the process sees.
///
/// A new in-memory file (close-on-exec) holding `secrets` (name → value); returns its descriptor. Throws
/// std::runtime_error when it cannot be made.
int writeSecretHandover(const std::map<std::string, std::string>& secrets);

}  // namespace syncline::config
