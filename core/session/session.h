// The one narrow, torch-free facade through which the GUI (and tests) drive the engine.
// A Session owns one worker thread that owns every tensor; commands return at once and the
// observer hears back on that worker thread. Implementations live in core (torch inside).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/session/session_types.h"
#include "core/trainer/memory_plan.h"

namespace mmupt {

// Called on the session's worker thread. Keep handlers short and thread-safe: the UI bridge
// buffers under a mutex and drains on a timer. Handlers must not throw.
class SessionObserver {
  public:
    virtual ~SessionObserver() = default;
    virtual void on_state(RunState /*state*/) {}
    virtual void on_step(const StepMetrics& /*metrics*/) {}
    virtual void on_groups(const std::vector<RolloutGroup>& /*groups*/) {}
    virtual void on_log(const LogRecord& /*record*/) {}
    virtual void on_checkpoint(const CheckpointInfo& /*info*/) {}
    virtual void on_progress(const std::string& /*task*/, double /*fraction*/) {}  // export etc.
    virtual void on_finished(const RunFinished& /*result*/) {}
};

// Same layering as the CLI: schema defaults < YAML file < `--set key=value` lines, in order.
struct ConfigSource {
    std::string yaml_path;               // empty = defaults only
    std::vector<std::string> overrides;  // "rollout.n=8", applied in order
};

// How `resume_training` may change a run's config (`mmupt train --resume RUN --set ...`): the
// overrides go over RUN/config.yaml; a change that alters the trajectory (config_diff.h) is
// refused with the list of keys unless allow_config_change, which records it in train.log.
struct ResumeOptions {
    std::vector<std::string> overrides;  // "trainer.max_steps=10", applied in order
    bool allow_config_change = false;
};

class Session {
  public:
    virtual ~Session() = default;

    // The observer outlives nothing: the session keeps a shared reference.
    virtual void set_observer(std::shared_ptr<SessionObserver> observer) = 0;

    // Synchronous checks for the setup form; throw mmupt::Error with an actionable message.
    virtual ModelSummary inspect_model(const std::string& model_dir,
                                       const ConfigSource& config) = 0;
    virtual DatasetSummary inspect_dataset(const ConfigSource& config) = 0;

    // Long-running work on the worker thread; each throws mmupt::Error at once if a run is active.
    virtual void start_training(const ConfigSource& config) = 0;
    virtual void resume_training(const std::string& run_dir, const ResumeOptions& options = {}) = 0;
    // Samples G answers for the first `num_images` examples and votes; reports on_groups.
    virtual void preview_votes(const ConfigSource& config, int num_images) = 0;
    // Writes only where inspect_export_target (core/io/export_target.h) allows: ask the user
    // before passing replace_earlier_export = true for an EarlierExport target (check_export in
    // export_check.h tells which). `dtype`: "" keeps the checkpoint's own, else "float32",
    // "bfloat16" or "float16".
    virtual void export_checkpoint(const std::string& checkpoint_dir, const std::string& out_dir,
                                   bool replace_earlier_export = false,
                                   const std::string& dtype = "") = 0;

    // Run control, callable from any thread; take effect between steps.
    virtual void pause() = 0;
    virtual void resume() = 0;
    virtual void stop_at_next_step() = 0;  // finish the step, checkpoint, end as `finished`
    virtual void cancel() = 0;             // abandon the step at the next safe point, no checkpoint

    virtual RunState state() const = 0;
    virtual void wait() = 0;  // blocks until the worker is idle
};

// The real engine (libtorch). Defined by the trainer.
std::unique_ptr<Session> create_session();

// "Will it fit?" for the setup form: the predicted peak memory of a training step (full and
// LoRA) from `model_dir`/config.json and the layered config; instant (no weights read), any
// thread. `device_memory` bytes (0 = unknown) also yields the largest rollout rows that fit.
// Throws mmupt::Error naming the file or field.
MemoryPlan plan_training_memory(const std::string& model_dir, const ConfigSource& config,
                                int64_t device_memory = 0);

}  // namespace mmupt
