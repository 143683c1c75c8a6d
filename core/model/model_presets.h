// Named sizes for randomly initialised models (`mmupt init-model`, `mmupt bench`): the text and
// vision dimensions per preset, the vocabulary taken from a tokenizer (rounded up), and an image
// processor config whose pixel bounds suit the preset. A table, so a preset is one entry.
// Not here: weights (VlmModelImpl::randomize_weights) or files (model_dir.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/image/image_processor_config.h"
#include "core/model/model_config.h"
#include "core/tokenizer/tokenizer.h"

namespace mmupt {

// What a preset needs from the tokenizer: its size and the Qwen2-VL special ids.
struct PresetVocab {
    int64_t tokenizer_size = 0;  // one past the largest id
    int64_t endoftext = -1, im_end = -1;
    int64_t image_pad = -1, video_pad = -1, vision_start = -1, vision_end = -1;
};
// Throws ModelError naming the special token the tokenizer lacks.
PresetVocab preset_vocab(const Tokenizer& tokenizer);
// The Qwen2-VL / Qwen2.5-VL tokenizer's size (151665) and ids, for in-memory models (bench).
PresetVocab qwen2_vl_vocab();

constexpr int64_t kVocabMultiple = 64;  // vocab_size = tokenizer size rounded up to this

struct ModelPreset {
    const char* name;
    const char* summary;  // one line for --help
    ModelConfig (*make)(ModelArch arch, const PresetVocab& vocab);
    int64_t max_image_tokens;  // preprocessor max_pixels = this * (patch * merge)^2
};

const std::vector<ModelPreset>& model_presets();
// Throws ConfigError listing the known names.
const ModelPreset& find_model_preset(const std::string& name);
std::string model_preset_names();  // "tiny, small"

ModelConfig preset_model_config(const ModelPreset& preset, ModelArch arch,
                                const PresetVocab& vocab);
// Qwen's preprocessor settings with max_pixels lowered to the preset's image token budget.
ImageProcessorConfig preset_image_processor_config(const ModelPreset& preset);

// Parameters the model built from `config` has (embedding counted once when tied).
int64_t count_parameters(const ModelConfig& config);

}  // namespace mmupt
