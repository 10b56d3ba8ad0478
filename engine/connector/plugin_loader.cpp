#include "engine/connector/plugin_loader.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <utility>

#include "engine/connector/plugin.h"

namespace syncline::connector {

namespace fs = std::filesystem;

namespace {

// Every plug-in stays loaded for the life of the process: the registry holds its factory, and connectors made by it
// run its code. So the handles are never closed, except of a file refused before any of its code ran.
// A file seen before: which file it was (so a replaced one is told apart) and how it fared.
struct SeenFile {
    dev_t device = 0;
    ino_t inode = 0;
    std::int64_t modified_ns = 0;
    bool registered = false;
    std::string problem;  ///< why it was refused; repeated while the file stays the same
};

struct LoadedPlugins {
    std::mutex mutex;
    std::map<std::string, SeenFile> files;                  ///< by canonical path
    std::map<std::string, std::string, std::less<>> kinds;  ///< kind → the file that registered it
};

LoadedPlugins& loaded() {
    static LoadedPlugins instance;
    return instance;
}

// Closes a dlopen handle unless released: for the refusals that come before any code of the plug-in ran.
struct Handle {
    void* handle = nullptr;
    ~Handle() {
        if (handle != nullptr) {
            ::dlclose(handle);
        }
    }
    void* release() { return std::exchange(handle, nullptr); }
};

std::string demangled(const std::string& symbol) {
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status),
                                                     &std::free);
    return status == 0 && name ? std::string(name.get()) : symbol;
}

// dlopen's own words, without the file name it starts with, and what they mean for an admin.
std::string openFailure(const std::string& file, std::string error) {
    if (error.rfind(file + ": ", 0) == 0) {
        error.erase(0, file.size() + 2);
    }
    const std::string undefined = "undefined symbol: ";
    if (const auto at = error.find(undefined); at != std::string::npos) {
        const std::string symbol = error.substr(at + undefined.size());
        return "needs the symbol '" + demangled(symbol) +
               "', which this syncline does not have or does not export: it was built against other syncline "
               "headers (this syncline has connector API " +
               std::to_string(kConnectorApiVersion) +
               "), or it uses engine code outside the connector API (engine/connector, engine/model)";
    }
    if (error.find("invalid ELF header") != std::string::npos || error.find("file too short") != std::string::npos ||
        error.find("not an ELF") != std::string::npos) {
        return "is not a shared object (" + error + ")";
    }
    return "cannot be loaded: " + error;
}

bool writableByOthers(const std::string& path, std::string& why) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        why = std::strerror(errno);
        return true;
    }
    if ((st.st_mode & S_IWOTH) != 0) {
        why = "anyone may write it, and so make syncline run their code; chmod o-w it";
        return true;
    }
    return false;
}

