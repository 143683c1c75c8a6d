// Cheap checks for the setup form and the CLI: what a model directory holds (read without its
// weights, plus the memory planner's peak for the configured run, memory_plan.h) and what a dataset
// holds; exporting a checkpoint as a plain Hugging Face model directory. Throws mmupt::Error with
// the file named.
#pragma once
#include <string>

#include "core/config/run_config.h"
#include "core/session/session_types.h"

namespace mmupt {

ModelSummary summarize_model(const std::string& model_dir, const RunConfig& config);
DatasetSummary summarize_dataset(const RunConfig& config);

// A run directory's checkpoint: step -1 = the newest. Throws CheckpointError when absent.
std::string find_checkpoint(const std::string& run_dir, int step = -1);
// Loads a model directory (e.g. checkpoints/step-N) and writes it to `out_dir` as a Hugging Face
// model directory in bfloat16 (no optimizer or trainer state).
void export_model(const std::string& model_dir, const std::string& out_dir);

}  // namespace mmupt
