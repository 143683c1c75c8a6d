// RUN/.lock (run_lock.h). The file's text is "<pid> <role>\n"; it is rewritten by each holder
// and left in place after release (its presence means nothing; only the flock does).
#include "core/session/run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "core/session/run_files.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;

namespace {

// What the holder wrote; it may be mid-write for a moment after taking the lock, so retry.
std::string holder_of(int fd) {
    for (int attempt = 0; attempt < 20; ++attempt) {
        char buf[256] = {};
        const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
        std::string text = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
        if (!text.empty() && text.back() == '\n') {
            text.pop_back();
            const size_t space = text.find(' ');
            if (space == std::string::npos) return "pid " + text;
            return "pid " + text.substr(0, space) + ", " + text.substr(space + 1);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return "pid unknown";
}

}  // namespace

RunLock::RunLock(const std::string& run_dir, const std::string& role)
    : path_((fs::path(run_dir) / run_files::kLock).string()) {
    std::error_code ec;
    fs::create_directories(run_dir, ec);
    if (ec || !fs::is_directory(run_dir, ec))
        throw CheckpointError("cannot create the run directory '" + run_dir + "' (" +
                              ec.message() + "); set trainer.output_dir to a writable folder");
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw CheckpointError("cannot open the run lock '" + path_ + "': " +
                              std::strerror(errno) + " (is the run directory writable?)");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const std::string holder = err == EWOULDBLOCK ? holder_of(fd_) : "";
        ::close(fd_);
        fd_ = -1;
        if (err != EWOULDBLOCK)
            throw CheckpointError("cannot lock '" + path_ + "': " + std::strerror(err));
        throw CheckpointError("the run directory '" + run_dir +
                              "' is in use by another mmupt process (" + holder +
                              "); wait for it to finish or stop it (kill -INT <pid>), then try "
                              "again");
    }
    const std::string text = std::to_string(::getpid()) + " " + role + "\n";
    if (::ftruncate(fd_, 0) != 0 ||
        ::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
        // The lock is held; only the holder's note is missing (e.g. disk full): keep going.
    }
}

RunLock::RunLock(RunLock&& other) noexcept : path_(std::move(other.path_)), fd_(other.fd_) {
    other.fd_ = -1;
}

RunLock::~RunLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the flock
}

}  // namespace mmupt
