// k1/k2/k3 KL estimators on token log-probs.
#include "core/grpo/kl_penalty.h"

#include <ATen/ATen.h>

#include "core/util/errors.h"

namespace mmupt {

KlEstimator parse_kl_estimator(const std::string& name) {
    if (name == "k1" || name == "kl") return KlEstimator::kK1;
    if (name == "k2" || name == "mse") return KlEstimator::kK2;
    if (name == "k3" || name == "low_var_kl") return KlEstimator::kK3;
    throw ConfigError("kl estimator '" + name +
                      "' is unknown (known: k1/kl, k2/mse, k3/low_var_kl)");
}

std::string to_string(KlEstimator estimator) {
    switch (estimator) {
        case KlEstimator::kK1:
            return "k1";
        case KlEstimator::kK2:
            return "k2";
        case KlEstimator::kK3:
            return "k3";
    }
    return "?";
}

at::Tensor kl_penalty(const at::Tensor& logp, const at::Tensor& ref_logp, KlEstimator estimator) {
    if (!logp.defined() || !ref_logp.defined() || logp.sizes() != ref_logp.sizes())
        throw ModelError(
            "kl_penalty: logp and ref_logp must be defined (N, T) tensors of the "
            "same shape");
    at::Tensor diff = logp - ref_logp;  // (N, T) log pi / pi_ref
    switch (estimator) {
        case KlEstimator::kK1:
            return diff;
        case KlEstimator::kK2:
            return 0.5 * diff * diff;
        case KlEstimator::kK3: {
            at::Tensor x = at::clamp(-diff, -20.0, 20.0);  // (N, T) log pi_ref / pi
            return at::clamp(at::exp(x) - x - 1.0, -10.0, 10.0);
        }
    }
    throw ConfigError("kl_penalty: bad estimator");
}

}  // namespace mmupt
