// The token sampler of token_sampler.h. Without filters the inverse CDF runs in vocabulary
// order (no sort); top-k / top-p draw from a descending prefix found with topk.
#include "core/sampling/token_sampler.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <tuple>

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

namespace {

// (N, 1) uniforms in [0, 1) from the row keys, on `device`.
at::Tensor row_uniforms(std::uint64_t seed, const std::vector<std::uint64_t>& row_keys,
                        std::uint64_t position, const at::Device& device) {
    std::vector<double> u(row_keys.size());
    for (size_t i = 0; i < u.size(); ++i) u[i] = uniform_from_key(seed, row_keys[i], position);
    return at::tensor(u, at::TensorOptions().dtype(at::kDouble))
        .to(device)
        .to(at::kFloat)
        .unsqueeze(-1);
}

// Per row of an (N, K) non-negative mass table: the first entry whose cumulative mass exceeds
// u * total, as `(cdf <= u * total).sum()` but by binary search. Never an entry without mass:
// zero-mass entries inside are skipped by the search, and the result is capped at the last
// entry with mass (u * total can round up to total).
at::Tensor inverse_cdf(const at::Tensor& mass, const at::Tensor& u) {
    at::Tensor cdf = mass.cumsum(-1);                                    // (N, K)
    at::Tensor total = cdf.narrow(1, mass.size(1) - 1, 1).contiguous();  // (N, 1)
    at::Tensor idx = at::searchsorted(cdf, u * total, /*out_int32=*/false, /*right=*/true);
    at::Tensor last = at::searchsorted(cdf, total, /*out_int32=*/false, /*right=*/false);
    return at::minimum(idx, last);  // (N, 1)
}

// One block of rows. Cost: 3-4 passes over (N, V) without filters; top-k / top-p work on a
// sorted prefix from topk (K0 = top_k, or a growing guess for top_p alone), never a full sort
// unless the prefix is too short.
SampledTokens sample_rows(const at::Tensor& logits, const TokenSamplingParams& params,
                          std::uint64_t seed, const std::vector<std::uint64_t>& row_keys,
                          std::uint64_t position) {
    const int64_t vocab = logits.size(1);
    SampledTokens out;
    // x: logits / T in fp32 (no copy for fp32 logits at T = 0 or 1); one (N, V) buffer `e` for
    // exp(x - max) then its cumulative sums, so a step costs 3-4 passes over (N, V).
    at::Tensor x = logits.to(at::kFloat);  // (N, V)
    if (params.temperature != 0 && params.temperature != 1) x = x / params.temperature;
    if (params.temperature == 0) {
        auto [max, argmax] = x.max(-1, /*keepdim=*/true);  // (N, 1) one pass for both
        at::Tensor lse = max + (x - max).exp_().sum(-1, /*keepdim=*/true).log_();
        out.tokens = argmax.squeeze(-1);         // (N)
        out.logprobs = (max - lse).squeeze(-1);  // x at the argmax is the max
        return out;
    }
    at::Tensor max = x.amax(-1, /*keepdim=*/true);  // (N, 1)
    at::Tensor e = (x - max).exp_();                // (N, V)
    at::Tensor u = row_uniforms(seed, row_keys, position, x.device());
    const bool top_k = params.top_k > 0 && params.top_k < vocab;
    at::Tensor lse;  // (N, 1) logsumexp of x
    if (!top_k && params.top_p >= 1.0) {
        // No filter: inverse CDF in vocabulary order (no sort needed).
        e.cumsum_(-1);  // (N, V) unnormalised CDF, in place
        at::Tensor total = e.narrow(1, vocab - 1, 1).contiguous();  // (N, 1)
        lse = max + total.log();
        out.tokens = at::minimum(at::searchsorted(e, u * total, false, /*right=*/true),
                                 at::searchsorted(e, total, false, /*right=*/false))
                         .squeeze(-1);  // (N)
    } else {
        lse = max + e.sum(-1, /*keepdim=*/true).log_();
        e = at::Tensor();
        // The smallest sorted prefix that holds every kept token.
        int64_t K = top_k ? params.top_k : std::min<int64_t>(vocab, 256);
        at::Tensor values, order, probs, keep;  // (N, K) descending
        for (;; K = std::min(vocab, K * 16)) {
            std::tie(values, order) = x.topk(K, -1, /*largest=*/true, /*sorted=*/true);
            probs = at::exp(values - lse);  // full-distribution probabilities
            if (params.top_p >= 1.0) break;
            // top_p: keep a token when the mass before it is < top_p (the first always stays).
            at::Tensor cum = probs.cumsum(-1);  // (N, K)
            keep = cum - probs < params.top_p;
            // The prefix suffices when token K (the first left out) would be cut anyway.
            if (top_k || K == vocab || (cum.select(1, K - 1) >= params.top_p).all().item<bool>())
                break;
        }
        at::Tensor mass = keep.defined() ? probs * keep.to(probs.scalar_type()) : probs;
        at::Tensor idx = inverse_cdf(mass, u);  // (N, 1) index into the prefix
        out.tokens = order.gather(-1, idx).squeeze(-1);
    }
    // log_softmax(x / T) at the token, before filtering: what the training forward recomputes.
    out.logprobs = (x.gather(-1, out.tokens.unsqueeze(-1)) - lse).squeeze(-1);
    return out;
}

}  // namespace

SampledTokens sample_next_tokens(const at::Tensor& logits, const TokenSamplingParams& params,
                                 std::uint64_t seed, const std::vector<std::uint64_t>& row_keys,
                                 std::uint64_t position) {
    at::NoGradGuard no_grad;
    TORCH_CHECK(logits.dim() == 2, "logits must be (N, V), got ", logits.sizes());
    const int64_t n = logits.size(0), vocab = logits.size(1);
    TORCH_CHECK(static_cast<int64_t>(row_keys.size()) == n, "expected ", n, " row keys, got ",
                row_keys.size());
    if (params.temperature < 0 || !(params.top_p > 0 && params.top_p <= 1) || params.top_k < 0)
        throw ConfigError("sampling needs temperature >= 0, top_p in (0, 1], top_k >= 0");
    // On CPU, blocks of rows with (rows, V) temporaries of <= 8 MB: they stay in cache and in
    // malloc's heap (larger blocks are mmap-ed, page-faulted and unmapped on every call). Rows
    // are independent, so blocking changes no result.
    const int64_t block =
        logits.is_cpu() ? std::max<int64_t>(1, (int64_t{1} << 21) / std::max<int64_t>(vocab, 1))
                        : n;
    if (n <= block) return sample_rows(logits, params, seed, row_keys, position);
    std::vector<at::Tensor> tokens, logprobs;
    for (int64_t r = 0; r < n; r += block) {
        const int64_t m = std::min(block, n - r);
        const std::vector<std::uint64_t> keys(row_keys.begin() + r, row_keys.begin() + r + m);
        SampledTokens s = sample_rows(logits.narrow(0, r, m), params, seed, keys, position);
        tokens.push_back(s.tokens);
        logprobs.push_back(s.logprobs);
    }
    return {at::cat(tokens), at::cat(logprobs)};
}

}  // namespace mmupt
