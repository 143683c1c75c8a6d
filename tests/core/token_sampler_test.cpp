// Token sampling: greedy, empirical frequencies match the (filtered) distribution, top-k/top-p
// cut exactly, and a row's draw depends only on its key, never on the batch around it.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

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
