// Per-token KL estimators between the policy and the frozen reference model, from the log-probs
// of the sampled tokens only (Schulman's k1/k2/k3). Not here: aggregation over tokens
// (loss_aggregation.h) and the coefficient (grpo_loss.h).
// Shapes: N responses, T response tokens (padded).
#pragma once
#include <ATen/core/Tensor.h>

#include <string>

namespace mmupt {

enum class KlEstimator {
    kK1,  // "k1" / "kl":          logp - ref                       (unbiased, high variance)
    kK2,  // "k2" / "mse":         0.5 * (logp - ref)^2              (biased, always >= 0)
    kK3,  // "k3" / "low_var_kl":  exp(ref - logp) - (ref - logp) - 1, clamped to [-10, 10]
};

// Accepts the names above; throws ConfigError naming the known ones.
KlEstimator parse_kl_estimator(const std::string& name);
std::string to_string(KlEstimator estimator);

// logp, ref_logp: (N, T) log-probs of the sampled tokens. Returns (N, T); differentiable in
// logp. k3 clamps its exponent (ref - logp) to [-20, 20] before exp so the value and the
// gradient stay finite. Throws ModelError on mismatched shapes.
at::Tensor kl_penalty(const at::Tensor& logp, const at::Tensor& ref_logp, KlEstimator estimator);

}  // namespace mmupt
