#pragma once

#include <string>
#include <vector>

namespace syncline::testing {

struct ProcessResult {
    int exit_code = -1;
    std::string out;  ///< stdout
    std::string err;  ///< stderr
};

/// Runs a program to completion through /bin/sh with `env` ("NAME=value") added to its environment,
/// capturing stdout and stderr. Arguments are quoted; nothing is interpreted by the shell.
ProcessResult runProcess(const std::vector<std::string>& args, const std::vector<std::string>& env = {});

/// Path of the built `syncline` executable.
std::string synclineBinary();

}  // namespace syncline::testing
