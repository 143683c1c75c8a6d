// Appends a run's records to its directory (docs/run_dir.md): metrics.jsonl, samples.jsonl and
// train.log, one complete line per write, flushed, so the studio can follow a live run, and
// status.json (the run's state), replaced atomically. On
// resume, records of steps past the checkpoint (and a line torn by a kill) are dropped first.
// Not here: config.yaml (write_resolved_config) or checkpoints (trainer_checkpoint.h).
// One writer per run; not thread-safe. Errors: CheckpointError naming the file.
#pragma once
#include <string>
#include <vector>

#include "core/session/session_types.h"

namespace mmupt {

class RunWriter {
  public:
    // Creates `run_dir` when needed; throws CheckpointError when it cannot be created or written.
    // `writes` false (the ranks other than 0 of a data-parallel run): every call is a no-op.
    explicit RunWriter(std::string run_dir, bool writes = true);

    void append_metrics(const StepMetrics& metrics);
    void append_groups(const std::vector<RolloutGroup>& groups);
    void append_log(const LogRecord& record);
    // alarms.jsonl: one collapse-alarm firing, a complete JSON object (docs/collapse.md).
    void append_alarm(const std::string& json_line);

    // Replaces status.json atomically: {"state": running | finished | interrupted | failed |
    // cancelled, "step", "total_steps", "pid", "message", "time"} (docs/run_dir.md).
    void write_status(const std::string& state, int step, int total_steps,
                      const std::string& message = "");

    // Rewrites metrics.jsonl and samples.jsonl keeping only complete records of steps <= `step`
    // (atomically, file by file). Returns how many records were dropped.
    int truncate_after(int step);

    const std::string& dir() const { return dir_; }
    std::string path(const char* file) const;

  private:
    void append_line(const char* file, const std::string& line);
    std::string dir_;
    bool writes_ = true;
};

}  // namespace mmupt
