#pragma once

#ifdef SYNCLINE_FAULT_POINTS
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string_view>
#endif

namespace syncline::sync {

/// A named step where the crash tests stop the engine with SIGKILL, to prove that no step loses or duplicates
/// work. `SYNCLINE_FAULT_POINT=<name>` stops at the first time the step is reached, `<name>:<n>` at the n-th.
/// Compiled in only with the CMake option SYNCLINE_FAULT_POINTS (test builds); without it this is nothing, and no
/// environment variable can stop the engine. Any thread.
#ifdef SYNCLINE_FAULT_POINTS
inline void faultPoint(std::string_view step) {
    static const char* const wanted = std::getenv("SYNCLINE_FAULT_POINT");
    if (wanted == nullptr) {
        return;
    }
    const std::string_view spec(wanted);
    const auto colon = spec.rfind(':');
    if (spec.substr(0, colon) != step) {
        return;
    }
    static std::atomic<long> reached{0};
    const long nth = colon == std::string_view::npos ? 1 : std::strtol(wanted + colon + 1, nullptr, 10);
    if (++reached == nth) {
        ::kill(::getpid(), SIGKILL);
    }
}
#else
inline void faultPoint(std::string_view) {}
#endif

}  // namespace syncline::sync
