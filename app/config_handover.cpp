#include "app/config_handover.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace syncline::app {

namespace {

[[noreturn]] void fail(const std::string& what, int fd) {
    const int error = errno;
    if (fd >= 0) {
        ::close(fd);
    }
    throw std::runtime_error("config handover: " + what + ": " + std::strerror(error));
}

}  // namespace

int shareConfigText(const std::string& text) {
    const int fd = ::memfd_create("syncline-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) {
        fail("cannot make an in-memory file", -1);
    }
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fail("cannot write the in-memory file", fd);
        }
        done += static_cast<std::size_t>(n);
    }
    // Sealed: no run can change what the daemon and the other runs read.
    if (::fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
        fail("cannot seal the in-memory file", fd);
    }
    return fd;
}

std::string receiveConfigText(int fd) {
    std::string text;
    char buf[16384];
    for (off_t offset = 0;;) {
        const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            fail("cannot read descriptor " + std::to_string(fd), fd);
        }
        if (n == 0) {
            break;
        }
        text.append(buf, static_cast<std::size_t>(n));
        offset += n;
    }
    ::close(fd);
    return text;
}

}  // namespace syncline::app
