#pragma once

namespace syncline::connectors {

/// Registers every connector built into this executable (each folder under connectors/ that calls
/// syncline_builtin_connector in its CMakeLists.txt) with engine/connector/registry.h. Idempotent; thread-safe.
/// Executables call it before they read a config.
void registerBuiltinConnectors();

}  // namespace syncline::connectors
