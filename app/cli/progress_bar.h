// A one-line terminal progress bar for long CLI jobs (training, eval): step x/y, a bar,
// elapsed < ETA and a few named values. Redraws in place on a TTY; on a pipe or file it prints
// a plain line every `plain_every` updates so logs stay readable.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace mmupt::cli {

class ProgressBar {
  public:
    ProgressBar(std::string label, long long total, std::FILE* out = stderr, int plain_every = 1);
    // `done` items finished; `values` shown as "name value" pairs after the ETA.
    void update(long long done, const std::vector<std::pair<std::string, double>>& values = {});
    void finish();  // ends the line on a TTY

    // "1:02:03" / "4:05" style durations, for tests and other printers.
    static std::string format_duration(double seconds);

  private:
    std::string label_;
    long long total_;
    std::FILE* out_;
    int plain_every_;
    bool tty_;
    int updates_ = 0;
    bool drawn_ = false;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace mmupt::cli
