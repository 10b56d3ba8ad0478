#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace syncline::thrift_connector {

/// A connector service started as a child process (the thrift kind's `command`).
///
/// - It is told where to listen by the environment variable SYNCLINE_CONNECTOR_SOCKET: a unix socket path in a
///   folder made for it (mode 0700) and removed with this object.
/// - Its environment is not ours: only a few harmless variables (PATH, HOME, LANG, LC_*, TZ, TMPDIR, USER, LOGNAME,
///   PYTHONPATH, LD_LIBRARY_PATH, ODBCSYSINI, ODBCINI) and the `environment` it is given, so no secret of syncline's
///   (erp.password_env's variable, PGPASSWORD) reaches it. Its argv is the command as configured.
/// - stdin is /dev/null; every line it writes to stdout or stderr goes to our log (spdlog, info), prefixed with
///   "connector <name> [pid]: " and cut at 2000 bytes.
/// - It dies with this object (SIGKILL, then reaped) and with this process (PR_SET_PDEATHSIG: it is forked by this
///   object's own thread, which lives as long as it does).
///
/// Thread-safe.
class ConnectorProcess {
  public:
    struct Options {
        std::vector<std::string> argv;  ///< argv[0]: a program found on PATH, or a path (relative: to working_dir)
        std::string working_dir;        ///< empty: ours
        std::map<std::string, std::string> environment;  ///< added to the harmless variables
        std::string name;                                ///< for log lines and messages
    };

    /// Starts the process. Throws std::runtime_error when it cannot be started (no such program, fork fails).
    explicit ConnectorProcess(Options options);
    ~ConnectorProcess();
    ConnectorProcess(const ConnectorProcess&) = delete;
    ConnectorProcess& operator=(const ConnectorProcess&) = delete;

    /// Where it is told to listen.
    const std::string& socketPath() const { return socket_path_; }
    pid_t pid() const { return pid_; }

    /// nullopt while it runs; once it ended, how: "exited with status 3", "was killed by signal 9 (Killed)".
    std::optional<std::string> ended();
    /// ended(), after waiting up to `wait` for it to end (its socket closes a moment before it can be reaped).
    std::optional<std::string> ended(std::chrono::milliseconds wait);
    /// Kills it now (SIGKILL); a no-op once it ended.
    void kill();
    /// Its last lines on stdout/stderr (up to 5), joined by " | ", for messages; "" when it wrote none. Once ended()
    /// said it ended, waits up to half a second for the rest of its output (another thread reads it), so its last
    /// words, often why it stopped, are in.
    std::string lastLines();

  private:
    void run(std::vector<std::string> argv, std::vector<std::string> env, std::string working_dir);
    void log(const std::string& line);

    const std::string name_;
    std::string dir_;
    std::string socket_path_;
    pid_t pid_ = -1;
    int pidfd_ = -1;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool started_ = false;  ///< the thread forked (or failed to): pid_ / start_error_ set
    std::string start_error_;
    bool stopping_ = false;  ///< the destructor runs: the thread may end
    std::optional<std::string> ended_;
    bool output_closed_ = false;  ///< the thread read the end of its stdout/stderr
    std::deque<std::string> last_lines_;
    std::thread thread_;
};

}  // namespace syncline::thrift_connector
