#include "tests/support/process.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/support/test_env.h"

namespace syncline::testing {

namespace {

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return out + "'";
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

ProcessResult runProcess(const std::vector<std::string>& args, const std::vector<std::string>& env) {
    TempDir dir("syncline-proc");
    std::string command = "exec env";
    for (const auto& e : env) {
        command += " " + shellQuote(e);
    }
    for (const auto& a : args) {
        command += " " + shellQuote(a);
    }
    command += " </dev/null >" + dir.file("out") + " 2>" + dir.file("err");
    const int status = std::system(command.c_str());
    ProcessResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(dir.file("out"));
    result.err = slurp(dir.file("err"));
    return result;
}

std::string synclineBinary() {
    return std::string(SYNCLINE_BINARY_DIR) + "/syncline";
}

}  // namespace syncline::testing
