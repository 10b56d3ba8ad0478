#pragma once

#include <chrono>
#include <string>

#include "engine/sync/pull_pipeline.h"

namespace syncline::app {

/// A one-line progress display on stderr, redrawn in place: only when stderr is a terminal.
class ProgressLine {
  public:
    explicit ProgressLine(std::string label);
    ~ProgressLine();

    void update(const sync::PullProgress& progress);
    /// Clears the line (before the summary is printed).
    void done();

  private:
    std::string label_;
    bool enabled_;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point started_;
    std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace syncline::app
