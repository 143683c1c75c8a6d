// Cheap checks for the setup form and the CLI: what a model directory holds (read without its
// weights, plus the memory planner's peak for the configured run, memory_plan.h) and what a dataset
// holds; exporting a checkpoint as a plain Hugging Face model directory. Throws mmupt::Error with
// the file named.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/run_config.h"
#include "core/session/session_types.h"

namespace mmupt {

ModelSummary summarize_model(const std::string& model_dir, const RunConfig& config);
DatasetSummary summarize_dataset(const RunConfig& config);

// A run directory's checkpoint: step -1 = the newest. Throws CheckpointError when absent.
std::string find_checkpoint(const std::string& run_dir, int step = -1);
// The checkpoint RUN/best.json names (best_checkpoint.h). Throws CheckpointError when the run
// has no best.json (saying what enables it) or its checkpoint is gone.
std::string find_best_checkpoint(const std::string& run_dir);
struct ExportOptions {
    std::optional<Dtype> dtype;  // default: the dtype the checkpoint's weights are stored in
    bool force = false;          // replace an earlier mmupt export (never anything else)
    bool merge = false;          // LoRA checkpoints: the merged full model, not the adapter
};
struct ExportReport {
    std::string out_dir;  // absolute
    std::string dtype;    // "float32", "bfloat16", "float16"
    int64_t tensors = 0;
    uint64_t bytes = 0;  // all files written
};
// Directories an export of `model_dir` must never write into (export_target.h): the model
// directory itself and, for a checkpoint inside a run, the run directory and its model.path.
std::vector<std::string> export_protected_dirs(const std::string& model_dir);
// Loads a model directory (e.g. checkpoints/step-N) and writes it to `out_dir` as a Hugging Face
// model directory (no optimizer or trainer state) with the `.mmupt-export` marker, where
// inspect_export_target allows (EarlierExport only with options.force). A checkpoint inside a
// run is read under the run's lock (run_lock.h). A LoRA run's checkpoint (a PEFT adapter
// directory) exports as that adapter directory (adapter_config.json + adapter_model.safetensors,
// for PeftModel.from_pretrained), or with options.merge as its base model with W + s*B*A folded
// in. Throws CheckpointError with the reason.
ExportReport export_model(const std::string& model_dir, const std::string& out_dir,
                          const ExportOptions& options = {});

}  // namespace mmupt
