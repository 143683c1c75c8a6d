// LoRA adapters on the text decoder's Linear layers, as PEFT's `LoraLayer` computes them:
// y = W x + b + s * B (A (dropout(x))), A (r, in) kaiming-uniform(a = sqrt 5), B (out, r) zeros,
// s = alpha / r. Adapters live beside the model (not registered in it), so the model's
// state_dict, loading and saving see the base weights only. Disabling the adapters (a guard)
// gives back the base model exactly; merging folds s*B*A into W for fast sampling.
// Not here: files (lora_io.h), which parameters the optimizer gets (the trainer's choice),
// DoRA / rsLoRA / bias training / vision-tower targets.
// Shapes: in / out the Linear's features, r the rank. Threading: the trainer thread owns it.
#pragma once
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "core/config/run_config.h"
#include "core/model/vlm_model.h"
#include "core/model/weight_names.h"

namespace mmupt {

struct LoraOptions {
    int64_t rank = 16;     // r
    double alpha = 32.0;   // scaling s = alpha / r
    double dropout = 0.0;  // on the adapter input, when the decoder is in training mode
    std::string target_modules = kDefaultLoraTargets;  // run_config.h
    std::set<std::string> target_names;  // exact module names; when set, instead of the regex
    uint64_t seed = 0;                   // A's initialisation (B starts at zero)
};

// One targeted Linear's A and B. Registered parameter names are PEFT's ("lora_A.weight").
class LoraAdapterImpl : public torch::nn::Module {
  public:
    LoraAdapterImpl(int64_t in, int64_t out, int64_t rank, double scaling, double dropout);
    // x (..., in) -> s * B(A(dropout(x))) (..., out); dropout only when `training`.
    at::Tensor delta(const at::Tensor& x, bool training) const;
    at::Tensor delta_weight() const;  // s * B @ A (out, in), in A's dtype
    torch::nn::Linear lora_A{nullptr}, lora_B{nullptr};
    double scaling = 1.0, dropout = 0.0;
    bool enabled = true;  // false: the side path is skipped (reference policy, or merged)
};
TORCH_MODULE(LoraAdapter);

// All adapters of one model. The decoder layers hold non-owning pointers to the adapters
// (text_decoder.h); this object owns them and must outlive every forward that uses them.
class LoraModel {
  public:
    // Attaches an adapter to each Linear whose module name matches options.target_modules
    // (names as in our module tree: model.language_model.layers.N.self_attn.q_proj).
    // Throws ConfigError when nothing matches, or a match is not a decoder projection.
    LoraModel(const VlmModel& model, const LoraOptions& options);
    ~LoraModel();
    LoraModel(const LoraModel&) = delete;
    LoraModel& operator=(const LoraModel&) = delete;

    const LoraOptions& options() const { return options_; }
    // Module name -> adapter, in name order.
    const std::map<std::string, LoraAdapter>& adapters() const { return adapters_; }
    // "<module>.lora_A.weight" / ".lora_B.weight" -> parameter (trainable tensors).
    std::vector<std::pair<std::string, at::Tensor>> named_parameters() const;
    int64_t num_parameters() const;

    void set_enabled(bool on);  // side path on / off for every adapter
    bool merged() const { return merged_; }
    // W += s*B*A (merge) / W -= s*B*A (unmerge) in place, adapters disabled while merged.
    // Unmerging rounds: W comes back within an ulp or so of the original, not bit-exactly.
    void merge();
    void unmerge();

    // Our names (canonical module name + ".lora_A.weight") -> detached tensors, and back
    // (ModelError naming a missing / unexpected / mis-shaped tensor).
    WeightMap state_dict() const;
    void load_state_dict(const WeightMap& weights);

  private:
    void fold(double sign);
    VlmModel model_;
    LoraOptions options_;
    std::map<std::string, LoraAdapter> adapters_;
    bool merged_ = false;
};

// Disables every adapter for its lifetime (the KL reference is the base model), restoring
// the previous state after. No weights are copied.
class AdaptersDisabled {
  public:
    explicit AdaptersDisabled(LoraModel* lora);
    ~AdaptersDisabled();

  private:
    LoraModel* lora_;
};

}  // namespace mmupt
