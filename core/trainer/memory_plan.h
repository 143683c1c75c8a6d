// "Will it fit?": predicted peak memory of one MM-UPT training step from config.json and the run
// config alone (no weights read, no torch): weights, the KL reference, gradients, AdamW state,
// activations (with and without gradient checkpointing), the rollout's KV cache and logits, for
// full fine-tuning and for LoRA, and the largest rollout.n x rollout_batch_size that fits a given
// device memory. The arithmetic follows what this engine allocates (AdamW: fp32 moments plus an
// fp32 master copy of non-fp32 parameters; gradients persist between steps; the reference is a
// second copy of the weights under full training, none under LoRA; the EMA teacher an fp32 copy
// of the trainable parameters); the activation and logits
// coefficients are per-token counts of the tensors autograd keeps, checked against measured peak
// RSS in docs/performance.md. Upper-bound inputs: every response is max_new_tokens long, every
// prompt max_prompt_length (or the given prompt size). Not modelled: allocator fragmentation.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/config/run_config.h"
#include "core/model/model_config.h"

namespace mmupt {

struct MemoryPlanOptions {
    int64_t prompt_tokens = 0;  // per prompt incl. image tokens; 0 = data.max_prompt_length
    int64_t image_tokens = -1;  // merged image tokens per prompt; -1 = from data.max_pixels
    // The LoRA column: model.lora.rank and model.lora.target_modules (a regex over module
    // names, as LoraModel matches it) come from the run config; a rank > 0 here overrides it.
    int64_t lora_rank = 0;
    bool cuda = false;          // runtime overhead of a CUDA process instead of a CPU one
    int64_t device_memory = 0;  // bytes available; 0 = unknown (no fit search)
};

// Bytes of each term at the step's peak. `activations` is the configured one of
// activations_full / activations_checkpointed.
struct MemoryTerms {
    int64_t weights = 0;    // the policy's parameters
    int64_t reference = 0;  // the frozen reference: KL or voter (0 under LoRA, or neither is on)
    // algorithm.vote_source = ema: the EMA teacher, an fp32 copy of the trainable parameters,
    // plus (bf16 / fp16 models) its cast copy during the teacher's rollout, counted there.
    int64_t teacher = 0;
    int64_t gradients = 0;    // trainable parameters, in the parameter dtype
    int64_t optimizer = 0;    // AdamW exp_avg + exp_avg_sq (+ fp32 master) per trainable param
    int64_t activations = 0;  // saved for backward over one micro-batch, at the configured setting
    int64_t activations_full = 0;          // without gradient checkpointing
    int64_t activations_checkpointed = 0;  // with it
    int64_t kv_cache = 0;                  // rollout: rollout_batch_size x n rows, prompt + new
    int64_t logits = 0;  // the largest of: decode-step logits of the rollout, training logits
    int64_t upcast =
        0;  // CPU bf16 / fp16: fp32 copy of the largest weight and its product's output
    int64_t runtime = 0;     // process / CUDA context, tokenizer, allocator slack (measured const)
    int64_t peak = 0;        // persistent terms + the largest phase (rollout or update) + runtime
    std::string peak_phase;  // "rollout" or "update"
    int64_t trainable_parameters = 0;
    int64_t max_rollout_rows = 0;  // largest n x rollout_batch_size within device_memory
};

struct MemoryPlan {
    int64_t parameters = 0;
    int64_t prompt_tokens = 0, image_tokens = 0, response_tokens = 0;
    int64_t rollout_rows = 0;  // rollout.n x trainer.rollout_batch_size as configured
    int64_t device_memory = 0;
    int64_t lora_rank = 0;      // the LoRA column's r (config or override)
    bool lora_enabled = false;  // model.lora.enabled: the column the run would use
    MemoryTerms full, lora;
};

// Adapter parameters LoraModel (core/model/lora.h) creates for this model: r (in + out) for each
// Linear whose module name (model.language_model.layers.N.self_attn.q_proj, ...) matches
// `target_modules` in full. Throws ConfigError, with LoraModel's words, for an invalid regex, a
// match outside the decoder projections, or no match. `adapters` (optional) gets their number.
int64_t lora_parameter_count(const ModelConfig& model, const std::string& target_modules,
                             int64_t rank, int64_t* adapters = nullptr);

// Throws ConfigError for an unusable combination (e.g. a LoRA target no layer has).
MemoryPlan plan_memory(const ModelConfig& model, const RunConfig& run,
                       const MemoryPlanOptions& options = {});

// "24GiB", "24 GB", "512MiB", "1.5GiB", "1000000" (bytes) -> bytes; ConfigError otherwise.
int64_t parse_byte_size(const std::string& text);

}  // namespace mmupt
