// The run-directory contract in code: JSON lines of metrics.jsonl and samples.jsonl to and from
// the plain structs of session_types.h, and a tail reader that follows files another process is
// still appending to (a CLI run the GUI watches). Torch-free. The file layout: docs/run_dir.md.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/session/session_types.h"

namespace mmupt {

namespace run_files {
inline constexpr const char* kConfig = "config.yaml";
inline constexpr const char* kMetrics = "metrics.jsonl";
inline constexpr const char* kSamples = "samples.jsonl";
inline constexpr const char* kLog = "train.log";
inline constexpr const char* kCheckpoints = "checkpoints";
inline constexpr const char* kModelFiles = "model_files";  // tokenizer etc. every save copies
inline constexpr const char* kAlarms = "alarms.jsonl";     // collapse alarm firings
inline constexpr const char* kStatus = "status.json";      // running / finished / interrupted ...
inline constexpr const char* kBest = "best.json";          // best checkpoint by validation
inline constexpr const char* kLock = ".lock";              // flock'ed by the one writer
}  // namespace run_files

// One JSON object per line, no trailing newline. Non-finite values are written as null.
std::string to_json_line(const StepMetrics& metrics);
std::string to_json_line(const RolloutGroup& group);

// Parse one line; throw DataError("<what>: <reason>") on malformed input.
StepMetrics step_metrics_from_json(const std::string& line);
RolloutGroup rollout_group_from_json(const std::string& line);

// Reads complete lines appended since the last call; a partial last line (a writer mid-append)
// is kept for the next call. Malformed complete lines are counted and skipped, never thrown.
class JsonlTail {
  public:
    explicit JsonlTail(std::string path) : path_(std::move(path)) {}
    std::vector<std::string> read_new_lines();
    int malformed_lines() const { return malformed_; }
    void count_malformed() { ++malformed_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    std::uint64_t offset_ = 0;
    std::string partial_;
    int malformed_ = 0;
};

// Everything a finished or running run directory holds so far.
struct RunSnapshot {
    std::vector<StepMetrics> metrics;
    std::vector<RolloutGroup> groups;
    std::vector<CheckpointInfo> checkpoints;  // complete checkpoints only, ascending step
    int malformed_lines = 0;
};
// Throws DataError when `run_dir` is not a run directory (no metrics.jsonl nor config.yaml).
RunSnapshot read_run_directory(const std::string& run_dir);
// Complete checkpoints, ascending: directories checkpoints/step-N holding trainer_state.json
// (written last, then the temp directory is renamed into place; see docs/run_dir.md).
std::vector<CheckpointInfo> list_checkpoints(const std::string& run_dir);

}  // namespace mmupt
