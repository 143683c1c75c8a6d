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
    std::vector<int64_t> ids;  // new tokens, the stop token included when one was produced
    // One per id: log_softmax(logits / T) at the id, before top-k / top-p (T = 1 when greedy).
    // score_tokens(inputs, mask, T) recomputes these from prompt + ids.
    std::vector<float> logprobs;
    bool stopped = false;  // ended on a stop id (false = hit max_new_tokens)
};

struct GenerationStats {
    int64_t prompt_tokens = 0;     // sum of the B prompt lengths (padding not counted)
    int64_t generated_tokens = 0;  // sum of all samples' lengths
    double prefill_seconds = 0.0;  // prefill and the first token's draw (time to first token)
    double decode_seconds = 0.0;   // every later decode step and draw
    int64_t decode_steps = 0;      // decode_step calls
    int64_t compactions = 0;       // times finished rows were dropped from the cache
};

// result[b][g] for request b, sample g. Runs under NoGradGuard and eval mode (restoring the
// previous mode). Prompts are left-padded into one prefill; a row stops after a stop id or
// max_new_tokens; finished rows are dropped from the cache once more than half the rows still
// in it have finished. Throws ModelError for prompts the model rejects (see VlmModel) and
// ConfigError for invalid params.
std::vector<std::vector<GeneratedSample>> generate(VlmModel& model,
                                                   const std::vector<GenerationRequest>& requests,
                                                   const GenerationParams& params,
                                                   GenerationStats* stats = nullptr);

}  // namespace mmupt
