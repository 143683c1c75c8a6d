// linear_any / matmul_any: fp32 products for half-precision CPU tensors (half_matmul.h says why).
#include "core/model/half_matmul.h"

#include <cstdlib>
#include <cstring>

#include <torch/csrc/autograd/custom_function.h>

namespace mmupt {
namespace {

bool upcast_enabled() {
    const char* e = std::getenv("MMUPT_CPU_HALF_MATMUL");
    return !(e && std::strcmp(e, "native") == 0);
}
const bool kUpcast = upcast_enabled();

// x (..., in) half, w (out, in) half -> (..., out) half, products in fp32. A custom function
// rather than `x.float()` / `w.float()` under autograd: that would keep an fp32 copy of every
// weight alive for the backward (twice the bf16 model), where this keeps the half tensors.
struct UpcastLinear : public torch::autograd::Function<UpcastLinear> {
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                              const at::Tensor& w) {
        ctx->save_for_backward({x, w});
        return at::linear(x.to(at::kFloat), w.to(at::kFloat)).to(x.scalar_type());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor& x = saved[0];
        const at::Tensor& w = saved[1];
        const int64_t out = w.size(0), in = w.size(1);
        at::Tensor g = grads[0].to(at::kFloat);  // (..., out)
        at::Tensor gx, gw;
        if (ctx->needs_input_grad(0)) gx = at::matmul(g, w.to(at::kFloat)).to(x.scalar_type());
        if (ctx->needs_input_grad(1))  // (out, rows) x (rows, in)
            gw =
                g.reshape({-1, out}).t().mm(x.reshape({-1, in}).to(at::kFloat)).to(w.scalar_type());
        return {gx, gw};
    }
};

}  // namespace

bool half_matmul_upcasts(const at::Tensor& t) {
    const auto dt = t.scalar_type();
    return kUpcast && t.device().is_cpu() && (dt == at::kBFloat16 || dt == at::kHalf);
}

at::Tensor linear_any(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
    if (!half_matmul_upcasts(w) || x.scalar_type() != w.scalar_type()) return at::linear(x, w, b);
    at::Tensor y = UpcastLinear::apply(x, w);
    return b.defined() ? y + b : y;
}

at::Tensor matmul_any(const at::Tensor& a, const at::Tensor& b) {
    if (!half_matmul_upcasts(a)) return at::matmul(a, b);
    return at::matmul(a.to(at::kFloat), b.to(at::kFloat)).to(a.scalar_type());
}

}  // namespace mmupt
