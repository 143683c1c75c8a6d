// Token sampling: greedy, empirical frequencies match the (filtered) distribution, top-k/top-p
// cut exactly, and a row's draw depends only on its key, never on the batch around it.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>
#include <limits>

#include "core/sampling/token_sampler.h"
#include "core/util/errors.h"

using namespace mmupt;

namespace {
at::Tensor logits_for(const std::vector<double>& probs, int rows) {
    at::Tensor p = at::tensor(probs, at::kDouble).to(at::kFloat).log();
    return p.unsqueeze(0).repeat({rows, 1});
}
std::vector<std::uint64_t> keys(int n, std::uint64_t base = 0) {
    std::vector<std::uint64_t> k;
    for (int i = 0; i < n; ++i) k.push_back(sample_key(base, i));
    return k;
}
std::vector<double> frequencies(const at::Tensor& tokens, int vocab) {
    std::vector<double> f(vocab, 0.0);
    auto acc = tokens.accessor<int64_t, 1>();
    for (int64_t i = 0; i < tokens.size(0); ++i) f[acc[i]] += 1.0 / tokens.size(0);
    return f;
}
}  // namespace

TEST(TokenSampler, GreedyPicksArgmaxWithItsLogprob) {
    at::Tensor logits = at::tensor({0.1f, 2.0f, -1.0f, 1.9f}).unsqueeze(0);
    auto r = sample_next_tokens(logits, {0.0, 1.0, 0}, 1, keys(1), 0);
    EXPECT_EQ(r.tokens.item<int64_t>(), 1);
    EXPECT_NEAR(r.logprobs.item<float>(), at::log_softmax(logits, -1)[0][1].item<float>(), 1e-6);
}

TEST(TokenSampler, FrequenciesMatchDistribution) {
    const std::vector<double> p = {0.5, 0.3, 0.15, 0.05};
    const int n = 20000;
    auto r = sample_next_tokens(logits_for(p, n), {1.0, 1.0, 0}, 7, keys(n), 3);
    auto f = frequencies(r.tokens, 4);
    for (int v = 0; v < 4; ++v) {
        double sd = std::sqrt(p[v] * (1 - p[v]) / n);
        EXPECT_NEAR(f[v], p[v], 5 * sd) << "token " << v;
    }
    // Log-probs are the full-distribution values.
    EXPECT_NEAR(r.logprobs[0].item<float>(), std::log(p[r.tokens[0].item<int64_t>()]), 1e-5);
}

TEST(TokenSampler, TopKAndTopPCutTheTail) {
    const std::vector<double> p = {0.5, 0.3, 0.15, 0.05};
    const int n = 20000;
    auto k2 =
        frequencies(sample_next_tokens(logits_for(p, n), {1.0, 1.0, 2}, 1, keys(n), 0).tokens, 4);
    EXPECT_EQ(k2[2] + k2[3], 0.0);
    EXPECT_NEAR(k2[0], 0.625, 0.02);  // 0.5 / 0.8
    // top_p = 0.79: the mass before token 2 is 0.8 >= 0.79, so tokens {0, 1} stay.
    auto p8 =
        frequencies(sample_next_tokens(logits_for(p, n), {1.0, 0.79, 0}, 1, keys(n), 0).tokens, 4);
    EXPECT_EQ(p8[2] + p8[3], 0.0);
    auto p81 =
        frequencies(sample_next_tokens(logits_for(p, n), {1.0, 0.81, 0}, 1, keys(n), 0).tokens, 4);
    EXPECT_GT(p81[2], 0.1);
    EXPECT_EQ(p81[3], 0.0);
    // A tiny top_p keeps only the most likely token.
    auto tiny = frequencies(
        sample_next_tokens(logits_for(p, 100), {1.0, 1e-3, 0}, 1, keys(100), 0).tokens, 4);
    EXPECT_NEAR(tiny[0], 1.0, 1e-9);
}

TEST(TokenSampler, TemperatureSharpens) {
    const std::vector<double> p = {0.6, 0.4};
    const int n = 20000;
    auto f =
        frequencies(sample_next_tokens(logits_for(p, n), {0.5, 1.0, 0}, 3, keys(n), 0).tokens, 2);
    double expected = 0.36 / (0.36 + 0.16);  // p^(1/T) normalised
    EXPECT_NEAR(f[0], expected, 0.015);
}

TEST(TokenSampler, RowDrawDependsOnlyOnItsKey) {
    at::manual_seed(0);
    at::Tensor logits = at::randn({6, 50});
    auto k = keys(6, 99);
    auto full = sample_next_tokens(logits, {0.9, 0.95, 0}, 5, k, 11);
    // The same rows in reverse order, and row 3 alone, give the same tokens.
    std::vector<std::uint64_t> rk(k.rbegin(), k.rend());
    auto rev = sample_next_tokens(logits.flip({0}), {0.9, 0.95, 0}, 5, rk, 11);
    EXPECT_TRUE(at::equal(full.tokens, rev.tokens.flip({0})));
    auto one = sample_next_tokens(logits.narrow(0, 3, 1), {0.9, 0.95, 0}, 5, {k[3]}, 11);
    EXPECT_EQ(one.tokens.item<int64_t>(), full.tokens[3].item<int64_t>());
    // A different seed or position changes the draws somewhere.
    auto other = sample_next_tokens(logits, {0.9, 0.95, 0}, 6, k, 11);
    EXPECT_FALSE(at::equal(full.tokens, other.tokens));
}

