// Checkpoint directories of a run: each save is written into checkpoints/.tmp-step-N, with
// trainer_state.json last, fsynced, then renamed to checkpoints/step-N; only the newest
// `keep_last` are kept, and only checkpoints older than the one just published are pruned;
// the step set by keep_step (the best checkpoint, best_checkpoint.h) is never pruned.
// A crash at any point leaves either the old set or the new one complete.
// What goes inside (model weights, optimizer state) is the trainer's business, not this file's.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "core/session/session_types.h"

namespace mmupt {

class CheckpointStore {
  public:
    // keep_last <= 0 keeps every checkpoint.
    CheckpointStore(std::string run_dir, int keep_last);

    // A fresh, empty temporary directory for step `step` (a stale one from a crash is removed).
    // Throws CheckpointError when it cannot be created.
    std::string begin(int step);

    // Writes `trainer_state` (which should hold "step" and may hold "metrics") as
    // trainer_state.json, fsyncs the files, renames the temp directory into place (replacing an
    // older save of the same step) and prunes beyond keep_last. Throws CheckpointError; on
    // failure the temp directory is removed and earlier checkpoints are untouched.
    CheckpointInfo commit(int step, const nlohmann::json& trainer_state);

    // A checkpoint step that pruning must keep on top of the newest keep_last (the run's best
    // checkpoint); nullopt = none.
    void keep_step(std::optional<int> step) { kept_step_ = step; }

    // Drops an unfinished save.
    void abort(int step) noexcept;

    // The newest complete checkpoint, if any.
    std::optional<CheckpointInfo> latest() const;

    // Removes leftovers of interrupted saves (.tmp-step-*, .old-step-*). Returns how many.
    int clean_incomplete() noexcept;

    std::string checkpoints_dir() const;

  private:
    std::string run_dir_;
    int keep_last_;
    std::optional<int> kept_step_;
};

}  // namespace mmupt
