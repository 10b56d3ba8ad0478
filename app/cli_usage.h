#pragma once

#include <string>

#include <CLI/CLI.hpp>

// The conventions every command of the CLI follows: help with an example and a pointer to the docs, validated
// dates, and usage errors that suggest what was meant.
namespace syncline::app {

/// The end of a command's --help: one example and the doc that explains the command (`doc` as in the source tree,
/// "docs/pricing.md"; the package installs docs/ under /usr/share/doc/syncline/).
std::string commandFooter(const std::string& example, const std::string& doc);

/// A day: YYYY-MM-DD, a real calendar day.
CLI::Validator isoDay();

/// A UTC time: YYYY-MM-DD, or with a time of day "YYYY-MM-DDTHH:MM[:SS[.fff]][Z]" (or a space for T); no other
/// offset than Z.
CLI::Validator utcTime();

/// Prints what was wrong with the command line and returns its exit code: 0 for --help and --version, 64 else. A
/// mistyped command or option gets the closest one (did you mean ...?).
int reportUsageError(CLI::App& app, const CLI::ParseError& error);

}  // namespace syncline::app
