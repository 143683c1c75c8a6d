// AtomicFile: mkstemp in the target directory, write loop with EINTR handling, fsync, rename,
// directory fsync. POSIX only.
#include "core/io/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "core/util/errors.h"

namespace mmupt {

namespace {
std::string parent_dir(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}
}  // namespace

AtomicFile::AtomicFile(std::string target) : target_(std::move(target)) {
    std::string templ = target_ + ".tmp-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    fd_ = mkstemp(buf.data());
    if (fd_ < 0)
        throw CheckpointError(target_ + ": cannot create a temporary file beside it: " +
                              std::strerror(errno) + " (is the directory writable?)");
    temp_ = buf.data();
    (void)fchmod(fd_, 0644);  // mkstemp creates 0600; checkpoints are ordinary files
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) close(fd_);
    if (!committed_ && !temp_.empty()) unlink(temp_.c_str());
}

void AtomicFile::fail(const std::string& what, int err) {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    unlink(temp_.c_str());
    temp_.clear();
    throw CheckpointError(target_ + ": " + what + " failed after " + std::to_string(written_) +
                          " bytes: " + std::strerror(err) +
                          " (free disk space or choose another directory; any existing file "
                          "was left unchanged)");
}

void AtomicFile::write(const void* data, size_t n) {
    if (fd_ < 0) throw CheckpointError(target_ + ": write after failure or commit");
    const auto* p = static_cast<const unsigned char*>(data);
    while (n > 0) {
        size_t chunk = n > (1u << 30) ? (1u << 30) : n;
        ssize_t put = ::write(fd_, p, chunk);
        if (put < 0 && errno == EINTR) continue;
        if (put < 0) fail("write", errno);
        if (put == 0) fail("write", ENOSPC);
        p += put;
        n -= static_cast<size_t>(put);
        written_ += static_cast<uint64_t>(put);
    }
}

void AtomicFile::commit() {
    if (fd_ < 0) throw CheckpointError(target_ + ": commit after failure or commit");
    if (fsync(fd_) != 0) fail("fsync", errno);
    if (close(fd_) != 0) {
        fd_ = -1;
        fail("close", errno);
    }
    fd_ = -1;
    if (rename(temp_.c_str(), target_.c_str()) != 0) fail("rename", errno);
    committed_ = true;
    // Make the rename itself durable; failure here leaves a complete file, so it is not fatal.
    int dir = ::open(parent_dir(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        fsync(dir);
        close(dir);
    }
}

}  // namespace mmupt
