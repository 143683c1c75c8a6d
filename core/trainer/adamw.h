// AdamW (decoupled weight decay) with global-norm gradient clipping, fp32 master weights for
// low-precision parameters, and state that round-trips through plain named tensors (saved as
// safetensors in checkpoints, so a resumed run continues bit-exactly). Runs on the parameters'
// device. Not thread-safe: the trainer thread owns it. Sparse gradients are not supported.
#pragma once
#include <ATen/core/Tensor.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mmupt {

struct AdamWOptions {
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 1e-2;
    double max_grad_norm = 1.0;  // <= 0 disables clipping
};

struct AdamWStepResult {
    double grad_norm = 0.0;  // before clipping; NaN/Inf when the step was skipped
    bool skipped = false;    // non-finite gradient norm: no parameter or state changed
};

class AdamW {
  public:
    // `params`: trainable tensors (requires_grad) by name. Tensors of dtype other than fp32 get an
    // fp32 master copy; the update is applied to the master and cast back.
    AdamW(std::vector<std::pair<std::string, at::Tensor>> params, AdamWOptions options);

    // One update with learning rate `lr` from the accumulated .grad() of each parameter; then
    // zeroes the gradients. Parameters without a gradient are left alone.
    AdamWStepResult step(double lr);
    void zero_grad();

    long long steps_taken() const { return step_; }

    // State as named CPU tensors: "<param>.exp_avg", "<param>.exp_avg_sq", "<param>.master".
    std::map<std::string, at::Tensor> state_tensors() const;
    // Restores state written by state_tensors(); throws CheckpointError naming a missing or
    // mis-shaped entry. `steps_taken` comes from trainer_state.json.
    void load_state(const std::map<std::string, at::Tensor>& state, long long steps_taken);

  private:
    struct Slot {
        std::string name;
        at::Tensor param;
        at::Tensor master;               // undefined when param is fp32
        at::Tensor exp_avg, exp_avg_sq;  // fp32, like param
    };
    std::vector<Slot> slots_;
    AdamWOptions options_;
    long long step_ = 0;
};

// Learning rate at optimizer step `step` (0-based): linear warm-up over `warmup_steps`, then
// constant (the paper's schedule).
double warmup_constant_lr(double base_lr, long long step, long long warmup_steps);

}  // namespace mmupt
