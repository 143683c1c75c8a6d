#include "core/sampling/token_sampler.h"

#include <ATen/ATen.h>

#include "core/util/errors.h"

namespace mmupt {
namespace {

std::uint64_t splitmix64(std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

}  // namespace

std::uint64_t sample_key(std::uint64_t prompt_key, std::uint64_t sample_index) {
    return splitmix64(splitmix64(prompt_key) ^ (sample_index * 0xD1B54A32D192ED03ull));
}

double uniform_from_key(std::uint64_t seed, std::uint64_t row_key, std::uint64_t position) {
    std::uint64_t h = splitmix64(splitmix64(seed) ^ row_key);
    h = splitmix64(h ^ (position * 0xA24BAED4963EE407ull));
    return static_cast<double>(h >> 11) * 0x1.0p-53;  // 53 random bits
}

SampledTokens sample_next_tokens(const at::Tensor& logits, const TokenSamplingParams& params,
                                 std::uint64_t seed, const std::vector<std::uint64_t>& row_keys,
                                 std::uint64_t position) {
    at::NoGradGuard no_grad;
    TORCH_CHECK(logits.dim() == 2, "logits must be (N, V), got ", logits.sizes());
    const int64_t n = logits.size(0);
    TORCH_CHECK(static_cast<int64_t>(row_keys.size()) == n, "expected ", n, " row keys, got ",
                row_keys.size());
    if (params.temperature < 0 || !(params.top_p > 0 && params.top_p <= 1) || params.top_k < 0)
        throw ConfigError("sampling needs temperature >= 0, top_p in (0, 1], top_k >= 0");

    at::Tensor x = logits.to(at::kFloat);  // (N, V)
    SampledTokens out;
    if (params.temperature == 0) {
        out.tokens = x.argmax(-1);
        out.logprobs = at::log_softmax(x, -1).gather(-1, out.tokens.unsqueeze(-1)).squeeze(-1);
        return out;
    }
    x = x / params.temperature;
    at::Tensor full_logp = at::log_softmax(x, -1);  // (N, V)

    // Sort once; top-k and top-p both cut a prefix of the sorted order.
    auto sorted = x.sort(/*dim=*/-1, /*descending=*/true);
    at::Tensor sorted_logits = std::get<0>(sorted), order = std::get<1>(sorted);  // (N, V)
    const int64_t vocab = x.size(1);
    at::Tensor keep = at::ones_like(sorted_logits, sorted_logits.options().dtype(at::kBool));
    if (params.top_k > 0 && params.top_k < vocab)
        keep.narrow(1, params.top_k, vocab - params.top_k).fill_(false);
    at::Tensor probs = at::softmax(sorted_logits, -1);  // (N, V) descending
    if (params.top_p < 1.0) {
        // Keep the smallest prefix whose mass reaches top_p: a token stays if the mass before it
        // is < top_p (so the first token always stays).
        at::Tensor mass_before = probs.cumsum(-1) - probs;
        keep = keep & (mass_before < params.top_p);
    }
    probs = probs * keep.to(probs.scalar_type());
    at::Tensor cdf = probs.cumsum(-1);  // (N, V) unnormalised

    std::vector<double> u(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) u[i] = uniform_from_key(seed, row_keys[i], position);
    at::Tensor target = at::tensor(u, at::TensorOptions().dtype(at::kDouble))
                            .to(cdf.device())
                            .to(at::kFloat)
                            .unsqueeze(-1) *
                        cdf.narrow(1, vocab - 1, 1);  // (N, 1) in [0, total)
    // First sorted index whose cumulative mass exceeds the target; clamp guards rounding.
    at::Tensor idx = (cdf <= target).sum(-1, /*keepdim=*/true).clamp_max(vocab - 1);
    // Never land on a filtered token (possible only through float rounding at the boundary).
    at::Tensor last_kept = keep.sum(-1, true) - 1;
    idx = at::minimum(idx, last_kept);
    out.tokens = order.gather(-1, idx).squeeze(-1);
    out.logprobs = full_logp.gather(-1, out.tokens.unsqueeze(-1)).squeeze(-1);
    return out;
}

}  // namespace mmupt
