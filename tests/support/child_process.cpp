#include "tests/support/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace syncline::testing {

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string nameOf(const std::string& assignment) {
    return assignment.substr(0, assignment.find('='));
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& args, const std::vector<std::string>& env)
    : dir_(std::make_unique<TempDir>("syncline-child")) {
    if (args.empty()) {
        throw std::invalid_argument("ChildProcess: no program");
    }
    std::vector<std::string> environment;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string entry = *e;
        bool replaced = false;
        for (const auto& add : env) {
            replaced = replaced || nameOf(add) == nameOf(entry);
        }
        if (!replaced) {
            environment.push_back(entry);
        }
    }
    environment.insert(environment.end(), env.begin(), env.end());
    std::vector<char*> argv;
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (const auto& e : environment) {
        envp.push_back(const_cast<char*>(e.c_str()));
    }
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string out = dir_->file("out");
    const std::string err = dir_->file("err");
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + args[0] + ": " + std::strerror(rc));
    }
}

ChildProcess::~ChildProcess() {
    if (!reaped_) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status_, 0);
    }
}

bool ChildProcess::running() {
    if (reaped_) {
        return false;
    }
    const pid_t r = ::waitpid(pid_, &status_, WNOHANG);
    if (r == pid_) {
        reaped_ = true;
    } else if (r < 0) {
        throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    return !reaped_;
}

void ChildProcess::kill(int signal) {
    if (!reaped_ && ::kill(pid_, signal) != 0) {
        throw std::runtime_error(std::string("kill: ") + std::strerror(errno));
    }
}

ProcessEnd ChildProcess::wait() {
    while (!reaped_) {
        if (::waitpid(pid_, &status_, 0) == pid_) {
            reaped_ = true;
        } else if (errno != EINTR) {
            throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
        }
    }
    return ended();
}

std::string ChildProcess::errSoFar() const {
    return slurp(dir_->file("err"));
}

ProcessEnd ChildProcess::ended() const {
    ProcessEnd end;
    end.signaled = WIFSIGNALED(status_);
    end.signal = end.signaled ? WTERMSIG(status_) : 0;
    end.exit_code = WIFEXITED(status_) ? WEXITSTATUS(status_) : -1;
    end.out = slurp(dir_->file("out"));
    end.err = slurp(dir_->file("err"));
    return end;
}

}  // namespace syncline::testing
