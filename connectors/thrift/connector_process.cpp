#include "connectors/thrift/connector_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <spdlog/spdlog.h>

extern char** environ;

namespace syncline::thrift_connector {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxLogLine = 2000;
constexpr std::size_t kLastLines = 5;

// Variables a connector may need to run that hold no secret of ours; everything else of our environment stays here.
bool harmless(const std::string& name) {
    static const char* const kNames[] = {"PATH", "HOME",    "LANG",       "LANGUAGE",        "TZ",         "TMPDIR",
                                         "USER", "LOGNAME", "PYTHONPATH", "LD_LIBRARY_PATH", "ODBCSYSINI", "ODBCINI"};
    for (const char* n : kNames) {
        if (name == n) {
            return true;
        }
    }
    return name.rfind("LC_", 0) == 0;
}

std::string resolveProgram(const std::string& program, const std::string& working_dir) {
    if (program.find('/') != std::string::npos) {
        fs::path p(program);
        if (p.is_relative()) {
            p = (working_dir.empty() ? fs::current_path() : fs::path(working_dir)) / p;
        }
        return p.lexically_normal().string();
    }
    const char* path = std::getenv("PATH");
    std::string dirs = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const auto end = std::min(dirs.find(':', start), dirs.size());
        const std::string dir = dirs.substr(start, end - start);
        const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0 && !fs::is_directory(candidate)) {
            return candidate;
        }
        start = end + 1;
    }
    throw std::runtime_error("no program '" + program + "' on PATH");
}

std::string describeStatus(int status) {
    if (WIFEXITED(status)) {
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    }
    if (WIFSIGNALED(status)) {
        const char* name = ::strsignal(WTERMSIG(status));
        return "was killed by signal " + std::to_string(WTERMSIG(status)) +
               (name ? std::string(" (") + name + ")" : "");
    }
    return "ended";
}

// After fork(), in the child: only async-signal-safe calls until execve.
[[noreturn]] void execChild(const char* program, char* const* argv, char* const* envp, const char* working_dir,
                            int output, pid_t parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
        ::_exit(127);  // the parent thread is gone already
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s : {SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT}) {
        ::signal(s, SIG_DFL);
    }
    const int null = ::open("/dev/null", O_RDONLY);
    if (null < 0 || ::dup2(null, 0) < 0 || ::dup2(output, 1) < 0 || ::dup2(output, 2) < 0) {
        ::_exit(127);
    }
    if (working_dir[0] != '\0' && ::chdir(working_dir) != 0) {
        const char message[] = "cannot enter the working folder\n";
        [[maybe_unused]] auto n = ::write(2, message, sizeof(message) - 1);
        ::_exit(127);
    }
    ::close_range(3, ~0U, 0);
    ::execve(program, argv, envp);
    const char message[] = "cannot execute the command (is it a program, or a script with a #! line?)\n";
    [[maybe_unused]] auto n = ::write(2, message, sizeof(message) - 1);
    ::_exit(127);
}

}  // namespace

ConnectorProcess::ConnectorProcess(Options options) : name_(options.name) {
    if (options.argv.empty()) {
        throw std::runtime_error("the command is empty");
    }
    const std::string program = resolveProgram(options.argv.front(), options.working_dir);
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && tmp[0] == '/' ? tmp : "/tmp") + "/syncline-connector-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("cannot make a folder for the connector's socket: " +
                                 std::string(std::strerror(errno)));
    }
    dir_ = pattern;
    socket_path_ = dir_ + "/socket";

    std::vector<std::string> env;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string entry = *e;
        const auto equals = entry.find('=');
        if (equals != std::string::npos && harmless(entry.substr(0, equals)) &&
            options.environment.count(entry.substr(0, equals)) == 0) {
            env.push_back(entry);
        }
    }
    for (const auto& [name, value] : options.environment) {
        env.push_back(name + "=" + value);
    }
    env.push_back("SYNCLINE_CONNECTOR_SOCKET=" + socket_path_);
    std::vector<std::string> argv = options.argv;
    argv.front() = program;  // what the program sees as argv[0]: the path it was started from

    thread_ = std::thread([this, argv = std::move(argv), env = std::move(env), dir = options.working_dir]() mutable {
        run(std::move(argv), std::move(env), std::move(dir));
    });
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return started_; });
    if (!start_error_.empty()) {
        const std::string error = start_error_;
        stopping_ = true;
        lock.unlock();
        changed_.notify_all();
        thread_.join();
        std::error_code ec;
        fs::remove_all(dir_, ec);
        throw std::runtime_error(error);
    }
}

