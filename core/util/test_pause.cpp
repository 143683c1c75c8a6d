// MMUPT_TEST_PAUSE_AT (test_pause.h).
#include "core/util/test_pause.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

namespace mmupt {
namespace {

std::atomic<int> g_step{0};
std::atomic<bool> g_fired{false};

struct PauseSpec {
    std::string phase;  // empty: no pause requested
    int step = -1;      // -1: any step
};

const PauseSpec& spec() {
    static const PauseSpec s = [] {
        PauseSpec p;
        const char* v = std::getenv("MMUPT_TEST_PAUSE_AT");
        if (!v || !*v) return p;
        // Data-parallel tests pause one rank only (RANK as set by `mmupt train --nproc`).
        const char* only = std::getenv("MMUPT_TEST_PAUSE_RANK");
        const char* rank = std::getenv("RANK");
        if (only && *only && std::string(only) != (rank ? rank : "0")) return p;
        const std::string text(v);
        const size_t at = text.find('@');
        p.phase = text.substr(0, at);
        if (at != std::string::npos) p.step = std::atoi(text.c_str() + at + 1);
        return p;
    }();
    return s;
}

}  // namespace

void test_pause_set_step(int step) { g_step = step; }

void test_pause_point(const char* phase) {
    const PauseSpec& s = spec();
    if (s.phase.empty() || s.phase != phase || (s.step >= 0 && s.step != g_step)) return;
    if (g_fired.exchange(true)) return;
    const std::string where = std::string(phase) + "@" + std::to_string(g_step.load());
    std::fprintf(stderr, "[test] pausing at %s\n", where.c_str());
    if (const char* mark = std::getenv("MMUPT_TEST_PAUSE_MARK")) {
        std::ofstream(std::string(mark) + ".tmp") << where << "\n";
        std::rename((std::string(mark) + ".tmp").c_str(), mark);
    }
    const char* secs = std::getenv("MMUPT_TEST_PAUSE_S");
    std::this_thread::sleep_for(std::chrono::duration<double>(secs ? std::atof(secs) : 60.0));
}

}  // namespace mmupt
