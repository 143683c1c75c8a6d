// The vision tower shared by Qwen2-VL and Qwen2.5-VL: patch embedding (a linear map over the
// 1176-wide rows, weight stored as HF's Conv3d [E, C, Tp, P, P]), blocks with 2-D rotary and
// per-image (or per-window) attention, and the 2x2 patch merger. The family table picks the
// norm / MLP kind and window attention. Does not preprocess images (core/image/).
// Shapes: N patches, M = N / merge^2 merged tokens, E vision width, O = LLM width D.
#pragma once
#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "core/model/layers.h"
#include "core/model/model_config.h"
#include "core/model/vision_layout.h"

namespace mmupt {

struct VisionBlockOptions {
    int64_t width = 0;  // E
    int64_t heads = 0;
    int64_t mlp_width = 0;
    std::string act;
    bool rms_norm = false;
    bool gated_mlp = false;
};

class VisionBlockImpl : public torch::nn::Module {
  public:
    explicit VisionBlockImpl(const VisionBlockOptions& options);
    // x (N, E), cos / sin (N, hd) fp32, segments over the rows -> (N, E)
    at::Tensor forward(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                       const std::vector<int64_t>& cu_seqlens);
    VisionBlockOptions options;
    Norm norm1{nullptr}, norm2{nullptr};
    torch::nn::Linear qkv{nullptr}, proj{nullptr};  // attn.qkv, attn.proj
    // mlp.fc1 / mlp.fc2 (v2) or mlp.gate_proj / up_proj / down_proj (2.5)
    torch::nn::Linear fc1{nullptr}, fc2{nullptr}, gate{nullptr}, up{nullptr}, down{nullptr};

  private:
    at::Tensor attention(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin,
                         const std::vector<int64_t>& cu_seqlens);
    at::Tensor mlp(const at::Tensor& x);
};
TORCH_MODULE(VisionBlock);

class VisionTowerImpl : public torch::nn::Module {
  public:
    // Each block is cast / moved to `place` (dtype, device) as soon as it is built, so a large
    // tower never exists whole in fp32 on the CPU.
    explicit VisionTowerImpl(const ModelConfig& config, at::TensorOptions place = {});

    struct Output {
        at::Tensor features;  // (M, O) merged tokens, images in grid order
        at::Tensor patches;   // (N, E) block output before the merger (grid order)
    };
    // pixel_values (N, C*Tp*P*P) any float dtype, one grid per image.
    Output forward(const at::Tensor& pixel_values, const std::vector<GridThw>& grids);
    bool gradient_checkpointing = false;

    ModelConfig config;
    at::Tensor patch_embed_weight;  // patch_embed.proj.weight (E, C, Tp, P, P)
    torch::nn::ModuleList blocks{nullptr};
    Norm ln_q{nullptr};                                          // merger.ln_q
    torch::nn::Linear merger_fc1{nullptr}, merger_fc2{nullptr};  // merger.mlp.0 / merger.mlp.2
};
TORCH_MODULE(VisionTower);

}  // namespace mmupt
