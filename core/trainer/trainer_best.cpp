// The Trainer's best-checkpoint selection (issue #15): after each validation (trainer.val_every,
// rank 0), a value of trainer.best_metric above every earlier one makes the step's checkpoint the
// best: saved now (it would otherwise wait for save_every), never pruned (CheckpointStore::
// keep_step), recorded in trainer_state.json ("best", so a resume keeps it) and in RUN/best.json
// (best_checkpoint.h) for `mmupt export --step best` and the studio. Not here: validation itself
// (trainer_step.cpp).
#include <filesystem>

#include "core/trainer/trainer.h"

namespace mmupt {
namespace fs = std::filesystem;

void Trainer::setup_best() {
    const TrainerConfig& t = config_.trainer;
    best_metric_.clear();
    if (t.val_every > 0 && t.best_metric != "none") best_metric_ = t.best_metric;
    // Greedy validation reports val/greedy_accuracy alone (trainer_step.cpp, validate_into).
    if (!best_metric_.empty() && best_metric_ != "val/greedy_accuracy" &&
        config_.rollout.val_temperature <= 0) {
        log(LogLevel::info, "trainer.best_metric = " + best_metric_ +
                                " needs sampled validation (rollout.val_temperature > 0); "
                                "validation is greedy here, so the best checkpoint is chosen "
                                "by val/greedy_accuracy");
        best_metric_ = "val/greedy_accuracy";
    }
    if (state_.best && !best_metric_.empty() && state_.best->metric != best_metric_) {
        log(LogLevel::warning, "the best checkpoint so far (step " +
                                   std::to_string(state_.best->step) + ") was chosen by " +
                                   state_.best->metric + "; selection by " + best_metric_ +
                                   " starts over (that checkpoint may now be pruned)");
        state_.best.reset();
    }
    store_.keep_step(state_.best ? std::optional<int>(state_.best->step) : std::nullopt);
    if (!writes_run_dir()) return;
    // best.json follows the trainer state resumed from: a kill between a best checkpoint's
    // commit and best.json's replacement left the older record.
    if (state_.best)
        write_best_checkpoint(writer_.dir(), *state_.best);
    else
        remove_best_checkpoint(writer_.dir());
}

void Trainer::update_best(const StepMetrics& m) {
    // A step whose update was skipped as non-finite is not saved (run()); neither is it the best.
    if (best_metric_.empty() || !writes_run_dir() || state_.bad_steps > 0) return;
    auto it = m.values.find(best_metric_);  // present only at validation steps
    if (it == m.values.end() || !beats_best(state_.best, it->second)) return;
    const std::optional<BestCheckpoint> before = state_.best;
    state_.best = make_best(state_.step, best_metric_, it->second);
    store_.keep_step(state_.step);
    try {
        save_checkpoint();  // its trainer_state.json names itself as the best
    } catch (...) {
        state_.best = before;
        store_.keep_step(before ? std::optional<int>(before->step) : std::nullopt);
        throw;
    }
    write_best_checkpoint(writer_.dir(), *state_.best);
    log(LogLevel::info, "best checkpoint so far: step " + std::to_string(state_.step) + " (" +
                            best_metric_ + " " + format_best_value(it->second) + ")");
}

void Trainer::log_best() {
    if (!state_.best || !writes_run_dir()) return;
    const BestCheckpoint& b = *state_.best;
    log(LogLevel::info, "best checkpoint: " + (fs::path(writer_.dir()) / b.checkpoint).string() +
                            " (" + b.metric + " " + format_best_value(b.value) + " at step " +
                            std::to_string(b.step) + "); export it with `mmupt export --run " +
                            writer_.dir() + " --step best --out MODEL_DIR`");
}

}  // namespace mmupt
