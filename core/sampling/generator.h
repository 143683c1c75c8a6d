// Batched sampling with the KV cache: B prompts x G samples. Each prompt's image is encoded and
// its prompt prefilled once, then the cache rows are repeated G times and decoded together;
// finished rows are masked (and compacted when many have finished). Token draws come from
// token_sampler.h, keyed by (seed, prompt_key, sample index, position), so a sample does not
// depend on the batch it was generated in. Call on the thread that owns the model.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/model/vision_layout.h"
#include "core/model/vlm_model.h"
#include "core/sampling/token_sampler.h"

namespace mmupt {

struct GenerationRequest {
    std::vector<int64_t> prompt_ids;   // the rendered chat prompt, image pads expanded
    at::Tensor pixel_values;           // (N, 1176) for the prompt's images; undefined = text only
    std::vector<GridThw> image_grids;  // one per image, in prompt order
    uint64_t prompt_key = 0;           // stable per example (e.g. a hash of its id)
};

struct GenerationParams {
    TokenSamplingParams sampling;  // temperature 0 = greedy
    int num_samples = 1;           // G
    int max_new_tokens = 256;
    std::vector<int64_t> stop_ids;  // e.g. generation_config eos ids
    uint64_t seed = 0;
};

struct GeneratedSample {
    std::vector<int64_t> ids;     // new tokens, the stop token included when one was produced
    std::vector<float> logprobs;  // one per id: log_softmax(logits / T) at the id
    bool stopped = false;         // ended on a stop id (false = hit max_new_tokens)
};

struct GenerationStats {
    int64_t prompt_tokens = 0;
    int64_t generated_tokens = 0;
    double prefill_seconds = 0.0;
    double decode_seconds = 0.0;
};

// result[b][g] for request b, sample g. Runs under NoGradGuard and eval mode (restoring the
// previous mode). Throws ModelError for prompts the model rejects (see VlmModel).
std::vector<std::vector<GeneratedSample>> generate(VlmModel& model,
                                                   const std::vector<GenerationRequest>& requests,
                                                   const GenerationParams& params,
                                                   GenerationStats* stats = nullptr);

}  // namespace mmupt
