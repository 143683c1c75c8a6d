// A Hugging Face model directory as one object: config.json, the safetensors weights (single or
// sharded), generation_config.json, preprocessor_config.json and the tokenizer files. Loading
// checks every file and names the one at fault; saving writes a directory that this project and
// transformers both load (weights in canonical HF names, sharded when large, written atomically
// file by file). The same code loads a tiny test model and a real 3B/7B checkpoint.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/image/image_processor.h"
#include "core/model/model_config.h"
#include "core/model/vlm_model.h"
#include "core/tokenizer/tokenizer.h"

namespace mmupt {

// generation_config.json; fields absent from the file keep these defaults.
struct GenerationConfig {
    std::vector<int64_t> eos_token_ids;  // stop ids (Qwen2-VL-Instruct: 151645, 151643)
    int64_t pad_token_id = -1;
    double temperature = 1.0;
    double top_p = 1.0;
    int top_k = 0;
    double repetition_penalty = 1.0;  // read for information; not applied by the sampler
};
GenerationConfig load_generation_config(const std::string& model_dir);  // FormatError if invalid

struct ModelDir {
    std::string path;
    ModelConfig config;
    GenerationConfig generation;
    Tokenizer tokenizer;
    ImageProcessor image_processor;
};

// Reads everything but the weights (cheap: for the GUI's model picker and for validation).
// Throws FormatError / ModelError naming the missing or malformed file.
ModelDir read_model_dir(const std::string& dir);

// Reads the directory and builds the model with its weights loaded, cast to options.dtype and
// moved to options.device.
struct LoadedModel {
    ModelDir dir;
    VlmModel model{nullptr};
};
LoadedModel load_model(const std::string& dir, const ModelOptions& options);

struct SaveModelOptions {
    int64_t max_shard_bytes = 5LL << 30;   // larger checkpoints are sharded with an index
    at::ScalarType dtype = at::kBFloat16;  // dtype written to disk (and to config.json)
};

// The files save_model_dir reads from the source directory besides the weights: tokenizer and
// chat template files (copied verbatim), preprocessor_config.json and generation_config.json
// (read, then written). A run keeps its own copy in RUN/model_files (trainer_checkpoint.h).
const std::vector<std::string>& model_side_files();

// Writes config.json, generation_config.json, the weights, and copies the tokenizer and
// preprocessor files from `source_dir` (the directory the model was loaded from).
void save_model_dir(const std::string& out_dir, const VlmModel& model, const ModelDir& source,
                    const SaveModelOptions& options = {});

}  // namespace mmupt
