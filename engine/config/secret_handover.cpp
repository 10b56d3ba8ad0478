#include "engine/config/secret_handover.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace syncline::config {

namespace {

std::mutex& handoverMutex() {
    static std::mutex mutex;
    return mutex;
}

std::map<std::string, std::string>& handedOver() {
    static std::map<std::string, std::string> secrets;
    return secrets;
}

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error("secret handover: " + what + ": " + std::strerror(errno));
}

}  // namespace

std::optional<std::string> secretFromEnvironment(const std::string& name) {
    {
        std::lock_guard lock(handoverMutex());
        const auto it = handedOver().find(name);
        if (it != handedOver().end()) {
            return it->second;
        }
    }
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
}

// The file: name '\0' value '\0', repeated.
void receiveSecretHandover(int fd) {
    std::string content;
    char buf[4096];
    for (off_t offset = 0;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            const int error = errno;
            ::close(fd);
            errno = error;
            fail("cannot read descriptor " + std::to_string(fd));
        }
        if (n == 0) {
            break;
        }
        content.append(buf, static_cast<std::size_t>(n));
        offset += n;
    }
    ::close(fd);
    std::lock_guard lock(handoverMutex());
    for (std::size_t pos = 0; pos < content.size();) {
        const auto name_end = content.find('\0', pos);
        const auto value_end = name_end == std::string::npos ? name_end : content.find('\0', name_end + 1);
        if (value_end == std::string::npos) {
            throw std::runtime_error("secret handover: descriptor " + std::to_string(fd) + " is not a handover");
        }
        const std::string name = content.substr(pos, name_end - pos);
        std::string value = content.substr(name_end + 1, value_end - name_end - 1);
        if (name == "PGPASSWORD") {
            // libpq reads it from the environment itself. setenv changes this process's copy, not the block
            // /proc/<pid>/environ shows, and the runs start no children of their own.
            ::setenv(name.c_str(), value.c_str(), 1);
        }
        handedOver()[name] = std::move(value);
        pos = value_end + 1;
    }
}

int writeSecretHandover(const std::map<std::string, std::string>& secrets) {
    const int fd = ::memfd_create("syncline-secrets", MFD_CLOEXEC);
    if (fd < 0) {
        fail("cannot make an in-memory file");
    }
    std::string content;
    for (const auto& [name, value] : secrets) {
        content.append(name).push_back('\0');
        content.append(value).push_back('\0');
    }
    for (std::size_t done = 0; done < content.size();) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int error = errno;
            ::close(fd);
            errno = error;
            fail("cannot write the in-memory file");
        }
        done += static_cast<std::size_t>(n);
    }
    return fd;
}

}  // namespace syncline::config
