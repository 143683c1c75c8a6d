// Recompute-in-backward autograd Function (see recompute.h for the contract).
#include "core/model/recompute.h"

#include <mutex>

#include <ATen/Context.h>
#include <ATen/core/ivalue.h>
#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/custom_function.h>

namespace mmupt {
namespace {

// The default generator of `device`, whose draws (dropout) the recompute must repeat.
at::Tensor rng_state(const at::Device& device) {
    at::Generator gen = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(gen.mutex());
    return gen.get_state();
}

void set_rng_state(const at::Device& device, const at::Tensor& state) {
    at::Generator gen = at::globalContext().defaultGenerator(device);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(state);
}

struct FnHolder : torch::CustomClassHolder {
    explicit FnHolder(LayerFn f) : fn(std::move(f)) {}
    LayerFn fn;
};

struct RecomputeFunction : torch::autograd::Function<RecomputeFunction> {
    static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                              const c10::intrusive_ptr<FnHolder>& holder) {
        ctx->saved_data["fn"] = c10::IValue::make_capsule(holder);
        ctx->saved_data["rng"] = rng_state(x.device());  // dropout (LoRA) replays its masks
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
            const at::Tensor now = rng_state(x.device());
            set_rng_state(x.device(), ctx->saved_data["rng"].toTensor());
            y = holder->fn(x);
            set_rng_state(x.device(), now);
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
