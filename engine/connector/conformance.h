#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/connector/registry.h"

namespace syncline::connector {

/// What a conformance run may do.
struct ConformanceOptions {
    /// Also push one test order (findOrder, pushOrder, findOrder again) when the settings configure order push.
    /// It stays in the ERP: run it against a test company.
    bool allow_writes = false;
    std::optional<std::string> stream;  ///< only this stream's read checks
    /// The reference of the test order ("SYNCLINE-CONFORMANCE-<seconds since 1970>" when empty).
    std::string order_key;
};

/// One check's outcome, for the pass/fail table.
struct ConformanceCheck {
    enum class Outcome { Pass, Fail, Skip };
    std::string name;    ///< "full read", "cursor round trip", ...
    std::string stream;  ///< empty for a connector-wide check
    Outcome outcome = Outcome::Pass;
    std::string detail;  ///< what was seen; for a failure, what was expected
};

/// "pass", "FAIL", "skip".
std::string toString(ConformanceCheck::Outcome outcome);

/// The checks every connector must pass, whatever its kind, against the source `settings` configure: what the
/// engine relies on. Read-only unless options.allow_writes:
/// - spec: a kind, a version, known streams, settings with paths, incremental only with full;
/// - settings: the factory's check() finds nothing;
/// - check: the source answers; an unknown stream is a config error;
/// - per stream: a full read delivers whole rows (a value per field, the entity's key fields mapped), each key once,
///   and a second full read the same keys; an incremental stream hands a cursor back, and an incremental read from
///   it delivers only keys of the full read and hands the same cursor back (nothing changed meanwhile);
/// - a wrong secret (the first secret setting, spoiled) is a config error, not a retry;
/// - order status of an unknown order is "no such order"; a live price question gets an answer or "none";
/// - with allow_writes and order push configured: findOrder of a new key finds nothing, pushOrder returns a document
///   number, findOrder then finds that number (the engine's exactly-once push relies on it).
/// Blocks on the source for as long as the reads take. Never throws: a throwing connector is a failed check.
std::vector<ConformanceCheck> runConformance(const ConnectorFactory& factory, const Settings& settings,
                                             const ConformanceOptions& options = {});

}  // namespace syncline::connector
