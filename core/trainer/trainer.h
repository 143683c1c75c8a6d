// The training engine: one run of MM-UPT (majority-vote GRPO) or of its supervised baselines
// (`accuracy` GRPO, `sft`) on the calling thread, which owns every tensor. Trainer::train_step
// is the method, top to bottom (STYLE §5); run() is the loop around it: pause / stop / cancel
// between steps, metrics and samples appended to the run directory, checkpoints every
// trainer.save_every steps, at each new best validation (trainer_best.cpp) and at the end (also
// after a stop: status.json `interrupted`), K consecutive non-finite steps fail the run.
// Departures from the reference (EasyR1-based MM-UPT code), on purpose:
//  1. Micro-batch losses are weighted by their share of the mini-batch's tokens, so gradient
//     accumulation gives exactly the token-mean over the mini-batch (policy_update.h).
//  2. Mini-batches are consecutive groups of prompts in sampling order (no shuffle).
//  3. A prompt that is too long or whose image fails to decode is replaced by the next example.
//  4. A sample is cut before any vision placeholder token it generates (rollout.h).
// As in the reference, old / reference / current log-probs are all of softmax(logits / T) at the
// rollout temperature T, and the old ones are recomputed by the policy before the updates.
// The CLI and the GUI both reach this class through the Session (engine_session.cpp).
#pragma once
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config/run_config.h"
#include "core/data/data_cursor.h"
#include "core/data/dataset.h"
#include "core/model/lora.h"
#include "core/model/model_dir.h"
#include "core/session/run_lock.h"
#include "core/session/session.h"
#include "core/trainer/adamw.h"
#include "core/trainer/checkpoint_store.h"
#include "core/trainer/policy_update.h"
#include "core/trainer/prompt_builder.h"
#include "core/trainer/rollout.h"
#include "core/trainer/run_writer.h"
#include "core/trainer/trainer_checkpoint.h"

namespace mmupt {

class DistGroup;   // core/dist/process_group.h
class GradSync;    // core/dist/grad_sync.h
class EmaTeacher;  // core/trainer/ema_teacher.h

// Run control shared with other threads: read between steps (cancel also between micro-batches).
struct TrainerControl {
    std::atomic<bool> stop{false};    // finish the step, checkpoint, end as `finished`
    std::atomic<bool> cancel{false};  // abandon the step, no checkpoint, end as `cancelled`
    std::atomic<bool> pause{false};   // wait between steps while set
};

// What a run trains. Built from disk by load_training_model, or in memory by tests.
struct TrainingModel {
    ModelDir dir;                     // tokenizer, processor, generation config; copied on save
    VlmModel policy{nullptr};         // trained, on the run's device and dtype
    VlmModel reference{nullptr};      // frozen initial policy; null when algorithm.kl_coef = 0
                                      // and with LoRA (the reference is the policy, adapters off)
    std::shared_ptr<LoraModel> lora;  // model.lora.enabled: the trained adapters on `policy`
};

// "auto" -> cuda:0 when CUDA is available, else cpu; ConfigError for a bad spec or a CUDA
// device this build / machine does not have.
at::Device resolve_device(const std::string& spec);
at::ScalarType to_scalar_type(Dtype dtype);
// ConfigError naming model.dtype when the dtype cannot run on the device (float16 on CPU).
void check_dtype_fits_device(at::ScalarType dtype, const at::Device& device,
                             const std::string& device_spec);

// The policy from `policy_dir` (model.path, or a checkpoint when resuming) and the reference from
// model.path. With LoRA: the base from model.path with adapters from the checkpoint, from
// model.lora.adapter_path, or new. Throws FormatError / ModelError / ConfigError naming the file.
TrainingModel load_training_model(const RunConfig& config, const std::string& policy_dir);

// Data parallelism (docs/distributed.md). The process group of this rank when the environment
// describes a distributed run (WORLD_SIZE / SLURM_NTASKS > 1, ...), else null; with CUDA,
// config.model.device becomes cuda:LOCAL_RANK. Throws DistError / ConfigError.
std::shared_ptr<DistGroup> connect_from_env(RunConfig& config);
// Rank 0's newest complete checkpoint, handed to every rank (each checks it can read it).
std::optional<CheckpointInfo> agree_on_checkpoint(DistGroup& group,
                                                  const std::optional<CheckpointInfo>& mine);

class Trainer {
  public:
    // A new run in config.trainer.output_dir (which must not already hold one: resume it).
    // Loads the model and the data and writes config.yaml. Throws mmupt::Error.
    static std::unique_ptr<Trainer> start(const RunConfig& config, SessionObserver* observer,
                                          const TrainerControl* control);
    // Continues `run_dir` from its newest complete checkpoint (config from its config.yaml, with
    // options.overrides on top, checked against the checkpoint's own config: ConfigError lists
    // trajectory-altering changes unless options.allow_config_change).
    static std::unique_ptr<Trainer> resume(const std::string& run_dir, SessionObserver* observer,
                                           const TrainerControl* control,
                                           const ResumeOptions& options = {});
    // With a model built by the caller (tests). `resume_from`: nullopt = a new run (the
    // directory must not hold one); "" = continue the directory's run from step 0 (no complete
    // checkpoint yet); a path = continue from that checkpoint (the model must come from it).
    // Every Trainer holds the run directory's lock (run_lock.h) for its lifetime.
    // `dist`: this rank's process group in a data-parallel run (docs/distributed.md); start()
    // and resume() connect one from the environment (MASTER_ADDR, WORLD_SIZE, RANK, ...).
    // Rank 0 alone writes the run directory (and holds its lock); the others only read it.
    Trainer(const RunConfig& config, TrainingModel model, SessionObserver* observer,
            const TrainerControl* control,
            const std::optional<std::string>& resume_from = std::nullopt,
            std::shared_ptr<DistGroup> dist = nullptr);
    ~Trainer();

