#include "core/trainer/adamw.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/util/errors.h"

namespace mmupt {

AdamW::AdamW(std::vector<std::pair<std::string, at::Tensor>> params, AdamWOptions options)
    : options_(options) {
    for (auto& [name, p] : params) {
        Slot s;
        s.name = name;
        s.param = p;
        at::Tensor ref = p.detach();
        if (p.scalar_type() != at::kFloat) {
            s.master = ref.to(at::kFloat).clone();
            ref = s.master;
        }
        s.exp_avg = at::zeros_like(ref, ref.options().dtype(at::kFloat));
        s.exp_avg_sq = at::zeros_like(ref, ref.options().dtype(at::kFloat));
        slots_.push_back(std::move(s));
    }
}

void AdamW::zero_grad() {
    for (auto& s : slots_) {
        at::Tensor g = s.param.mutable_grad();
        if (g.defined()) g.zero_();
    }
}

AdamWStepResult AdamW::step(double lr) {
    at::NoGradGuard no_grad;
    AdamWStepResult result;
    // Global L2 norm over all gradients, in fp32 (one device sync).
    std::vector<at::Tensor> norms;
    for (auto& s : slots_)
        if (s.param.grad().defined()) norms.push_back(s.param.grad().to(at::kFloat).norm());
    if (norms.empty()) return result;
    double total = at::stack(norms).norm().item<double>();
    result.grad_norm = total;
    if (!std::isfinite(total)) {
        result.skipped = true;
        zero_grad();
        return result;
    }
    double clip = 1.0;
    if (options_.max_grad_norm > 0 && total > options_.max_grad_norm)
        clip = options_.max_grad_norm / (total + 1e-6);

    ++step_;
    const double bc1 = 1.0 - std::pow(options_.beta1, static_cast<double>(step_));
    const double bc2 = 1.0 - std::pow(options_.beta2, static_cast<double>(step_));
    for (auto& s : slots_) {
        if (!s.param.grad().defined()) continue;
        at::Tensor g = s.param.grad().to(at::kFloat);
        if (clip != 1.0) g = g * clip;
        at::Tensor w = s.master.defined() ? s.master : s.param.detach();
        w.mul_(1.0 - lr * options_.weight_decay);
        s.exp_avg.mul_(options_.beta1).add_(g, 1.0 - options_.beta1);
        s.exp_avg_sq.mul_(options_.beta2).addcmul_(g, g, 1.0 - options_.beta2);
        at::Tensor denom = (s.exp_avg_sq / bc2).sqrt_().add_(options_.eps);
        w.addcdiv_(s.exp_avg, denom, -lr / bc1);
        if (s.master.defined()) s.param.detach().copy_(s.master);
    }
    zero_grad();
    return result;
}

std::map<std::string, at::Tensor> AdamW::state_tensors() const {
    std::map<std::string, at::Tensor> out;
    for (const auto& s : slots_) {
        out[s.name + ".exp_avg"] = s.exp_avg.cpu();
        out[s.name + ".exp_avg_sq"] = s.exp_avg_sq.cpu();
        if (s.master.defined()) out[s.name + ".master"] = s.master.cpu();
    }
    return out;
}

void AdamW::load_state(const std::map<std::string, at::Tensor>& state, long long steps_taken) {
    at::NoGradGuard no_grad;
    auto fetch = [&](const std::string& key, const at::Tensor& like) {
        auto it = state.find(key);
        if (it == state.end())
            throw CheckpointError("optimizer state lacks '" + key +
                                  "' (was the checkpoint written by another model?)");
        if (it->second.sizes() != like.sizes())
            throw CheckpointError("optimizer state '" + key + "' has shape " +
                                  c10::str(it->second.sizes()) + ", expected " +
                                  c10::str(like.sizes()));
        like.copy_(it->second);
    };
    for (auto& s : slots_) {
        fetch(s.name + ".exp_avg", s.exp_avg);
        fetch(s.name + ".exp_avg_sq", s.exp_avg_sq);
        if (s.master.defined()) fetch(s.name + ".master", s.master);
    }
    step_ = steps_taken;
}

double warmup_constant_lr(double base_lr, long long step, long long warmup_steps) {
    if (warmup_steps <= 0 || step >= warmup_steps) return base_lr;
    return base_lr * static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
}

}  // namespace mmupt
