// Picks the next token for each row of a batch of logits: temperature, top-k, top-p, then an
// inverse-CDF draw with a uniform number that depends only on (seed, row key, position). So a
// sample is reproducible whatever batch it is in and whatever device runs it, which is what makes
// a run resumable and comparable. Greedy when temperature == 0.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace mmupt {

struct TokenSamplingParams {
    double temperature = 1.0;  // 0 = greedy
    double top_p = 1.0;        // nucleus mass kept, (0, 1]
    int top_k = 0;             // 0 = off
};

// Uniform in [0, 1) from a counter-based hash (splitmix64 of the three inputs).
double uniform_from_key(std::uint64_t seed, std::uint64_t row_key, std::uint64_t position);

// A stable per-sample key from (prompt key, sample index), for row_keys below.
std::uint64_t sample_key(std::uint64_t prompt_key, std::uint64_t sample_index);

struct SampledTokens {
    at::Tensor tokens;    // (N,) int64, on the logits' device
    at::Tensor logprobs;  // (N,) float32: log_softmax(logits / T) at the token (T = 1 if greedy),
                          // i.e. without top-k/top-p renormalisation: the value the training
                          // forward recomputes for the same token.
};

// logits: (N, V) any float dtype; row_keys.size() == N; `position` = index of the token being
// generated (0 for the first new token).
SampledTokens sample_next_tokens(const at::Tensor& logits, const TokenSamplingParams& params,
                                 std::uint64_t seed, const std::vector<std::uint64_t>& row_keys,
                                 std::uint64_t position);

}  // namespace mmupt
