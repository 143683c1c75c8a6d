// get_rope_index: 3-D (t, h, w) M-RoPE position ids for a batch of token rows with images
// (and videos), honouring left/right padding through the attention mask (QWEN2-VL.md §4.4).
// Runs on the host once per prefill / training batch. Does not compute cos/sin (see rotary.h).
#pragma once
#include <vector>

#include <ATen/ATen.h>

#include "core/model/model_config.h"
#include "core/model/vision_layout.h"

namespace mmupt {

struct RopeIndex {
    at::Tensor position_ids;  // (3, B, S) int64, padded slots hold 1
    at::Tensor rope_deltas;   // (B, 1) int64: max position + 1 - S
};

struct RopeIndexInputs {
    at::Tensor input_ids;              // (B, S) int64
    at::Tensor attention_mask;         // (B, S) 0/1, or undefined (all ones)
    std::vector<GridThw> image_grids;  // in textual order over the whole batch (row-major)
    std::vector<GridThw> video_grids;
    std::vector<double> second_per_grid_ts;  // per video; default 1.0 (2.5 only)
};

// Throws ModelError when the number of `<|vision_start|><|image_pad|>` items differs from the
// grid count, or an item has fewer placeholder tokens than its grid needs.
RopeIndex get_rope_index(const ModelConfig& config, const RopeIndexInputs& in);

}  // namespace mmupt
