// One writer per run directory: an advisory flock(2) on RUN/.lock, held by `mmupt train`, its
// resume and an export reading the run, for as long as they work on it. The holder writes its
// pid and role into the file; a second process is refused at once with that pid. The kernel
// drops the lock when the holder dies (even by SIGKILL), so a stale file never blocks. The
// descriptor is close-on-exec: child processes never inherit the lock. Torch-free.
#pragma once
#include <string>

namespace mmupt {

class RunLock {
  public:
    // Takes RUN/.lock (creating `run_dir` when needed) without waiting. Throws CheckpointError
    // naming the holder's pid and role when another process (or another RunLock of this
    // process) holds it, or when the file cannot be created.
    RunLock(const std::string& run_dir, const std::string& role);
    ~RunLock();
    RunLock(RunLock&& other) noexcept;
    RunLock& operator=(RunLock&&) = delete;
    RunLock(const RunLock&) = delete;
    RunLock& operator=(const RunLock&) = delete;

    const std::string& path() const { return path_; }

  private:
    std::string path_;
    int fd_ = -1;
};

}  // namespace mmupt
