// Masked loss reductions (token-mean, seq-mean-token-mean, seq-mean-token-sum-norm).
#include "core/grpo/loss_aggregation.h"

#include <ATen/ATen.h>

#include "core/util/errors.h"

namespace mmupt {

LossAggregation parse_loss_aggregation(const std::string& name) {
    if (name == "token-mean") return LossAggregation::kTokenMean;
    if (name == "seq-mean-token-mean") return LossAggregation::kSeqMeanTokenMean;
    if (name == "seq-mean-token-sum-norm") return LossAggregation::kSeqMeanTokenSumNorm;
    throw ConfigError("loss aggregation '" + name +
                      "' is unknown (known: token-mean, seq-mean-token-mean, "
                      "seq-mean-token-sum-norm)");
}

std::string to_string(LossAggregation mode) {
    switch (mode) {
        case LossAggregation::kTokenMean:
            return "token-mean";
        case LossAggregation::kSeqMeanTokenMean:
            return "seq-mean-token-mean";
        case LossAggregation::kSeqMeanTokenSumNorm:
            return "seq-mean-token-sum-norm";
    }
    return "?";
}

at::Tensor masked_mean(const at::Tensor& x, const at::Tensor& mask) {
    at::Tensor m = mask.to(x.scalar_type());  // (N, T)
    return (x * m).sum() / at::clamp_min(m.sum(), 1.0);
}

at::Tensor aggregate_loss(const at::Tensor& loss, const at::Tensor& mask, LossAggregation mode,
                          double norm_length) {
    if (!loss.defined() || !mask.defined() || loss.dim() != 2 || loss.sizes() != mask.sizes())
        throw ModelError("aggregate_loss: loss and mask must be (N, T) tensors of the same shape");
    if (mode == LossAggregation::kTokenMean) return masked_mean(loss, mask);

    at::Tensor m = mask.to(loss.scalar_type());  // (N, T)
    at::Tensor token_sum = (loss * m).sum(1);    // (N)
    at::Tensor lengths = m.sum(1);               // (N) unmasked tokens per response
    at::Tensor per_seq;                          // (N)
    if (mode == LossAggregation::kSeqMeanTokenMean) {
        per_seq = token_sum / at::clamp_min(lengths, 1.0);
    } else {
        const double l = norm_length > 0.0 ? norm_length : static_cast<double>(loss.size(1));
        per_seq = token_sum / l;
    }
    at::Tensor present = (lengths > 0).to(loss.scalar_type());  // (N)
    return (per_seq * present).sum() / at::clamp_min(present.sum(), 1.0);
}

}  // namespace mmupt
