// Process-wide log sink behind a mutex; the default sink writes "[level] message" to stderr.
#include "core/util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace mmupt {
namespace {

std::mutex g_sink_mutex;
LogSink g_sink;  // empty = stderr
std::atomic<int> g_min_level{static_cast<int>(LogLevel::info)};

void stderr_sink(const LogRecord& r) {
    std::fprintf(stderr, "[%s] %s\n", log_level_name(r.level), r.message.c_str());
}

}  // namespace

const char* log_level_name(LogLevel level) {
    switch (level) {
        case LogLevel::debug:
            return "debug";
        case LogLevel::info:
            return "info";
        case LogLevel::warning:
            return "warning";
        case LogLevel::error:
            return "error";
    }
    return "?";
}

void set_log_sink(LogSink sink) {
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    g_sink = std::move(sink);
}

void set_log_level(LogLevel min_level) { g_min_level = static_cast<int>(min_level); }

void log(LogLevel level, const std::string& message) {
    if (static_cast<int>(level) < g_min_level.load()) return;
    LogRecord r;
    r.level = level;
    r.message = message;
    r.time_s =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    std::lock_guard<std::mutex> lock(g_sink_mutex);
    if (g_sink) {
        g_sink(r);
    } else {
        stderr_sink(r);
    }
}

}  // namespace mmupt
