// GRPO group advantages: each response's reward relative to the other responses of its prompt,
// (r - mean) / (std + eps) with the unbiased std, or r - mean ("Dr. GRPO", no std). Groups are
// found by explicit group id, never by batch order or adjacency. Also flags zero-variance groups
// and optionally drops them / low-agreement groups. Not here: the rewards themselves (core/reward).
// Shapes: N responses in the batch (B prompts x G samples, any order).
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>

namespace mmupt {

struct AdvantageOptions {
    bool normalize_by_std = true;  // false: Dr. GRPO, advantage = r - mean
    double eps = 1e-6;             // added to the std (not the variance), as in the paper
    // DAPO-style dynamic sampling: drop groups whose rewards are all equal (they carry no policy
    // gradient but still dilute token-mean losses and pull KL).
    bool drop_zero_variance = false;
    // Drop groups whose majority ratio is below this (needs `agreement`); 0 = keep all.
    double min_agreement = 0.0;
};

struct GroupAdvantages {
    at::Tensor advantages;     // (N) same dtype/device as rewards; 0 for zero-variance / dropped
    at::Tensor zero_variance;  // (N) bool: the response's group has all-equal rewards (or G = 1)
    at::Tensor keep;           // (N) bool: false for responses of dropped groups; multiply it
                               //     into the response mask so dropped groups leave the loss
    int64_t num_groups = 0;
    int64_t num_zero_variance_groups = 0;
    int64_t num_dropped_groups = 0;
};

// rewards: (N) floating; group_ids: (N) integer; agreement: (N) floating, the majority ratio of
// each response's group (undefined unless min_agreement > 0). A group of one response has no
// baseline and counts as zero-variance (advantage 0). Throws mmupt::ModelError on shape/dtype
// mismatch, non-finite rewards or a missing `agreement` when min_agreement > 0, and
// mmupt::ConfigError when eps <= 0.
GroupAdvantages compute_group_advantages(const at::Tensor& rewards, const at::Tensor& group_ids,
                                         const AdvantageOptions& options = {},
                                         const at::Tensor& agreement = {});

}  // namespace mmupt
