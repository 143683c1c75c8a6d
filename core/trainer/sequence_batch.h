// Prompt + response sequences packed for the training scorer: prompts left-padded to P,
// responses right-padded to R (T = P + R), one row per response, the K responses of a prompt in
// adjacent rows (row b*K + k; K = G for GRPO, 1 for SFT). A micro-batch is a row range, trimmed
// to its own longest prompt and response, whose images are encoded once per chunk of rows that
// share a prompt. Not here: the loss. Shapes: B prompts, K rows per prompt, N = B*K rows,
// T = P + R tokens; n, t for one micro-batch.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/model/vlm_model.h"
#include "core/trainer/prompt_builder.h"

namespace mmupt {

struct SequenceBatch {
    at::Tensor input_ids;       // (N, T) int64, host staging (micro-batches move to the device)
    at::Tensor attention_mask;  // (N, T) int64
    at::Tensor response_mask;   // (N, T) float32: 1 at response tokens
    std::vector<const Prompt*> prompts;     // (B) not owned
    std::vector<int64_t> prompt_lengths;    // (N)
    std::vector<int64_t> response_lengths;  // (N)
    int64_t rows_per_prompt = 1;            // K
    int64_t prompt_width = 0;               // P
    // (B) per prompt: its images' features (M_b, D), encoded once for the whole step when the
    // vision tower is frozen (LoRA, model.freeze_vision); empty = encode per micro-batch.
    std::vector<at::Tensor> image_features;

    int64_t num_rows() const { return static_cast<int64_t>(response_lengths.size()); }
    int64_t response_tokens(int64_t row0, int64_t rows) const;  // in rows [row0, row0+rows)
};

// responses[b*K + k]: token ids of response k of prompt b (the stop token included if any).
// Throws ModelError when responses.size() != prompts.size() * K or a response is empty.
SequenceBatch pack_sequences(const std::vector<Prompt>& prompts,
                             const std::vector<std::vector<int64_t>>& responses,
                             int64_t rows_per_prompt, int64_t pad_id);

struct MicroBatch {
    int64_t row0 = 0, rows = 0;  // rows [row0, row0 + rows) of the batch
    int64_t col0 = 0, cols = 0;  // the kept columns after trimming shared padding
    VlmInputs inputs;            // on the device; rows_per_image_group set when images share
    at::Tensor response_mask;    // (n, t) float32 on the device
    int64_t tokens = 0;          // response tokens (sum of the mask)
};

// Encodes each prompt's images once, without gradients, into batch.image_features: the frozen
// vision tower then runs once per step instead of once per scoring pass (old, reference,
// policy) and micro-batch. Only valid while no vision parameter trains.
void cache_image_features(SequenceBatch& batch, VlmModel& model);

// Rows [row0, row0 + rows) of `batch` as scorer inputs on `device`.
MicroBatch make_micro_batch(const SequenceBatch& batch, int64_t row0, int64_t rows,
                            at::Device device);

}  // namespace mmupt