bool validKind(const std::string& kind) {
    return !kind.empty() && kind.size() <= 64 && kind[0] >= 'a' && kind[0] <= 'z' &&
           std::all_of(kind.begin(), kind.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// The engine's own [erp] keys; a connector's spec must not claim them.
bool engineKey(const std::string& path) {
    return path == "connector" || path == "plugin_dir" || path == "login_timeout_s" || path == "query_timeout_s";
}

// Checks and registers what the plug-in's factory made; returns why not, or "".
std::string registerFactory(const std::shared_ptr<const ConnectorFactory>& factory, const std::string& file) {
    if (!factory) {
        return "its make_factory returned no factory";
    }
    const ConnectorSpec& spec = factory->spec();
    if (!validKind(spec.kind)) {
        return "its kind '" + spec.kind + "' is not a valid name (a lower-case letter, then letters, digits and '_')";
    }
    for (const auto& setting : spec.settings) {
        if (engineKey(setting.path)) {
            return "its spec claims the engine's own key erp." + setting.path;
        }
    }
    auto& state = loaded();
    if (findConnector(spec.kind) != nullptr) {
        const auto other = state.kinds.find(spec.kind);
        return "a connector of kind '" + spec.kind + "' is registered already" +
               (other == state.kinds.end() ? " (built into syncline)" : " (by plug-in " + other->second + ")");
    }
    registerConnector(factory);
    state.kinds.emplace(spec.kind, file);
    return "";
}

// Loads one plug-in; returns why it was refused, or "".
std::string loadPlugin(const std::string& file) {
    std::string why;
    if (writableByOthers(file, why)) {
        return why;
    }
    ::dlerror();
    Handle handle{::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL)};
    if (handle.handle == nullptr) {
        const char* error = ::dlerror();
        return openFailure(file, error != nullptr ? error : "unknown dlopen error");
    }
    const auto entry_point = reinterpret_cast<const PluginEntry* (*)()>(::dlsym(handle.handle, kPluginEntryPoint));
    if (entry_point == nullptr) {
        return std::string("has no entry point ") + kPluginEntryPoint +
               ": it is not a Syncline connector plug-in (a plug-in ends with SYNCLINE_CONNECTOR_PLUGIN, "
               "engine/connector/plugin.h)";
    }
    const PluginEntry* entry = entry_point();
    if (entry == nullptr) {
        return std::string("its entry point ") + kPluginEntryPoint + " returned nothing";
    }
    if (entry->api_version != kConnectorApiVersion) {
        return "was built for connector API " + std::to_string(entry->api_version) + ", this syncline has " +
               std::to_string(kConnectorApiVersion) + "; rebuild it against this syncline's headers";
    }
    if (entry->std_library == nullptr || std::strcmp(entry->std_library, kPluginStdLibrary) != 0) {
        return std::string("was built with the C++ standard library ") +
               (entry->std_library != nullptr ? entry->std_library : "?") + ", this syncline with " +
               kPluginStdLibrary + "; rebuild it with the same one";
    }
    if (entry->make_factory == nullptr) {
        return "its entry point names no make_factory function";
    }
    // From here on the plug-in's code runs and may leave state behind (threads, atexit handlers): it stays loaded
    // even when refused.
    handle.release();
    try {
        return registerFactory(entry->make_factory(), file);
    } catch (const std::exception& e) {
        return std::string("failed while loading: ") + e.what();
    } catch (...) {
        return "failed while loading: it threw something that is not a std::exception";
    }
}

}  // namespace

std::string PluginProblem::describe() const {
    return "plug-in " + file + ": " + message;
}

std::vector<PluginProblem> loadPluginDir(const std::string& dir) {
    std::vector<PluginProblem> problems;
    std::error_code ec;
    const auto status = fs::status(dir, ec);
    if (!fs::exists(status)) {
        return {{dir, "the plug-in folder does not exist"}};
    }
    if (!fs::is_directory(status)) {
        return {{dir, "is not a folder"}};
    }
    if (std::string why; writableByOthers(dir, why)) {
        return {{dir, "the plug-in folder: " + why}};
    }
    std::vector<std::string> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > 3 && name.front() != '.' && name.compare(name.size() - 3, 3, ".so") == 0 &&
            it->is_regular_file()) {
            files.push_back(it->path().string());
        }
    }
    if (ec) {
        return {{dir, "cannot list the plug-in folder: " + ec.message()}};
    }
    std::sort(files.begin(), files.end());
    auto& state = loaded();
    std::lock_guard lock(state.mutex);
    for (const auto& path : files) {
        const std::string file = fs::canonical(path, ec).string();
        struct stat st {};
        if (ec || ::stat(file.c_str(), &st) != 0) {
            continue;  // vanished since it was listed
        }
        SeenFile now{st.st_dev, st.st_ino, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec, false, ""};
        const auto seen = state.files.find(file);
        const bool same = seen != state.files.end() && seen->second.device == now.device &&
                          seen->second.inode == now.inode && seen->second.modified_ns == now.modified_ns;
        if (same) {
            if (!seen->second.problem.empty()) {
                problems.push_back({file, seen->second.problem});
            }
            continue;
        }
        if (seen != state.files.end() && seen->second.registered) {
            // Its old code is what runs; a process cannot swap a plug-in's code under live connectors.
            problems.push_back({file, "changed since syncline loaded it; restart syncline to load the new one"});
            continue;
        }
        now.problem = loadPlugin(file);
        now.registered = now.problem.empty();
        if (!now.problem.empty()) {
            problems.push_back({file, now.problem});
        }
        state.files[file] = std::move(now);
    }
    return problems;
}

std::optional<std::string> pluginFileOf(std::string_view kind) {
    auto& state = loaded();
    std::lock_guard lock(state.mutex);
    const auto it = state.kinds.find(kind);
    return it == state.kinds.end() ? std::nullopt : std::optional<std::string>(it->second);
}

}  // namespace syncline::connector
