// config.json against the checkpoint: the sizes a model is built from (vocab_size, hidden_size,
// layers, heads, MLP widths, vision sizes) are checked against the tensor shapes in the
// safetensors header(s) BEFORE the model is allocated, so a config that claims an 8M vocabulary
// for small weights fails in milliseconds with the key, the value and the shape, instead of
// allocating gigabytes first. Reads headers only. Missing or extra tensors are left to
// the weight loader, which names them.
#pragma once
#include <string>

#include "core/model/model_config.h"

namespace mmupt {

// Throws ModelError "<config_path>: `vocab_size` is 8000000 but model.embed_tokens.weight in
// <file> has shape [99, 32] ([vocab_size, hidden_size])" on the first disagreement; FormatError
// from the header reader when `checkpoint_path` (a directory, .safetensors or .index.json) is
// unreadable.
void check_config_matches_weights(const ModelConfig& config, const std::string& config_path,
                                  const std::string& checkpoint_path);

}  // namespace mmupt
