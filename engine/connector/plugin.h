#pragma once

#include <memory>

#include "engine/connector/registry.h"

// The face of a C++ connector plug-in: a shared library that syncline loads from [erp] plugin_dir. A plug-in defines
// a ConnectorFactory (registry.h) and names the function that makes it with SYNCLINE_CONNECTOR_PLUGIN, once, in one
// source file. docs/connectors/authoring.md ("C++ plug-in") says how to build one; connectors/file_drop is the
// example.

namespace syncline::connector {

/// The one symbol a plug-in exports (C linkage, so its name is not mangled).
inline constexpr const char* kPluginEntryPoint = "syncline_connector_plugin";

/// The C++ standard library a binary was built with: a plug-in and syncline pass std::string and std::vector across,
/// so their layouts must match. GCC and Clang with libstdc++ mix fine; libc++ or the pre-C++11 string do not.
#if defined(_LIBCPP_VERSION)
inline constexpr const char* kPluginStdLibrary = "libc++";
#elif defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
inline constexpr const char* kPluginStdLibrary = "libstdc++ (C++11 ABI)";
#else
inline constexpr const char* kPluginStdLibrary = "libstdc++ (pre-C++11 ABI)";
#endif

/// What a plug-in's entry point returns: how it was built, and the function that makes its factory.
///
/// Layout rule: `api_version` is the first member in every API version, an int, so syncline can read it from a plug-in
/// built against any version and refuse a mismatch before it touches anything else. The other members may change
/// with kConnectorApiVersion.
struct PluginEntry {
    int api_version;          ///< kConnectorApiVersion of the headers the plug-in was built against
    const char* std_library;  ///< kPluginStdLibrary of the plug-in's build
    /// Makes the plug-in's factory. Called once, on the thread that loads the config, after the checks above; the
    /// factory is then registered under its spec().kind for the life of the process. May throw (the plug-in is then
    /// refused with the exception's message): do fallible set-up here, never in a static initializer, whose exception
    /// the loader cannot catch.
    std::shared_ptr<const ConnectorFactory> (*make_factory)();
};

}  // namespace syncline::connector

/// Makes this shared library a connector plug-in whose factory `make_factory` (a function
/// `std::shared_ptr<const syncline::connector::ConnectorFactory>()`) makes. Write it once, at namespace scope, in one
/// source file of the plug-in.
#define SYNCLINE_CONNECTOR_PLUGIN(make_factory)                                                                        \
    extern "C" __attribute__((visibility("default"))) const ::syncline::connector::PluginEntry*                        \
    syncline_connector_plugin() {                                                                                      \
        static const ::syncline::connector::PluginEntry entry{::syncline::connector::kConnectorApiVersion,             \
                                                              ::syncline::connector::kPluginStdLibrary, make_factory}; \
        return &entry;                                                                                                 \
    }