void ConnectorProcess::run(std::vector<std::string> argv, std::vector<std::string> env, std::string working_dir) {
    std::vector<char*> argv_c;
    for (auto& a : argv) {
        argv_c.push_back(a.data());
    }
    argv_c.push_back(nullptr);
    std::vector<char*> env_c;
    for (auto& e : env) {
        env_c.push_back(e.data());
    }
    env_c.push_back(nullptr);
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        std::lock_guard lock(mutex_);
        start_error_ = "pipe(): " + std::string(std::strerror(errno));
        started_ = true;
        changed_.notify_all();
        return;
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        execChild(argv_c.front(), argv_c.data(), env_c.data(), working_dir.c_str(), pipe_fds[1], parent);
    }
    ::close(pipe_fds[1]);
    {
        std::lock_guard lock(mutex_);
        if (pid < 0) {
            start_error_ = "fork(): " + std::string(std::strerror(errno));
        } else {
            pid_ = pid;
            pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));  // -1 on an old kernel: signals by pid
        }
        started_ = true;
    }
    changed_.notify_all();
    if (pid < 0) {
        ::close(pipe_fds[0]);
        return;
    }
    // Its output, line by line, until it closes it; then wait for the destructor (this thread is the child's parent
    // for PR_SET_PDEATHSIG: it must outlive the child).
    std::string pending;
    char chunk[4096];
    bool open = true;
    while (open) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) {
                break;
            }
        }
        pollfd p{pipe_fds[0], POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) {
            continue;
        }
        const ssize_t n = ::read(pipe_fds[0], chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            open = false;
        } else {
            pending.append(chunk, static_cast<std::size_t>(n));
        }
        std::size_t newline;
        while ((newline = pending.find('\n')) != std::string::npos) {
            log(pending.substr(0, newline));
            pending.erase(0, newline + 1);
        }
        if (pending.size() > kMaxLogLine || (!open && !pending.empty())) {
            log(pending);
            pending.clear();
        }
    }
    ::close(pipe_fds[0]);
    std::unique_lock lock(mutex_);
    output_closed_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return stopping_; });
}

void ConnectorProcess::log(const std::string& line) {
    std::string text = line.size() > kMaxLogLine ? line.substr(0, kMaxLogLine) + "..." : line;
    while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) {
        text.pop_back();
    }
    spdlog::info("connector {} [{}]: {}", name_, pid_, text);
    std::lock_guard lock(mutex_);
    last_lines_.push_back(std::move(text));
    if (last_lines_.size() > kLastLines) {
        last_lines_.pop_front();
    }
}

std::optional<std::string> ConnectorProcess::ended() {
    std::lock_guard lock(mutex_);
    if (ended_ || pid_ < 0) {
        return ended_;
    }
    int status = 0;
    const pid_t rc = ::waitpid(pid_, &status, WNOHANG);
    if (rc == pid_) {
        ended_ = describeStatus(status);
    } else if (rc < 0 && errno == ECHILD) {
        // Reaped by someone else (a daemon's waitpid(-1)): the pidfd still tells whether it ended.
        pollfd p{pidfd_, POLLIN, 0};
        if (pidfd_ < 0 || ::poll(&p, 1, 0) > 0) {
            ended_ = "ended";
        }
    }
    return ended_;
}

std::optional<std::string> ConnectorProcess::ended(std::chrono::milliseconds wait) {
    const auto until = std::chrono::steady_clock::now() + wait;
    for (;;) {
        if (auto how = ended()) {
            return how;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            return std::nullopt;
        }
        if (pidfd_ >= 0) {
            pollfd p{pidfd_, POLLIN, 0};
            ::poll(&p, 1, static_cast<int>(left));
        } else {
            ::usleep(10000);
        }
    }
}

void ConnectorProcess::kill() {
    if (ended()) {
        return;
    }
    std::lock_guard lock(mutex_);
    // By pidfd: never a process that took over the pid of ours after it was reaped elsewhere.
    if (pidfd_ < 0 || ::syscall(SYS_pidfd_send_signal, pidfd_, SIGKILL, nullptr, 0) != 0) {
        if (pidfd_ < 0) {
            ::kill(pid_, SIGKILL);
        }
    }
}

std::string ConnectorProcess::lastLines() {
    std::unique_lock lock(mutex_);
    if (ended_) {
        // What it wrote before it ended is in the pipe until the thread logged it. Bounded: a process of its own that
        // inherited the pipe may hold it open.
        changed_.wait_for(lock, std::chrono::milliseconds(500), [this] { return output_closed_; });
    }
    std::string out;
    for (const auto& line : last_lines_) {
        out += (out.empty() ? "" : " | ") + line;
    }
    return out;
}

ConnectorProcess::~ConnectorProcess() {
    kill();
    {
        std::unique_lock lock(mutex_);
        if (!ended_ && pid_ > 0) {
            int status = 0;
            if (::waitpid(pid_, &status, 0) == pid_) {
                ended_ = describeStatus(status);
            }
        }
        stopping_ = true;
    }
    changed_.notify_all();
    thread_.join();
    if (pidfd_ >= 0) {
        ::close(pidfd_);
    }
    std::error_code ec;
    fs::remove_all(dir_, ec);
}

}  // namespace syncline::thrift_connector
