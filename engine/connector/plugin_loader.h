#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncline::connector {

/// Why a plug-in (or the folder holding them) was refused: the file and a message for an administrator.
struct PluginProblem {
    std::string file;     ///< absolute path of the plug-in, or of the folder when the folder itself is the problem
    std::string message;  ///< "was built for connector API 2, this syncline has 1; rebuild it against ..."

    /// "plug-in /usr/lib/syncline/plugins/x.so: <message>"
    std::string describe() const;
};

/// Loads every plug-in in `dir`: each regular file whose name ends in ".so" and does not start with '.', in name
/// order; other files are left alone. Each is opened with dlopen(RTLD_NOW | RTLD_LOCAL), its entry point
/// (engine/connector/plugin.h) is checked (connector API version, C++ standard library), and the factory it makes is
/// registered (registry.h) for the life of the process. Calling this again (a daemon's reload) loads only new files:
/// one loaded before (by its canonical path) is skipped, one refused before is reported again until it is replaced,
/// and one loaded before but replaced since is refused (its old code is what runs: restart to load the new one).
///
/// Refused, each with a problem naming the file, never a crash: a missing folder or one that is not a folder; a folder
/// or file that every user may write (whoever can replace a plug-in runs code as syncline); a file
/// that is not a shared object, or needs a symbol this syncline does not export; no entry point; another API version
/// or standard library; a factory whose making throws; a kind with a bad name, or already registered (by a built-in
/// or another plug-in). A refused plug-in registers nothing, and the others still load.
///
/// Plug-ins resolve the engine's symbols against the executable that loads them: only executables linked with
/// syncline_plugin_host() (cmake/Syncline.cmake) export them. Thread-safe (calls are serialized); blocks on the file
/// system and on the plug-ins' own initialization.
std::vector<PluginProblem> loadPluginDir(const std::string& dir);

/// The plug-in file that registered `kind`, or nullopt when the kind is built in (or unknown).
std::optional<std::string> pluginFileOf(std::string_view kind);

}  // namespace syncline::connector