    // The loop; never throws: failures become RunFinished{failed, message} with the run
    // directory left as it was after the last complete step.
    RunFinished run();
    // One step (B prompts x G samples, updates, report). nullopt when cancelled mid-step (the
    // step is then discarded: nothing written). Throws on errors.
    std::optional<StepMetrics> train_step();
    // Writes checkpoints/step-<step>/ now.
    CheckpointInfo save_checkpoint();

    int step() const { return state_.step; }
    int total_steps() const { return total_steps_; }
    const RunConfig& config() const { return config_; }
    const std::string& run_dir() const { return writer_.dir(); }
    VlmModel& policy() { return model_.policy; }

  private:
    Trainer(const RunConfig& config, TrainingModel model, SessionObserver* observer,
            const TrainerControl* control, const std::optional<std::string>& resume_from,
            std::optional<RunLock> lock, std::shared_ptr<DistGroup> dist);
    // Data parallelism (trainer_dist.cpp); no-ops in one process.
    bool writes_run_dir() const;  // rank 0, or no group
    void setup_dist(const std::vector<at::Tensor>& trainable);
    std::vector<Prompt> local_prompts(int step, std::vector<Prompt> all);
    void distribute_plan(UpdatePlan& plan) const;
    void reduce_step(StepMetrics& m, int step);
    void gather_groups(int step);
    bool sync_control();  // false when the ranks agreed to stop / cancel before the next step
    std::vector<Prompt> next_prompts();
    GenerationParams generation_params(int step) const;
    UpdatePlan update_plan(int64_t rows_per_prompt) const;
    StepMetrics grpo_step(int step, const std::vector<Prompt>& prompts, bool& cancelled);
    Rollout lora_rollout(int step, const std::vector<Prompt>& prompts);  // adapted weights
    void seed_lora_dropout(int step);
    // No vision parameter trains (LoRA, model.freeze_vision): image features can be cached.
    bool vision_frozen() const { return model_.lora || config_.model.freeze_vision; }
    StepMetrics sft_step(int step, const std::vector<Prompt>& prompts, bool& cancelled);
    void check_finite(const StepMetrics& metrics);
    // Collapse alarm and safeguards (trainer_collapse.cpp).
    ScoredRollout score_step(int step, const Rollout& rollout, const std::vector<Prompt>& prompts);
    void add_collapse_metrics(StepMetrics& metrics, const ScoredRollout& scored,
                              const std::vector<Prompt>& prompts);
    bool act_on_alarm();  // run(): after each step; false = end the run (collapse.alarm = stop)
    void roll_back(const CheckpointInfo& to);
    // algorithm.vote_source = ema: the teacher as saved in `checkpoint_dir` (resume, rollback).
    void restore_teacher(const std::string& checkpoint_dir);
    void validate_into(StepMetrics& metrics);  // trainer.val_every: greedy / maj accuracy
    // Best-checkpoint selection (trainer_best.cpp): trainer.best_metric over the validations.
    void setup_best();                       // the metric used; best.json = the resumed state
    void update_best(const StepMetrics& m);  // a better validation: checkpoint + best.json
    void log_best();                         // the end of run(): which one, how to export it
    void report_step(const StepMetrics& metrics, const std::vector<RolloutGroup>& groups);
    void log(LogLevel level, const std::string& message);
    void set_state(RunState state);
    bool wait_while_paused();  // false when stop / cancel came while paused
    double elapsed_s() const;

