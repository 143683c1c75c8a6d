// RMSNorm / LayerNorm and activations shared by the vision tower and the text decoder.
#include "core/model/layers.h"

#include "core/util/errors.h"

namespace mmupt {

at::Tensor rms_norm(const at::Tensor& x, const at::Tensor& weight, double eps) {
    const auto in_dtype = x.scalar_type();
    at::Tensor xf = x.to(at::kFloat);                       // (..., D) fp32
    at::Tensor var = xf.pow(2).mean(-1, /*keepdim=*/true);  // (..., 1)
    xf = xf * at::rsqrt(var + eps);
    return weight * xf.to(in_dtype);
}

at::Tensor activation(const at::Tensor& x, const std::string& name) {
    if (name == "silu") return at::silu(x);
    if (name == "quick_gelu") return x * at::sigmoid(1.702 * x);
    if (name == "gelu") return at::gelu(x);  // exact erf form ("none" approximation)
    throw ModelError("unsupported activation \"" + name + "\" (silu, quick_gelu, gelu)");
}

NormImpl::NormImpl(const NormOptions& o) : options(o) {
    weight = register_parameter("weight", at::ones({o.dim}));
    if (!o.rms) bias = register_parameter("bias", at::zeros({o.dim}));
}

at::Tensor NormImpl::forward(const at::Tensor& x) {
    TORCH_CHECK(x.size(-1) == options.dim, "Norm: expected last dim ", options.dim, ", got ",
                x.sizes());
    if (options.rms) return rms_norm(x, weight, options.eps);
    return at::layer_norm(x, {options.dim}, weight, bias, options.eps);
}

}  // namespace mmupt
