// VlmModel: Qwen2-VL / Qwen2.5-VL for conditional generation (vision tower + Qwen2 decoder +
// LM head, tied or not) with checked weight loading, HF-named state, full forward, KV-cache
// prefill / decode, and a training scorer returning per-token log-probs and entropies.
// Not here: sampling / generation loops, tokenizer, image preprocessing, file I/O (a WeightMap
// comes from the safetensors reader), videos in forward (get_rope_index handles them).
// Shapes: B rows (prompts, or prompts x G samples), S / T tokens, V vocab, D width,
// N patches, M merged image tokens.
// Threading: one thread owns a model and its caches. Errors: ModelError for bad inputs /
// weights, with the offending value in the message.
#pragma once
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "core/model/kv_cache.h"
#include "core/model/model_config.h"
#include "core/model/text_decoder.h"
#include "core/model/vision_layout.h"
#include "core/model/vision_tower.h"
#include "core/model/weight_loader.h"
#include "core/model/weight_names.h"

namespace mmupt {

struct ModelOptions {
    at::ScalarType dtype = at::kFloat;    // parameters and activations: kFloat, kBFloat16, kHalf
    at::Device device = at::kCPU;         // cpu or cuda[:i]
    bool gradient_checkpointing = false;  // recompute each block in backward (training only)
};

struct VlmInputs {
    at::Tensor input_ids;       // (B, S) int64, prompts left-padded
    at::Tensor attention_mask;  // (B, S) 0/1; undefined = all ones
    at::Tensor pixel_values;    // (N, C*Tp*P*P) float, distinct images in grid order; or undefined
    std::vector<GridThw> image_grids;  // one (t, h, w) per distinct image
    // Precomputed encode_images() output (M, D); when defined, pixel_values is not used.
    at::Tensor image_features;
    // G: rows g*G .. g*G+G-1 are samples of prompt g and share its images, which are encoded
    // once (gradients from all G rows accumulate into the one encoding).
    int64_t rows_per_image_group = 1;
};

struct TokenScores {
    at::Tensor logprobs;  // (B, T) fp32: log p(ids[t] | ids[<t]) where response_mask[t], else 0
    at::Tensor entropy;   // (B, T) fp32: entropy of the predictive distribution for token t
};

class VlmModel;

class VlmModelImpl : public torch::nn::Module {
  public:
    // Random initialisation (see randomize_weights); load_weights replaces it.
    VlmModelImpl(const ModelConfig& config, const ModelOptions& options = {});

    const ModelConfig& config() const { return config_; }
    const ModelOptions& options() const { return options_; }

    void load_weights(const WeightMap& weights, const WeightLoadOptions& load_options = {});
    // Streams the checkpoint into the parameters shard by shard (weight_loader.h): CPU
    // parameters in the file's dtype become the mapped bytes, others are filled chunk by chunk.
    WeightLoadStats load_weights(const SafetensorsCheckpoint& checkpoint,
                                 const WeightLoadOptions& load_options = {});
    // Canonical HF names (model.visual.*, model.language_model.*, lm_head.weight unless tied).
    WeightMap state_dict() const;
    // Deterministic N(0, std) weights, unit norms, zero biases (tiny test models).
    void randomize_weights(uint64_t seed, double std = 0.02);

    // pixel_values (N, 1176) -> merged features (M, D), images in grid order.
    at::Tensor encode_images(const at::Tensor& pixel_values, const std::vector<GridThw>& grids);
    // Logits (B, S, V) in the model dtype.
    at::Tensor forward(const VlmInputs& inputs);
    // Fills `cache` (cleared first) with the prompts; returns the last position's logits (B, V).
    // `reserve` = decode positions to preallocate. Call under torch::NoGradGuard.
    at::Tensor prefill(const VlmInputs& inputs, KvCache& cache, int64_t reserve = 0);
    // ids (B, n) continue every cached row; step_mask (B, n) 0/1 (undefined = ones; 0 for rows
    // that have finished). Returns logits (B, n, V). Positions: length + i + rope_delta.
    at::Tensor decode_step(const at::Tensor& ids, KvCache& cache,
                           const at::Tensor& step_mask = at::Tensor());
    // Training scorer with gradients: response_mask (B, T) marks the tokens to score.
    // `temperature` T > 0: scores softmax(logits / T), the distribution generate() samples from
    // and reports log-probs of (sampling at T must be scored at T; greedy generation, T = 0,
    // reports T = 1 values).
    TokenScores score_tokens(const VlmInputs& inputs, const at::Tensor& response_mask,
                             double temperature = 1.0);

    // A separate instance with cloned parameters, requires_grad false, eval mode: the frozen
    // reference policy for the KL term.
    VlmModel frozen_copy() const;
    void set_gradient_checkpointing(bool on);

    // Submodules, named as in the Hugging Face checkpoint.
    VisionTower visual{nullptr};            // model.visual
    LanguageModel language_model{nullptr};  // model.language_model
    torch::nn::Linear lm_head{nullptr};     // lm_head (absent when tied)

  private:
    struct Prepared {
        at::Tensor embeds;     // (B, S, D)
        at::Tensor positions;  // (3, B, S) int64
        at::Tensor deltas;     // (B, 1) int64
        at::Tensor mask;       // (B, S) int64
        int64_t next_position = 0;
    };
    Prepared prepare(const VlmInputs& in);
    at::Tensor image_rows(const VlmInputs& in, const at::Tensor& ids,
                          std::vector<GridThw>& row_grids);
    at::Tensor check_ids(const at::Tensor& ids) const;
    at::Tensor run_decoder(const at::Tensor& embeds, const at::Tensor& positions,
                           const at::Tensor& key_mask, int64_t past, KvCache* cache);
    at::Tensor head(const at::Tensor& hidden);  // (..., D) -> (..., V)
    std::map<std::string, at::Tensor> param_map() const;

    ModelConfig config_;
    ModelOptions options_;
};

TORCH_MODULE(VlmModel);

}  // namespace mmupt
