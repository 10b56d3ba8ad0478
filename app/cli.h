#pragma once

namespace syncline::app {

/// Parses the command line, runs one command and returns the process exit code (see exit_codes.h).
/// Every error is caught here and turned into a message on stderr and a sysexits-style code.
int runCli(int argc, char** argv);

}  // namespace syncline::app
