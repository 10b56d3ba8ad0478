#pragma once

#include <map>
#include <string>

#include <CLI/CLI.hpp>

namespace syncline::app {

/// In CompletionHints: complete file names here.
inline constexpr const char* kCompleteFiles = "@files";

/// What the command tree cannot say about the words a command line takes.
struct CompletionHints {
    /// Option name ("--log-level", "-c") → the words its value may be, space-separated, or kCompleteFiles.
    std::map<std::string, std::string> option_values;
    /// Command path ("run", "orders import") → the words its positionals may be, or kCompleteFiles.
    std::map<std::string, std::string> positional_values;
};

/// Every command with its options, positionals, example and doc, for `syncline --help-all` and so for the man page
/// (help2man reads it: "name:" lines start subsections, "  $ " lines are examples); hidden options left out.
std::string cliReference(const CLI::App& app);

/// A bash completion script for `app` (`syncline completion bash`; the package installs it as
/// /usr/share/bash-completion/completions/syncline): every command and subcommand, and at each the options that
/// apply there (its own and those of the commands above it), hidden options left out.
std::string bashCompletion(const CLI::App& app, const CompletionHints& hints);

}  // namespace syncline::app
