// Batched generation on tiny random models: reproducible, batch-independent (ragged prompts,
// compaction), log-probs equal score_tokens at the same temperature, greedy equals argmax of
// repeated full forwards, stop ids end a sample (included), text-only prompts, mode restored.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include <torch/csrc/autograd/grad_mode.h>

#include "core/sampling/generator.h"
#include "core/util/errors.h"
#include "tests/core/model_test_util.h"

namespace mmupt {
namespace {

using test::image_prompt;
using test::row;
using test::tiny_model;
using test::tiny_pixels;

const GridThw kGrid{1, 4, 6}, kGrid2{1, 2, 4};

// A: image + text, B: text only (shortest), C: another image; all different lengths.
std::vector<GenerationRequest> three_requests(const ModelConfig& c) {
    GenerationRequest a{
        image_prompt(c, {5, 6}, kGrid, {7, 8, 9}), tiny_pixels({kGrid}, 1), {kGrid}, 101};
    GenerationRequest b{{10, 11, 12}, at::Tensor(), {}, 202};
    GenerationRequest d{image_prompt(c, {13}, kGrid2, {14, 15, 16, 17, 18, 19, 20, 21}),
                        tiny_pixels({kGrid2}, 2),
                        {kGrid2},
                        303};
    return {a, b, d};
}

GenerationParams sampling(double temperature, int G, int max_new) {
    GenerationParams p;
    p.sampling.temperature = temperature;
    p.num_samples = G;
    p.max_new_tokens = max_new;
    p.seed = 42;
    return p;
}

void expect_same(const GeneratedSample& a, const GeneratedSample& b, const std::string& what) {
    EXPECT_EQ(a.ids, b.ids) << what;
    EXPECT_EQ(a.stopped, b.stopped) << what;
    ASSERT_EQ(a.logprobs.size(), b.logprobs.size()) << what;
    for (size_t i = 0; i < a.logprobs.size(); ++i)
        EXPECT_NEAR(a.logprobs[i], b.logprobs[i], 1e-4) << what << " token " << i;
}

class Generator : public ::testing::TestWithParam<ModelArch> {};

TEST_P(Generator, ReproducibleAndIndependentOfTheBatch) {
    VlmModel m = tiny_model(GetParam());
    auto reqs = three_requests(m->config());
    GenerationParams p = sampling(1.0, 3, 10);
    auto all = generate(m, reqs, p), again = generate(m, reqs, p);
    ASSERT_EQ(all.size(), 3u);
    for (size_t b = 0; b < 3; ++b) {
        ASSERT_EQ(all[b].size(), 3u);
        auto alone = generate(m, {reqs[b]}, p);
        for (size_t g = 0; g < 3; ++g) {
            const std::string what = "prompt " + std::to_string(b) + " sample " + std::to_string(g);
            EXPECT_EQ(all[b][g].ids.size(), 10u) << what;
            expect_same(all[b][g], again[b][g], what + " (rerun)");
            expect_same(all[b][g], alone[0][g], what + " (alone)");
        }
    }
    // The G samples of a prompt are different draws.
    EXPECT_FALSE(all[0][0].ids == all[0][1].ids && all[0][1].ids == all[0][2].ids);
    // Another seed gives other samples.
    p.seed = 43;
    EXPECT_NE(generate(m, reqs, p)[0][0].ids, all[0][0].ids);

    // Stop ids that end prompts A and B's six rows at their first token, but not C's: over half
    // the rows finish, so the cache is compacted; samples must not change.
    std::set<int64_t> stop;
    for (int b = 0; b < 2; ++b)
        for (int g = 0; g < 3; ++g) stop.insert(all[b][g].ids[0]);
    for (int g = 0; g < 3; ++g) stop.erase(all[2][g].ids[0]);
    p.seed = 42;
    p.stop_ids.assign(stop.begin(), stop.end());
    GenerationStats stats;
    auto stopped = generate(m, reqs, p, &stats);
    int early = 0;
    for (int b = 0; b < 2; ++b)
        for (int g = 0; g < 3; ++g) early += stopped[b][g].stopped && stopped[b][g].ids.size() == 1;
    ASSERT_GE(early, 5) << "the stop set did not end enough rows; pick another model seed";
    EXPECT_GE(stats.compactions, 1);
    for (size_t b = 0; b < 3; ++b) {
        auto alone = generate(m, {reqs[b]}, p);
        for (size_t g = 0; g < 3; ++g)
            expect_same(stopped[b][g], alone[0][g],
                        "with stops, prompt " + std::to_string(b) + " sample " + std::to_string(g));
    }
    EXPECT_EQ(stats.prompt_tokens,
              static_cast<int64_t>(reqs[0].prompt_ids.size() + reqs[1].prompt_ids.size() +
                                   reqs[2].prompt_ids.size()));
    int64_t total = 0;
    for (const auto& r : stopped)
        for (const auto& s : r) total += static_cast<int64_t>(s.ids.size());
    EXPECT_EQ(stats.generated_tokens, total);
}

TEST_P(Generator, LogprobsEqualScoreTokensAtTheSameTemperature) {
    VlmModel m = tiny_model(GetParam());
    auto reqs = three_requests(m->config());
    GenerationParams p = sampling(0.7, 2, 8);
    p.sampling.top_p = 0.9;  // filtering does not change the reported log-probs
    p.sampling.top_k = 20;
    auto out = generate(m, reqs, p);
    at::NoGradGuard no_grad;
    for (size_t b = 0; b < reqs.size(); ++b)
        for (const GeneratedSample& s : out[b]) {
            std::vector<int64_t> ids = reqs[b].prompt_ids;
            const int64_t P = static_cast<int64_t>(ids.size());
            ids.insert(ids.end(), s.ids.begin(), s.ids.end());
            at::Tensor mask = at::zeros({1, static_cast<int64_t>(ids.size())}, at::kLong);
            mask.narrow(1, P, static_cast<int64_t>(s.ids.size())).fill_(1);
            VlmInputs in = test::inputs(row(ids), {}, reqs[b].pixel_values, reqs[b].image_grids);
            at::Tensor lp = m->score_tokens(in, mask, p.sampling.temperature).logprobs;  // (1, T)
            for (size_t i = 0; i < s.ids.size(); ++i)
                EXPECT_NEAR(lp[0][P + static_cast<int64_t>(i)].item<float>(), s.logprobs[i], 1e-4)
                    << "prompt " << b << " token " << i;
            // At T = 1 the scores differ: the temperature has to be passed.
            at::Tensor lp1 = m->score_tokens(in, mask).logprobs;
            EXPECT_GT((lp1 - lp).abs().max().item<float>(), 1e-3);
        }
}

TEST_P(Generator, GreedyEqualsArgmaxOfRepeatedFullForwards) {
    VlmModel m = tiny_model(GetParam());
    auto reqs = three_requests(m->config());
    const int K = 8;
    auto out = generate(m, reqs, sampling(0.0, 1, K));
    at::NoGradGuard no_grad;
    for (size_t b = 0; b < reqs.size(); ++b) {
        std::vector<int64_t> ids = reqs[b].prompt_ids, expect;
        std::vector<float> expect_lp;
        for (int k = 0; k < K; ++k) {
            at::Tensor logits = m->forward(test::inputs(row(ids), {}, reqs[b].pixel_values,
                                                        reqs[b].image_grids));  // (1, S, V)
            at::Tensor last = logits[0][-1].to(at::kFloat);
            const int64_t next = last.argmax().item<int64_t>();
            expect.push_back(next);
            expect_lp.push_back(at::log_softmax(last, -1)[next].item<float>());
            ids.push_back(next);
        }
        EXPECT_EQ(out[b][0].ids, expect) << "prompt " << b;
        for (int k = 0; k < K; ++k) EXPECT_NEAR(out[b][0].logprobs[k], expect_lp[k], 1e-4);
        EXPECT_FALSE(out[b][0].stopped);
    }
}

TEST_P(Generator, StopIdsEndASampleAndAreIncluded) {
    VlmModel m = tiny_model(GetParam());
    auto reqs = three_requests(m->config());
    GenerationParams p = sampling(0.0, 1, 12);
    const std::vector<int64_t> free_run = generate(m, {reqs[0]}, p)[0][0].ids;
    ASSERT_EQ(free_run.size(), 12u);
    // The first token that did not occur before it becomes the stop id.
    size_t k = 1;
    while (k < free_run.size() &&
           std::find(free_run.begin(), free_run.begin() + k, free_run[k]) != free_run.begin() + k)
        ++k;
    ASSERT_LT(k, free_run.size()) << "greedy run repeats one token; pick another model seed";
    p.stop_ids = {free_run[k], /*an id never produced:*/ 98};
    GeneratedSample s = generate(m, {reqs[0]}, p)[0][0];
    EXPECT_TRUE(s.stopped);
    EXPECT_EQ(s.ids, std::vector<int64_t>(free_run.begin(), free_run.begin() + k + 1));
    EXPECT_EQ(s.logprobs.size(), s.ids.size());
    // max_new_tokens caps a sample that never stops; 0 generates nothing.
    p.stop_ids = {};
    p.max_new_tokens = 3;
    s = generate(m, {reqs[0]}, p)[0][0];
    EXPECT_EQ(s.ids.size(), 3u);
    EXPECT_FALSE(s.stopped);
    p.max_new_tokens = 0;
    EXPECT_TRUE(generate(m, {reqs[0]}, p)[0][0].ids.empty());
}

TEST_P(Generator, TextOnlyPromptAndModeRestored) {
    VlmModel m = tiny_model(GetParam());
    m->train();
    GenerationRequest text{{10, 11, 12, 13}, at::Tensor(), {}, 7};
    GenerationStats stats;
    auto out = generate(m, {text}, sampling(1.0, 4, 6), &stats);
    EXPECT_TRUE(m->is_training());
    ASSERT_EQ(out[0].size(), 4u);
    for (const auto& s : out[0]) {
        EXPECT_EQ(s.ids.size(), 6u);
        for (size_t i = 0; i < s.ids.size(); ++i) {
            EXPECT_GE(s.ids[i], 0);
            EXPECT_LT(s.ids[i], m->config().text.vocab_size);
            EXPECT_LE(s.logprobs[i], 0.0f);
            EXPECT_TRUE(std::isfinite(s.logprobs[i]));
        }
    }
    EXPECT_EQ(stats.prompt_tokens, 4);
    EXPECT_EQ(stats.generated_tokens, 24);
    EXPECT_EQ(stats.decode_steps, 5);
    EXPECT_THROW(generate(m, {GenerationRequest{}}, sampling(1.0, 1, 2)), ModelError);
    EXPECT_THROW(generate(m, {text}, sampling(1.0, 0, 2)), ConfigError);
}

INSTANTIATE_TEST_SUITE_P(Arch, Generator,
                         ::testing::Values(ModelArch::qwen2_vl, ModelArch::qwen2_5_vl));

}  // namespace
}  // namespace mmupt
