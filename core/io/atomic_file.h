// Atomic file replacement: write to a temporary file in the target's directory, fsync, rename
// over the target, fsync the directory. Until commit() the old file is untouched; on any
// failure (or destruction without commit) the temporary file is removed.
// Not thread-safe (one writer per object). Errors throw CheckpointError naming the target.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace mmupt {

class AtomicFile {
  public:
    explicit AtomicFile(std::string target);  // creates "<target>.tmp-XXXXXX"
    ~AtomicFile();                            // removes the temp file unless committed
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(const void* data, size_t n);  // all of it, or throws (e.g. disk full)
    void commit();                           // fsync + rename + directory fsync
    uint64_t written() const { return written_; }
    const std::string& temp_path() const { return temp_; }

  private:
    [[noreturn]] void fail(const std::string& what, int err);
    std::string target_, temp_;
    int fd_ = -1;
    uint64_t written_ = 0;
    bool committed_ = false;
};

}  // namespace mmupt
