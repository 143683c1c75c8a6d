// Throughput measurement of the generation path on a random model of a preset size (built in
// memory with Qwen's vocabulary, no files): prefill tokens/s, KV-cache decode tokens/s for
// several B*G row counts through generate(), and the same decode without the cache as two
// baselines: the naive full forward each step (what transformers without a cache did) and a lean
// recompute (image features kept, LM head on the last position only). No targets here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/vlm_model.h"

namespace mmupt {

struct GenerationBenchOptions {
    std::string preset = "small";  // model_presets.h name
    ModelArch arch = ModelArch::qwen2_5_vl;
    ModelOptions model;                  // device, dtype
    int new_tokens = 128;                // tokens per sample (no stop ids)
    std::vector<int> rows = {1, 8, 64};  // B*G values (one prompt, G = rows)
    int baseline_max_rows = 1;           // the no-cache baseline only for rows <= this
    int text_tokens = 40;                // prompt text tokens around the image
    int64_t image_side = 224;            // pixels: 224 -> grid (1, 16, 16), 64 image tokens
    double temperature = 1.0;            // sampling as in training rollouts (0 = greedy)
    uint64_t seed = 0;
};

struct GenerationBenchRow {
    int rows = 0;                    // B*G
    double decode_tokens_per_s = 0;  // KV cache, after the first token
    // Baselines without the cache (< 0 when not measured), every step over the whole sequence:
    double full_forward_tokens_per_s = -1;  // forward(): vision tower + logits at every position
    double recompute_tokens_per_s = -1;     // image features kept, head on the last position
    double decode_seconds = 0;
};

struct GenerationBenchResult {
    int64_t parameters = 0;
    int64_t prompt_tokens = 0;
    int64_t image_tokens = 0;
    double prefill_tokens_per_s = 0;  // one prompt, vision tower included; best of 3
    std::vector<GenerationBenchRow> rows;
    int64_t peak_rss_kib = 0;  // getrusage: the process's peak so far
};

// Throws ConfigError for an unknown preset or non-positive sizes.
GenerationBenchResult run_generation_bench(const GenerationBenchOptions& options);

}  // namespace mmupt