TEST(TokenSampler, BadParametersAreConfigErrors) {
    at::Tensor logits = at::zeros({1, 4});
    EXPECT_THROW(sample_next_tokens(logits, {-1.0, 1.0, 0}, 0, keys(1), 0), ConfigError);
    EXPECT_THROW(sample_next_tokens(logits, {1.0, 0.0, 0}, 0, keys(1), 0), ConfigError);
    EXPECT_THROW(sample_next_tokens(logits, {1.0, 1.0, 0}, 0, keys(2), 0), c10::Error);
}

TEST(TokenSampler, UniformsLookUniform) {
    double sum = 0, sum2 = 0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        double u = uniform_from_key(1, sample_key(2, i), 3);
        ASSERT_GE(u, 0.0);
        ASSERT_LT(u, 1.0);
        sum += u;
        sum2 += u * u;
    }
    EXPECT_NEAR(sum / n, 0.5, 0.005);
    EXPECT_NEAR(sum2 / n - (sum / n) * (sum / n), 1.0 / 12, 0.002);
}

namespace {
// The sort-based reference: descending order, top-k prefix, top-p by the mass before each
// token, then the first sorted index whose cumulative kept mass exceeds u * total.
std::vector<int64_t> reference_draws(const at::Tensor& logits, const TokenSamplingParams& p,
                                     std::uint64_t seed, const std::vector<std::uint64_t>& k,
                                     std::uint64_t position) {
    at::Tensor x = logits.to(at::kDouble) / p.temperature;
    auto sorted = x.sort(-1, /*descending=*/true);
    at::Tensor probs_t = at::softmax(std::get<0>(sorted), -1), order = std::get<1>(sorted);
    auto probs = probs_t.accessor<double, 2>();
    std::vector<int64_t> out;
    for (int64_t r = 0; r < x.size(0); ++r) {
        std::vector<double> mass;
        double before = 0;
        for (int64_t i = 0; i < x.size(1); ++i) {
            const double q = probs[r][i];
            const bool keep = (p.top_k == 0 || i < p.top_k) && before < p.top_p;
            mass.push_back(keep ? q : 0.0);
            before += q;
        }
        double total = 0;
        for (double m : mass) total += m;
        const double target = uniform_from_key(seed, k[r], position) * total;
        double cdf = 0;
        int64_t pick = 0;
        while (pick + 1 < static_cast<int64_t>(mass.size()) && (cdf += mass[pick]) <= target)
            ++pick;
        out.push_back(order[r][pick].item<int64_t>());
    }
    return out;
}
}  // namespace

// Large vocabularies take the fast paths: top-k / top-p on a topk prefix (grown when top_p
// needs more than the first guess), no-filter sampling without a sort. The filtered draws equal
// the sort-based reference token for token (ties aside: random logits have none).
TEST(TokenSampler, PrefixPathsMatchTheSortReference) {
    at::manual_seed(1);
    const int rows = 64, vocab = 5000;
    at::Tensor logits = at::randn({rows, vocab}) * 0.5;  // flat: top_p 0.9 needs > 256 tokens
    auto k = keys(rows, 5);
    for (TokenSamplingParams p :
         {TokenSamplingParams{1.0, 0.9, 0}, {0.7, 1.0, 40}, {1.3, 0.5, 300}, {1.0, 0.05, 0}}) {
        auto got = sample_next_tokens(logits, p, 9, k, 2);
        auto want = reference_draws(logits, p, 9, k, 2);
        int same = 0;
        for (int r = 0; r < rows; ++r) same += got.tokens[r].item<int64_t>() == want[r];
        // Float vs double cumulative sums may move a draw that lands within ~1e-6 of a
        // boundary; anything beyond one such row is a real difference.
        EXPECT_GE(same, rows - 1) << "T " << p.temperature << " top_p " << p.top_p << " top_k "
                                  << p.top_k;
    }
}

TEST(TokenSampler, NeverDrawsAMaskedToken) {
    const int rows = 4000, vocab = 300;
    at::Tensor logits = at::zeros({rows, vocab});
    logits.narrow(1, 0, 150).fill_(-std::numeric_limits<float>::infinity());
    logits.narrow(1, 299, 1).fill_(-std::numeric_limits<float>::infinity());
    for (TokenSamplingParams p : {TokenSamplingParams{1.0, 1.0, 0}, {1.0, 0.5, 0}}) {
        auto r = sample_next_tokens(logits, p, 3, keys(rows), 0);
        EXPECT_GE(r.tokens.min().item<int64_t>(), 150);
        EXPECT_LT(r.tokens.max().item<int64_t>(), 299);
        EXPECT_NEAR(r.logprobs[0].item<float>(), -std::log(149.0), 1e-5);
    }
}
