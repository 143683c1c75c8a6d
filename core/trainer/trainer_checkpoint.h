// What a checkpoint holds besides the model directory, and writing / reading it:
// checkpoints/step-N/ = a Hugging Face model directory (save_model_dir, in the training dtype
// so a resume is exact; with LoRA a PEFT adapter directory instead, lora_io.h) +
// optimizer.safetensors (AdamW state, fp32) + trainer_state.json (step, optimizer step count, data
// cursor, sampling seed, elapsed time, metrics, best checkpoint) + with
// algorithm.vote_source = ema, teacher_ema.safetensors (the EMA teacher, fp32; ema_teacher.h),
// written atomically through
// CheckpointStore. Throws CheckpointError naming the file.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "core/data/data_cursor.h"
#include "core/model/lora.h"
#include "core/model/model_dir.h"
#include "core/session/best_checkpoint.h"
#include "core/session/session_types.h"
#include "core/trainer/adamw.h"
#include "core/trainer/checkpoint_store.h"
#include "core/trainer/collapse_alarm.h"

namespace mmupt {

inline constexpr const char* kOptimizerFile = "optimizer.safetensors";
inline constexpr const char* kTrainerStateFile = "trainer_state.json";

// The RNG state of a run. Sampling draws are counter-based (token_sampler.h): they depend only
// on (sampling_seed, step, prompt key, sample, position), so these values are the whole state;
// the data order is the cursor's (seed, epoch, position).
struct TrainerState {
    int step = 0;                           // completed steps
    long long optimizer_steps = 0;          // AdamW updates applied (warm-up and bias correction)
    DataCursorState cursor;                 // the next example
    uint64_t sampling_seed = 0;             // rollout.seed, or trainer.seed when it is -1
    double elapsed_s = 0.0;                 // wall time of the run so far (for time_s)
    int bad_steps = 0;                      // consecutive non-finite steps so far
    std::map<std::string, double> metrics;  // the step's metrics (shown by the checkpoint list)
    std::string config_json;  // to_json(RunConfig) of the run at save time ("" = not recorded)
    CollapseState collapse;   // the collapse alarm's baselines, window and rollbacks
    std::optional<BestCheckpoint> best;  // trainer.best_metric's best validation so far
};

nlohmann::json to_json(const TrainerState& state);
// Throws CheckpointError naming `source` and the missing / mistyped field.
TrainerState trainer_state_from_json(const nlohmann::json& j, const std::string& source);

// Writes checkpoints/step-<state.step>/ and prunes old ones. The model is written in its own
// dtype (weights exact); `source` supplies tokenizer / preprocessor files. With `lora`, only
// the adapter is written, as a PEFT adapter directory whose base is `lora_base` (the run's
// model.path: `source.path` is the run's own copy of the tokenizer files, without weights).
// `teacher_ema` (optional): the EMA teacher's tensors, written as teacher_ema.safetensors.
CheckpointInfo write_checkpoint(CheckpointStore& store, const TrainerState& state,
                                const VlmModel& policy, const ModelDir& source,
                                const AdamW& optimizer, const LoraModel* lora = nullptr,
                                const std::string& lora_base = {},
                                const std::map<std::string, at::Tensor>* teacher_ema = nullptr);

TrainerState read_trainer_state(const std::string& checkpoint_dir);
// The run config a checkpoint was trained with (trainer_state.json "config", as
// to_json(RunConfig)); null JSON for checkpoints written before it was recorded.
nlohmann::json read_checkpoint_config(const std::string& checkpoint_dir);

// RUN/model_files: the run's own copy of model_side_files() (tokenizer, processor, chat
// template, generation config) taken from `source_dir` the first time (model.path for a new
// run, the checkpoint resumed from for a run older than this directory), written into a
// temporary directory and renamed into place. Every checkpoint copies from it, so rotation
// never deletes what a later save needs. Returns its path; throws CheckpointError.
std::string ensure_run_model_files(const std::string& run_dir, const std::string& source_dir);
std::map<std::string, at::Tensor> read_optimizer_state(const std::string& checkpoint_dir);
// teacher_ema.safetensors of a checkpoint; nullopt when it has none (a run that voted otherwise
// when it was saved). CheckpointError for a file that cannot be read.
std::optional<std::map<std::string, at::Tensor>> read_teacher_ema(
    const std::string& checkpoint_dir);

}  // namespace mmupt
