// Weight names and checked loading: normalises Hub / legacy (`visual.*`, `model.layers.*`) and
// new (`model.visual.*`, `model.language_model.*`) checkpoint keys to one canonical form (the new
// one, which is also our module tree), maps them back to the Hub layout for writing, and copies a
// name -> tensor map into parameters with errors for missing / unexpected / mis-shaped / non-finite
// weights. Reads no files: a safetensors adapter only has to produce the WeightMap.
#pragma once
#include <map>
#include <string>
#include <vector>

#include <ATen/ATen.h>

namespace mmupt {

using WeightMap = std::map<std::string, at::Tensor>;

// `^visual` -> `model.visual`; `^model` not followed by `.language_model` / `.visual` ->
// `model.language_model`; anything else (lm_head.weight) unchanged.
std::string canonical_weight_name(const std::string& name);
// The inverse: the Hub layout (`visual.*`, `model.layers.*`, `model.embed_tokens.*`,
// `model.norm.*`, `lm_head.*`), which every published Qwen2-VL / Qwen2.5-VL checkpoint and
// transformers < 4.52 use, and which transformers >= 4.52 maps on load with its
// `_checkpoint_conversion_mapping` ("^visual" -> "model.visual",
// "^model(?!\.(language_model|visual))" -> "model.language_model"). What we write.
std::string legacy_weight_name(const std::string& canonical);

// Key layout of a written checkpoint: `hub` (default; readable by every transformers version
// and other loaders) or `nested` (transformers >= 4.52's module tree, our canonical names).
enum class WeightLayout { hub, nested };
std::string weight_name_for(const std::string& canonical, WeightLayout layout);

struct WeightLoadOptions {
    bool allow_unexpected = false;  // extra checkpoint keys: warn instead of throwing
    bool check_finite = true;       // NaN / Inf in a weight throws
    // Checkpoint files only (weight_loader.h): a CPU parameter in the file's dtype becomes the
    // memory-mapped bytes instead of a copy. False copies (files that may change in place).
    bool alias_mapped = true;
};

// Copies `weights` (any prefix layout, any float dtype) into `params` (canonical name ->
// parameter, converted to the parameter's dtype / device). With `tied_head`, a checkpoint
// `lm_head.weight` is not required and, when present, compared with the embedding (a
// mismatch logs a warning, as transformers ties them anyway).
// Throws ModelError naming the weight (and both shapes on a shape mismatch), before any
// parameter changes. Copies chunk by chunk (weight_loader.cpp) without a full-size temporary.
void load_weight_map(const std::map<std::string, at::Tensor>& params, const WeightMap& weights,
                     bool tied_head, const WeightLoadOptions& options);

}  // namespace mmupt
