#pragma once

namespace syncline::app {

/// Process exit codes, after sysexits.h, so scripts and systemd can tell failures apart.
enum ExitCode : int {
    kExitOk = 0,
    kExitUsage = 64,        ///< bad command line
    kExitData = 65,         ///< bad input data (rejected records, a malformed import file)
    kExitUnavailable = 69,  ///< a service (webstore DB, ERP) cannot be reached, or a command is not available
    kExitSoftware = 70,     ///< an internal error
    kExitTempFail = 75,     ///< a transient failure: try again later
    kExitConfig = 78,       ///< invalid configuration, or a database this binary must not touch
};

}  // namespace syncline::app
