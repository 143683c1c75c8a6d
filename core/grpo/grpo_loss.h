// The GRPO objective for one (micro-)batch: PPO clipped surrogate on token ratios with
// clip-higher and dual-clip, plus a KL penalty to the frozen reference and an optional entropy
// bonus, aggregated under a mask.
// Departures from the GRPO paper (DeepSeekMath), all matching the MM-UPT/EasyR1 defaults:
//  1. Loss aggregation: token-mean over the whole mini-batch, not the paper's per-response mean
//     (seq-mean-token-mean is available; seq-mean-token-sum-norm gives Dr. GRPO).
//  2. Clipping: asymmetric [1 - 0.2, 1 + 0.3] ("clip-higher", DAPO) and dual-clip 3.0 for
//     negative advantages (the paper: symmetric 0.2, no dual clip). log-ratios are clamped to
//     [-20, 20] before exp so one diverged token cannot produce inf.
//  3. KL: k3 in the loss as in the paper, but its exponent clamped to [-20, 20] and its value to
//     [-10, 10] (EasyR1 "low_var_kl"); k1/k2 selectable; kl_coef = 0 turns it off.
//  4. Advantages (group_advantage.h): unbiased std + 1e-6 as in the paper; "no std" (Dr. GRPO)
//     is an option; groups can be dropped through the mask (DAPO dynamic sampling, SRT's tau).
//  5. Entropy: off by default (the paper has none; token entropy is still reported when given).
//     entropy_coef > 0 subtracts coef x the entropy aggregated like the loss (verl's
//     entropy_coeff), so minimising the loss raises the entropy: a brake on collapse.
//     entropy_coef < 0 adds |coef| x the entropy instead: entropy minimisation (EM-RL, RENT),
//     which sharpens the policy toward its own mode without any label.
// Not here: computing log-probs (the model), advantages, or the optimizer step.
// Shapes: N responses in the micro-batch, T response tokens (padded), V vocabulary.
#pragma once
#include <ATen/core/Tensor.h>

#include "core/grpo/kl_penalty.h"
#include "core/grpo/loss_aggregation.h"

namespace mmupt {

struct GrpoLossOptions {
    double clip_ratio_low = 0.2;   // ratio lower bound 1 - low, in (0, 1)
    double clip_ratio_high = 0.3;  // ratio upper bound 1 + high, > 0
    double clip_ratio_dual = 3.0;  // dual-clip bound c for A < 0, > 1; <= 0 disables it
    double kl_coef = 1e-2;         // weight of the KL term; 0 = no KL (ref_log_probs unused)
    KlEstimator kl_estimator = KlEstimator::kK3;
    LossAggregation aggregation = LossAggregation::kTokenMean;
    double norm_length = 0.0;   // L for seq-mean-token-sum-norm; <= 0 means T
    double entropy_coef = 0.0;  // > 0 entropy bonus, < 0 entropy penalty; 0 = off (unused)
};

struct GrpoLossInputs {
    at::Tensor log_probs;      // (N, T) current policy log-probs of the sampled tokens (grad)
    at::Tensor old_log_probs;  // (N, T) the policy that sampled them (no grad)
    at::Tensor ref_log_probs;  // (N, T) frozen reference model; may be undefined if kl_coef == 0
    at::Tensor advantages;     // (N) per response, or (N, T) per token
    at::Tensor response_mask;  // (N, T) 1 for tokens that count (times the groups' keep mask)
    // (N, T) token entropies (token_entropy.h): reported when given; with entropy_coef != 0 they
    // are required and must carry the graph to the logits (the bonus is differentiated).
    at::Tensor entropy;
};

// Plain numbers for the metrics stream (token-means over the mask unless stated).
struct GrpoLossMetrics {
    double loss = 0.0;  // pg_loss + kl_coef * kl_loss - entropy_coef * entropy_loss
    double pg_loss = 0.0;
    double kl_loss = 0.0;  // aggregated KL estimator to the reference (0 when off)
    double ppo_kl = 0.0;   // approx KL(old || new): token-mean of old - new (k1)
    // Share of tokens where the PPO clip was active, i.e. the ratio left [1-low, 1+high] in the
    // direction its advantage pushes (EasyR1's name; both bounds). Split by bound below.
    double pg_clipfrac_higher = 0.0;
    double pg_clipfrac_lower = 0.0;     // share where the dual clip (A < 0, ratio > c) was active
    double clipfrac_upper_bound = 0.0;  // A > 0 and ratio > 1 + high
    double clipfrac_lower_bound = 0.0;  // A < 0 and ratio < 1 - low
    double ratio_mean = 0.0;
    double ratio_max = 0.0;     // over unmasked tokens (0 when none)
    double entropy = 0.0;       // token-mean entropy when inputs.entropy is given
    double entropy_loss = 0.0;  // entropy aggregated like the loss (0 when entropy_coef = 0)
    double num_tokens = 0.0;    // unmasked tokens
};

struct GrpoLossOutput {
    at::Tensor loss;          // () to backpropagate
    at::Tensor pg_loss;       // () policy-gradient part
    at::Tensor kl_loss;       // () KL part before kl_coef (0 when off)
    at::Tensor entropy_loss;  // () aggregated entropy before entropy_coef (0 when off)
    GrpoLossMetrics metrics;
};

// Throws ConfigError on bad options, ModelError on bad shapes (naming the tensor, the expected
// and the actual shape).
// Metrics are read back with .item() (one device sync per call).
GrpoLossOutput grpo_loss(const GrpoLossInputs& inputs, const GrpoLossOptions& options = {});

// The per-token clipped surrogate (N, T) before masking/aggregation; exposed for tests.
at::Tensor clipped_policy_loss(const at::Tensor& log_probs, const at::Tensor& old_log_probs,
                               const at::Tensor& advantages, const GrpoLossOptions& options);

}  // namespace mmupt
