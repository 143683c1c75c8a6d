// The run's best checkpoint by a validation metric (trainer.best_metric): RUN/best.json, written
// by the trainer (rank 0) whenever a validation beats every earlier one, read by `mmupt export
// --step best` and the studio's checkpoint list. Torch-free. The same record also lives in the
// checkpoints' trainer_state.json ("best"), so a resume keeps it; best.json is the copy others
// read. Not here: choosing when to validate or saving the checkpoint (core/trainer).
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

namespace mmupt {

// {"step": 40, "metric": "val/sampled_accuracy", "value": 0.83, "checkpoint":
// "checkpoints/step-40"}
struct BestCheckpoint {
    int step = 0;
    std::string metric;      // a validation key of metrics.jsonl, e.g. "val/sampled_accuracy"
    double value = 0.0;      // that metric at `step` (finite)
    std::string checkpoint;  // relative to the run directory: "checkpoints/step-<step>"
};

// Whether `value` at a validation becomes the best: strictly greater than the best so far (ties
// keep the earlier step), and the first finite value always does.
bool beats_best(const std::optional<BestCheckpoint>& best, double value);
// A record for `step`, its checkpoint path filled in.
BestCheckpoint make_best(int step, const std::string& metric, double value);

nlohmann::json to_json(const BestCheckpoint& best);
// Throws CheckpointError naming `source` and the missing / mistyped field.
BestCheckpoint best_checkpoint_from_json(const nlohmann::json& j, const std::string& source);

// RUN/best.json, nullopt when the run has none. Throws CheckpointError for a file that is not a
// best.json (names it and says to delete it or rerun validation).
std::optional<BestCheckpoint> read_best_checkpoint(const std::string& run_dir);
// Replaces RUN/best.json atomically (temporary file + rename). Throws CheckpointError.
void write_best_checkpoint(const std::string& run_dir, const BestCheckpoint& best);
// Removes RUN/best.json when present; false when there was none.
bool remove_best_checkpoint(const std::string& run_dir);

// "step 40 (best: val/sampled_accuracy 0.83)" style text of the value: 3 significant digits.
std::string format_best_value(double value);

}  // namespace mmupt
