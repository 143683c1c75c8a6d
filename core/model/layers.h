// Small shared building blocks: RMSNorm in transformers' exact cast order, the vision norm
// (RMSNorm or LayerNorm with bias, eps 1e-6), and the activations (silu, quick_gelu, exact erf
// GELU). No attention or rotary here (attention.h, rotary.h).
#pragma once
#include <string>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace mmupt {

// x (..., D) -> (..., D): upcast to fp32, x * rsqrt(mean(x^2) + eps), cast back to x's dtype,
// THEN multiply by the weight (a bf16 multiply in bf16 mode, as in transformers).
at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps);

// "silu", "quick_gelu" (x * sigmoid(1.702 x)) or "gelu" (exact erf form).
at::Tensor activation(const at::Tensor& x, const std::string& name);

struct NormOptions {
    int64_t dim = 0;
    double eps = 1e-6;
    bool rms = true;  // false: LayerNorm with bias
};

// Registers `weight` (and `bias` for LayerNorm) with the Hugging Face names.
class NormImpl : public torch::nn::Module {
  public:
    explicit NormImpl(const NormOptions& options);
    at::Tensor forward(const at::Tensor& x);  // (..., D) -> (..., D)
    NormOptions options;
    at::Tensor weight, bias;  // (D), (D) or undefined
};
TORCH_MODULE(Norm);

}  // namespace mmupt