    std::optional<RunLock> lock_;      // first: held before the run directory is touched (rank 0)
    std::shared_ptr<DistGroup> dist_;  // null in one process; before writer_ (rank 0 writes)
    RunConfig config_;
    TrainingModel model_;
    SessionObserver* observer_;
    const TrainerControl* control_;
    at::Device device_;
    RunWriter writer_;
    CheckpointStore store_;
    Dataset data_;
    Dataset val_data_;  // data.val_files (labels used for evaluation only)
    std::unique_ptr<DataCursor> cursor_;
    std::unique_ptr<PromptBuilder> prompts_;
    std::unique_ptr<AdamW> optimizer_;
    std::unique_ptr<EmaTeacher> teacher_;  // algorithm.vote_source = ema; else null
    RewardSetup reward_;
    TrainerState state_;
    int total_steps_ = 0;
    int last_saved_step_ = -1;
    std::string best_metric_;                // the metric selection uses; "" = no selection
    std::vector<RolloutGroup> step_groups_;  // the current step's samples.jsonl records
    struct FiredAlarm {
        int step = 0;
        std::vector<std::string> reasons;
        std::map<std::string, double> signals;
    };
    std::optional<FiredAlarm> fired_alarm_;  // set by the step, handled by act_on_alarm()
    // One prompt's share of the label-free collapse signals (trainer_collapse.cpp).
    struct CollapsePrompt {
        std::string image_key;                              // tells images apart
        std::optional<std::string> majority;                // the policy's majority answer
        std::vector<std::optional<std::string>> answers;    // (G) the policy's answers
        std::vector<std::optional<std::string>> reference;  // (M) the reference's; may be empty
        std::vector<std::optional<bool>> contradicts;       // (G) boxed answer vs reasoning
    };
    // Data-parallel: every rank's prompts in the single-process order (trainer_dist.cpp), so
    // that the signals are over all B prompts and every rank reaches the same alarm verdict.
    // token_entropy (actor/entropy) and majority_ratio (vote/majority_ratio) come back combined
    // over the ranks as reduce_step will combine them for metrics.jsonl.
    void gather_collapse_inputs(std::vector<CollapsePrompt>& prompts, double& token_entropy,
                                double& majority_ratio);
    bool warned_no_reference_ = false;  // collapse/reference_drift: said once per run
    std::string alarm_stop_;            // why the alarm ended the run ("" = it did not)
    std::chrono::steady_clock::time_point started_;
    std::unique_ptr<GradSync> grad_sync_;           // with dist_
    const TrainerControl* user_control_ = nullptr;  // with dist_: the CLI's / GUI's flags ...
    TrainerControl agreed_control_;  // ... agreed over the ranks between steps; control_ = this
    double collective_bytes_seen_ = 0, collective_s_seen_ = 0;  // DistStats at the last report
};

}  // namespace mmupt
