// The Qwen2 text decoder used by both families: token embedding, L pre-norm layers (GQA
// attention with q/k/v bias and M-RoPE, SwiGLU MLP without bias), final RMSNorm. It takes
// embeddings (images already scattered in), cos/sin and an additive mask; it does not build
// positions or masks (vlm_model.cpp) and has no LM head (tied or not, that is the facade's).
// Shapes: B rows, S new tokens, Sk keys (cache + new), D width, H / KV heads, hd head dim.
#pragma once
#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "core/model/kv_cache.h"
#include "core/model/layers.h"
#include "core/model/model_config.h"

namespace mmupt {

class LoraAdapterImpl;

// Optional LoRA side paths of a layer's projections (lora.h owns them; null = none).
struct DecoderLoraSlots {
    LoraAdapterImpl *q_proj = nullptr, *k_proj = nullptr, *v_proj = nullptr, *o_proj = nullptr;
    LoraAdapterImpl *gate_proj = nullptr, *up_proj = nullptr, *down_proj = nullptr;
};

class DecoderLayerImpl : public torch::nn::Module {
  public:
    explicit DecoderLayerImpl(const TextConfig& config);
    // x (B, S, D), cos / sin (B, S, hd), mask (B, 1, S, Sk) -> (B, S, D). With a cache, k / v of
    // this layer are appended (post-RoPE) and attention reads all cached keys.
    at::Tensor forward(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                       const at::Tensor& mask, KvCache* cache, int64_t layer_index);
    TextConfig config;
    Norm input_layernorm{nullptr}, post_attention_layernorm{nullptr};
    torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, o_proj{nullptr};
    torch::nn::Linear gate_proj{nullptr}, up_proj{nullptr}, down_proj{nullptr};
    DecoderLoraSlots lora;

  private:
    // linear(x) + the adapter's side path when one is attached and enabled.
    at::Tensor project(torch::nn::Linear& linear, const LoraAdapterImpl* adapter,
                       const at::Tensor& x);
};
TORCH_MODULE(DecoderLayer);

class LanguageModelImpl : public torch::nn::Module {
  public:
    // Each layer is cast / moved to `place` (dtype, device) as soon as it is built: a 3B model
    // never exists whole in fp32 on the CPU (peak = final size + one fp32 layer).
    explicit LanguageModelImpl(const TextConfig& config, at::TensorOptions place = {});
    // embeds (B, S, D) -> final-normed hidden states (B, S, D).
    at::Tensor forward(const at::Tensor& embeds, const at::Tensor& cos, const at::Tensor& sin,
                       const at::Tensor& mask, KvCache* cache);
    bool gradient_checkpointing = false;
    TextConfig config;
    torch::nn::Embedding embed_tokens{nullptr};
    torch::nn::ModuleList layers{nullptr};
    Norm norm{nullptr};
};
TORCH_MODULE(LanguageModel);

}  // namespace mmupt
