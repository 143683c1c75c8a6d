#include "app/cli/progress_bar.h"

#include <unistd.h>

#include <cmath>

namespace mmupt::cli {

ProgressBar::ProgressBar(std::string label, long long total, std::FILE* out, int plain_every)
    : label_(std::move(label)),
      total_(total),
      out_(out),
      plain_every_(plain_every < 1 ? 1 : plain_every),
      tty_(::isatty(::fileno(out)) != 0),
      start_(std::chrono::steady_clock::now()) {}

std::string ProgressBar::format_duration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "?";
    long long s = static_cast<long long>(seconds + 0.5);
    char buf[32];
    if (s >= 3600) {
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    } else {
        std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
    }
    return buf;
}

void ProgressBar::update(long long done,
                         const std::vector<std::pair<std::string, double>>& values) {
    ++updates_;
    if (!tty_ && updates_ % plain_every_ != 0 && done != total_) return;
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    double eta = done > 0 && total_ > 0 ? elapsed / done * (total_ - done) : NAN;
    std::string line = label_ + " " + std::to_string(done) + "/" + std::to_string(total_);
    if (tty_ && total_ > 0) {
        const int width = 24;
        int filled = static_cast<int>(width * static_cast<double>(done) / total_);
        line += " [" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
    }
    line += " " + format_duration(elapsed) + "<" + format_duration(eta);
    for (const auto& [name, v] : values) {
        char buf[64];
        std::snprintf(buf, sizeof buf, " %s %.4g", name.c_str(), v);
        line += buf;
    }
    if (tty_) {
        std::fprintf(out_, "\r\033[K%s", line.c_str());
        drawn_ = true;
    } else {
        std::fprintf(out_, "%s\n", line.c_str());
    }
    std::fflush(out_);
}

void ProgressBar::finish() {
    if (tty_ && drawn_) std::fprintf(out_, "\n");
    drawn_ = false;
    std::fflush(out_);
}

}  // namespace mmupt::cli
