// Reduces a per-token loss matrix to one scalar under a response mask. Three modes; all give 0
// (still attached to the graph) when the mask selects no token, never NaN.
// Shapes: N responses, T response tokens (padded).
#pragma once
#include <ATen/core/Tensor.h>

#include <string>

namespace mmupt {

enum class LossAggregation {
    // sum over all unmasked tokens / their count: every token weighs the same (DAPO, EasyR1,
    // MM-UPT default).
    kTokenMean,
    // mean over tokens inside each response, then mean over responses (the GRPO paper).
    kSeqMeanTokenMean,
    // sum over tokens of each response / a constant length L, then mean over responses
    // (Dr. GRPO). verl divides the *sum* over responses by L; we take the mean so the scale
    // does not grow with the micro-batch size.
    kSeqMeanTokenSumNorm,
};

// "token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm"; throws ConfigError otherwise.
LossAggregation parse_loss_aggregation(const std::string& name);
std::string to_string(LossAggregation mode);

// loss: (N, T); mask: (N, T) of 0/1 (any dtype). The seq-mean modes average over responses
// that have at least one unmasked token. norm_length: L for kSeqMeanTokenSumNorm; <= 0 means T.
// Throws ModelError on mismatched shapes.
at::Tensor aggregate_loss(const at::Tensor& loss, const at::Tensor& mask, LossAggregation mode,
                          double norm_length = 0.0);

// sum(x * mask) / max(sum(mask), 1): the token-mean of x; a () tensor.
at::Tensor masked_mean(const at::Tensor& x, const at::Tensor& mask);

}  // namespace mmupt
