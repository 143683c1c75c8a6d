// Recompute-in-backward autograd Function (see recompute.h for the contract).
#include "core/model/recompute.h"

#include <ATen/core/ivalue.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

namespace mmupt {
namespace {

struct FnHolder : torch::CustomClassHolder {
    explicit FnHolder(LayerFn f) : fn(std::move(f)) {}
    LayerFn fn;
};

struct RecomputeFunction : torch::autograd::Function<RecomputeFunction> {
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                              const c10::intrusive_ptr<FnHolder>& holder) {
        ctx->saved_data["fn"] = c10::IValue::make_capsule(holder);
        ctx->save_for_backward({x});
        return holder->fn(x);  // forward of a custom Function runs without grad recording
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads) {
        auto holder =
            c10::static_intrusive_pointer_cast<FnHolder>(ctx->saved_data["fn"].toCapsule());
        at::Tensor x = ctx->get_saved_variables()[0].detach().requires_grad_(true);
        at::Tensor y;
        {
            at::AutoGradMode enable(true);
            y = holder->fn(x);
        }
        torch::autograd::backward({y}, {grads[0]});
        return {x.grad(), at::Tensor()};
    }
};

}  // namespace

at::Tensor checkpointed(const LayerFn& fn, const at::Tensor& x) {
    if (!at::GradMode::is_enabled() || !x.requires_grad()) return fn(x);
    return RecomputeFunction::apply(x, c10::make_intrusive<FnHolder>(fn));
}

}  // namespace mmupt
