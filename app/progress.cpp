#include "app/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace syncline::app {

ProgressLine::ProgressLine(std::string label)
    : label_(std::move(label)), enabled_(::isatty(STDERR_FILENO) != 0), started_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
    done();
}

void ProgressLine::update(const sync::PullProgress& p) {
    if (!enabled_) {
        return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100)) {
        return;  // at most 10 redraws a second
    }
    last_draw_ = now;
    const double seconds = std::chrono::duration<double>(now - started_).count();
    const auto rate = seconds > 0 ? static_cast<long long>(static_cast<double>(p.read) / seconds) : 0LL;
    std::fprintf(stderr, "\r\033[K%s: read %lld  applied %lld  unchanged %lld  rejected %lld  (%lld rows/s)",
                 label_.c_str(), static_cast<long long>(p.read), static_cast<long long>(p.applied),
                 static_cast<long long>(p.unchanged), static_cast<long long>(p.rejected), rate);
    std::fflush(stderr);
    drawn_ = true;
}

void ProgressLine::done() {
    if (enabled_ && drawn_) {
        std::fprintf(stderr, "\r\033[K");
        std::fflush(stderr);
        drawn_ = false;
    }
}

}  // namespace syncline::app
