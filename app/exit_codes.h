#pragma once

#include "engine/connector/error.h"

namespace syncline::app {

/// Process exit codes, after sysexits.h, so scripts and systemd can tell failures apart.
enum ExitCode : int {
    kExitOk = 0,
    kExitChecksFailed = 1,  ///< `connectors conformance`: a check failed (a test tool's convention)
    kExitUsage = 64,        ///< bad command line
    kExitData = 65,         ///< bad input data (rejected records, a malformed import file)
    kExitNoInput = 66,      ///< an input file does not exist or cannot be read
    kExitUnavailable = 69,  ///< a service (webstore DB, ERP) cannot be reached, or a command is not available
    kExitSoftware = 70,     ///< an internal error
    kExitTempFail = 75,     ///< a transient failure: try again later
    kExitConfig = 78,       ///< invalid configuration, or a database this binary must not touch
};

/// The exit code for a connector failure: 75 transient (try again later), 78 config (an admin
/// must act), 65 data, 69 anything else.
inline int exitCodeFor(connector::ErrorKind kind) {
    switch (kind) {
        case connector::ErrorKind::Transient:
            return kExitTempFail;
        case connector::ErrorKind::Config:
            return kExitConfig;
        case connector::ErrorKind::Data:
            return kExitData;
        case connector::ErrorKind::Fatal:
            return kExitUnavailable;
    }
    return kExitUnavailable;
}

}  // namespace syncline::app
