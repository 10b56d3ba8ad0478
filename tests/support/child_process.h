#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_env.h"

namespace syncline::testing {

/// How a child process ended, with what it wrote.
struct ProcessEnd {
    bool signaled = false;  ///< killed by a signal (then `signal` holds it), else exited with `exit_code`
    int exit_code = -1;
    int signal = 0;
    std::string out;  ///< stdout
    std::string err;  ///< stderr
};

/// A program started directly with posix_spawn (no shell in between, so a signal reaches the program
/// itself), with `env` ("NAME=value") added to, or replacing entries of, this process's environment;
/// stdin is /dev/null, stdout and stderr go to files read at the end. The destructor kills (SIGKILL)
/// and reaps a child that still runs.
class ChildProcess {
  public:
    ChildProcess(const std::vector<std::string>& args, const std::vector<std::string>& env = {});
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const { return pid_; }
    /// True until the child has ended (checked without blocking; an ended child is reaped).
    bool running();
    void kill(int signal);
    /// Blocks until the child ends.
    ProcessEnd wait();
    /// What the child has written to stderr so far.
    std::string errSoFar() const;

  private:
    ProcessEnd ended() const;

    std::unique_ptr<TempDir> dir_;
    pid_t pid_ = -1;
    bool reaped_ = false;
    int status_ = 0;
};

}  // namespace syncline::testing
