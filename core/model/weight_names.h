// Weight names and checked loading: normalises legacy (`visual.*`, `model.layers.*`) and new
// (`model.visual.*`, `model.language_model.*`) checkpoint keys to one canonical form (the new
// one, which is also our module tree), and copies a name -> tensor map into parameters with
// errors for missing / unexpected / mis-shaped / non-finite weights. Reads no files: a
// safetensors adapter only has to produce the WeightMap.
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
// The inverse, for writing checkpoints readable by transformers < 4.52.
std::string legacy_weight_name(const std::string& canonical);

struct WeightLoadOptions {
    bool allow_unexpected = false;  // extra checkpoint keys: warn instead of throwing
    bool check_finite = true;       // NaN / Inf in a weight throws
};

// Copies `weights` (any prefix layout, any float dtype) into `params` (canonical name ->
// parameter, converted to the parameter's dtype / device). With `tied_head`, a checkpoint
// `lm_head.weight` is not required and, when present, compared with the embedding (a
// mismatch logs a warning, as transformers ties them anyway).
// Throws ModelError naming the weight (and both shapes on a shape mismatch).
void load_weight_map(const std::map<std::string, at::Tensor>& params, const WeightMap& weights,
                     bool tied_head, const WeightLoadOptions& options);

}  // namespace mmupt
