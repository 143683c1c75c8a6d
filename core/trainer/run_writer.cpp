// Run-directory appends and the resume truncation (run_writer.h).
#include "core/trainer/run_writer.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/io/atomic_file.h"
#include "core/session/run_files.h"
#include "core/util/errors.h"
#include "core/util/test_pause.h"

namespace mmupt {
namespace fs = std::filesystem;

RunWriter::RunWriter(std::string run_dir, bool writes) : dir_(std::move(run_dir)), writes_(writes) {
    if (!writes_) return;
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_))
        throw CheckpointError("cannot create the run directory '" + dir_ + "' (" + ec.message() +
                              "); set trainer.output_dir to a writable folder");
}

std::string RunWriter::path(const char* file) const { return (fs::path(dir_) / file).string(); }

void RunWriter::append_line(const char* file, const std::string& line) {
    if (!writes_) return;
    std::ofstream out(path(file), std::ios::binary | std::ios::app);
    out << line << '\n';
    out.flush();
    if (!out) throw CheckpointError("cannot append to '" + path(file) + "' (disk full?)");
}

void RunWriter::append_metrics(const StepMetrics& metrics) {
    append_line(run_files::kMetrics, to_json_line(metrics));
}

void RunWriter::append_groups(const std::vector<RolloutGroup>& groups) {
    if (groups.empty()) return;
    std::string text;
    for (const auto& g : groups) text += to_json_line(g) + "\n";
    text.pop_back();
    append_line(run_files::kSamples, text);
}

void RunWriter::append_alarm(const std::string& json_line) {
    append_line(run_files::kAlarms, json_line);
}

void RunWriter::append_log(const LogRecord& record) {
    const std::time_t t = static_cast<std::time_t>(record.time_s);
    std::tm tm{};
    localtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
    append_line(run_files::kLog,
                std::string(stamp) + " " + log_level_name(record.level) + " " + record.message);
}

void RunWriter::write_status(const std::string& state, int step, int total_steps,
                             const std::string& message) {
    if (!writes_) return;
    const nlohmann::json j = {{"state", state},
                              {"step", step},
                              {"total_steps", total_steps},
                              {"pid", static_cast<long long>(::getpid())},
                              {"message", message},
                              {"time", static_cast<long long>(std::time(nullptr))}};
    const std::string text = j.dump(2) + "\n";
    AtomicFile out(path(run_files::kStatus));
    out.write(text.data(), text.size());
    out.commit();
}

int RunWriter::truncate_after(int step) {
    int dropped = 0;
    if (!writes_) return dropped;
    for (const char* file : {run_files::kMetrics, run_files::kSamples, run_files::kAlarms}) {
        std::ifstream in(path(file), std::ios::binary);
        if (!in) continue;
        std::stringstream buf;
        buf << in.rdbuf();
        const std::string text = buf.str();
        std::string kept;
        size_t start = 0;
        for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1) {
            const std::string line = text.substr(start, nl - start);
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (!j.is_discarded() && j.is_object() && j.contains("step") &&
                j["step"].is_number_integer() && j["step"].get<int>() <= step)
                kept += line + "\n";
            else
                ++dropped;
        }
        if (start < text.size()) ++dropped;  // a line torn by a kill
        AtomicFile out(path(file));
        out.write(kept.data(), kept.size());
        out.commit();
        test_pause_point("resume-truncate");  // after the first file (metrics.jsonl)
    }
    return dropped;
}

}  // namespace mmupt
