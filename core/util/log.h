// Pluggable logging for core: core never writes to stdout itself. The CLI installs a stderr sink,
// the GUI bridge a sink that queues records for its log dock. Sinks may be called from any thread.
#pragma once
#include <functional>
#include <string>

namespace mmupt {

enum class LogLevel { debug = 0, info = 1, warning = 2, error = 3 };

struct LogRecord {
    LogLevel level = LogLevel::info;
    std::string message;
    double time_s = 0.0;  // seconds since the Unix epoch
};

using LogSink = std::function<void(const LogRecord&)>;

// Replaces the process-wide sink (nullptr restores the default stderr sink). Thread-safe.
void set_log_sink(LogSink sink);
void set_log_level(LogLevel min_level);
void log(LogLevel level, const std::string& message);

inline void log_debug(const std::string& m) { log(LogLevel::debug, m); }
inline void log_info(const std::string& m) { log(LogLevel::info, m); }
inline void log_warning(const std::string& m) { log(LogLevel::warning, m); }
inline void log_error(const std::string& m) { log(LogLevel::error, m); }

const char* log_level_name(LogLevel level);

}  // namespace mmupt
