// The optimizer side of a step: PPO/GRPO updates over mini-batches of prompts, each accumulated
// over micro-batches of responses (gradient accumulation), and the SFT cross-entropy update of
// the "First SFT" baseline. Each micro-batch loss is weighted by its share of the mini-batch's
// tokens (token-mean) or responses (seq-mean modes), so the accumulated gradient equals that of
// one pass over the whole mini-batch (EasyR1 divides by the number of micro-batches instead).
// Not here: sampling, rewards, advantages, checkpoints. Shapes: N rows (B prompts x K),
// T tokens; n, t within one micro-batch.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <vector>

#include "core/grpo/grpo_loss.h"
#include "core/model/vlm_model.h"
#include "core/trainer/adamw.h"
#include "core/trainer/sequence_batch.h"

namespace mmupt {

struct UpdatePlan {
    int64_t mini_rows = 1;     // rows per optimizer update (mini_batch_size x K)
    int64_t micro_rows = 1;    // rows per forward/backward
    int64_t ppo_epochs = 1;    // passes over the batch
    double base_lr = 1e-6;     // before warm-up
    int64_t warmup_steps = 0;  // optimizer steps
    double temperature = 1.0;  // log-probs of softmax(logits / T): the rollout's T for GRPO
    // Old-policy / reference passes prefill each prompt once for its K rows (prefix_scoring.h);
    // false scores the packed rows (the environment's MMUPT_PREFIX_SCORING=0, for benchmarks).
    bool shared_prefix = true;
    at::Device device = at::kCPU;
    std::function<bool()> cancelled;  // checked between micro-batches; may be empty
    // Data-parallel runs (core/dist): `global_sum` sums a mini-batch's loss denominator over the
    // ranks, so each rank weights its micro-batches by the GLOBAL token (or row) count;
    // `before_step` all-reduces the accumulated gradients before each optimizer update. Both
    // empty in one process.
    std::function<double(double)> global_sum;
    std::function<void()> before_step;
    // After each applied (not skipped) optimizer update: the EMA teacher follows the policy
    // (algorithm.vote_source = ema). May be empty.
    std::function<void()> after_step;
};

// Plain numbers for metrics.jsonl: means over micro-batches weighted like the loss, and over
// optimizer updates for grad_norm / lr.
struct UpdateStats {
    double loss = 0, pg_loss = 0, kl_loss = 0, entropy = 0, ppo_kl = 0;
    double entropy_loss = 0;  // the entropy bonus's aggregated entropy (0 when it is off)
    double pg_clipfrac_higher = 0, pg_clipfrac_lower = 0;
    double grad_norm = 0;  // mean over applied updates; NaN when every update was skipped
    double lr = 0;         // of the last update
    int64_t updates = 0, skipped_updates = 0;  // optimizer updates applied / skipped (non-finite)
    int64_t nonfinite_losses = 0;              // micro-batches whose loss was not finite
    int64_t tokens = 0;                        // response tokens trained on (per epoch)
    bool cancelled = false;                    // stopped early; the step must be discarded
};

// Everything the GRPO loss needs besides the policy, for the N rows of one rollout batch.
struct PolicyBatch {
    const SequenceBatch* sequences = nullptr;
    at::Tensor advantages;                  // (N) float32 on the device
    std::vector<uint8_t> keep;              // (N) 0 = the row's group was dropped from the loss
    std::vector<at::Tensor> old_log_probs;  // per micro-batch (n, t); empty = use the first pass
    std::vector<at::Tensor> ref_log_probs;  // per micro-batch (n, t); empty when kl_coef = 0
};

// Log-probs of every micro-batch's response tokens under `model`, without gradients: the old
// policy (before this step's updates) and the frozen reference.
// Micro-batches in the order the updates visit them (same for every epoch).
std::vector<at::Tensor> score_micro_batches(VlmModel& model, const SequenceBatch& batch,
                                            const UpdatePlan& plan);

struct RowRange {
    int64_t row0 = 0, rows = 0;
};
// The partition of N rows into mini-batches of micro-batches (the last of each may be short).
std::vector<std::vector<RowRange>> plan_micro_batches(int64_t num_rows, int64_t mini_rows,
                                                      int64_t micro_rows);

// ppo_epochs x (N / mini_rows) optimizer updates of `policy` with the GRPO loss.
UpdateStats ppo_update(VlmModel& policy, AdamW& optimizer, const PolicyBatch& batch,
                       const GrpoLossOptions& loss, const UpdatePlan& plan);

// Supervised fine-tuning: token-mean negative log-likelihood of the response rows (the
// targets), one optimizer update per mini-batch. pg_loss holds the NLL; kl_loss is 0.
UpdateStats sft_update(VlmModel& policy, AdamW& optimizer, const SequenceBatch& batch,
                       const UpdatePlan& plan);

}  // namespace mmupt
