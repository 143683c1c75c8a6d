// VlmModel training paths: score_tokens equals log_softmax of the forward logits at the
// sampled tokens, shared image encodings across G rows, gradients reach vision and text
// weights, gradient checkpointing gives the same gradients, and the frozen reference copy.
#include <gtest/gtest.h>

#include "core/model/vlm_model.h"
#include "tests/core/model_test_util.h"

namespace mmupt {
namespace {

using test::image_prompt;
using test::inputs;
using test::max_abs_diff;
using test::row;
using test::tiny_model;
using test::tiny_pixels;

const GridThw kGrid{1, 4, 6};

// Two left-padded rows (prompt + response) with a response mask; images per row.
struct TrainBatch {
    VlmInputs in;
    at::Tensor response;  // (2, T)
};

TrainBatch make_batch(const ModelConfig& c) {
    std::vector<int64_t> a = image_prompt(c, {5}, kGrid, {7, 8});
    std::vector<int64_t> b = image_prompt(c, {6}, kGrid, {9});
    const std::vector<int64_t> ra{20, 21, 22, 95}, rb{23, 24, 95, 0};  // rb right-padded
    b.insert(b.begin(), 0);                                            // left pad
    std::vector<int64_t> ta = a, tb = b;
    ta.insert(ta.end(), ra.begin(), ra.end());
    tb.insert(tb.end(), rb.begin(), rb.end());
    const int64_t T = static_cast<int64_t>(ta.size()), P = static_cast<int64_t>(a.size());
    at::Tensor ids = at::cat({row(ta), row(tb)}, 0);
    at::Tensor mask = at::ones({2, T}, at::kLong);
    mask[1][0] = 0;
    mask[1][T - 1] = 0;
    at::Tensor resp = at::zeros({2, T}, at::kLong);
    resp[0].narrow(0, P, 4).fill_(1);
    resp[1].narrow(0, P, 3).fill_(1);
    return {inputs(ids, mask, tiny_pixels({kGrid, kGrid}), {kGrid, kGrid}), resp};
}

class ModelTrain : public ::testing::TestWithParam<ModelArch> {};

TEST_P(ModelTrain, LogprobsEqualLogSoftmaxOfForwardLogits) {
    VlmModel m = tiny_model(GetParam());
    TrainBatch tb = make_batch(m->config());
    TokenScores s = m->score_tokens(tb.in, tb.response);
    at::Tensor logits;
    {
        at::NoGradGuard no_grad;
        logits = m->forward(tb.in);  // (2, T, V)
    }
    at::Tensor logp = at::log_softmax(logits.to(at::kFloat), -1);
    at::Tensor ids = tb.in.input_ids;
    const int64_t T = ids.size(1);
    at::Tensor expect_lp = at::zeros({2, T}), expect_ent = at::zeros({2, T});
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t t = 1; t < T; ++t) {
            if (tb.response[b][t].item<int64_t>() == 0) continue;
            at::Tensor row_lp = logp[b][t - 1];
            expect_lp[b][t] = row_lp[ids[b][t].item<int64_t>()];
            expect_ent[b][t] = -(row_lp.exp() * row_lp).sum();
        }
    EXPECT_LE(max_abs_diff(s.logprobs.detach(), expect_lp), 1e-5);
    EXPECT_LE(max_abs_diff(s.entropy.detach(), expect_ent), 1e-5);
    EXPECT_LT(s.logprobs.sum().item<double>(), 0.0);
    EXPECT_TRUE(s.logprobs.requires_grad());
}

TEST_P(ModelTrain, SharedImageGroupsMatchDuplicatedImages) {
    VlmModel m = tiny_model(GetParam());
    const ModelConfig& c = m->config();
    std::vector<int64_t> a = image_prompt(c, {5}, kGrid, {7, 8, 20, 21});
    at::Tensor ids = at::cat({row(a), row(a)}, 0);
    ids[1][static_cast<int64_t>(a.size()) - 1] = 22;  // two samples of one prompt
    at::Tensor resp = at::zeros_like(ids);
    resp.narrow(1, static_cast<int64_t>(a.size()) - 2, 2).fill_(1);
    at::Tensor px = tiny_pixels({kGrid});
    TokenScores shared = m->score_tokens(inputs(ids, {}, px, {kGrid}, /*G=*/2), resp);
    TokenScores dup = m->score_tokens(inputs(ids, {}, at::cat({px, px}), {kGrid, kGrid}), resp);
    EXPECT_LE(max_abs_diff(shared.logprobs.detach(), dup.logprobs.detach()), 1e-5);
}

// Gradients of sum(logprobs) for a few named parameters.
std::map<std::string, at::Tensor> grads_of(VlmModel& m, const TrainBatch& tb) {
    m->zero_grad();
    m->score_tokens(tb.in, tb.response).logprobs.sum().backward();
    std::map<std::string, at::Tensor> out;
    for (const auto& item : m->named_parameters())
        out[item.key()] = item.value().grad().defined() ? item.value().grad().clone()
                                                        : at::zeros_like(item.value());
    return out;
}

TEST_P(ModelTrain, GradientsReachVisionAndTextAndMatchCheckpointing) {
    VlmModel m = tiny_model(GetParam());
    m->train();
    TrainBatch tb = make_batch(m->config());
    auto plain = grads_of(m, tb);
    for (const char* name :
         {"model.visual.patch_embed.proj.weight", "model.visual.blocks.0.attn.qkv.weight",
          "model.visual.blocks.1.norm1.weight", "model.visual.merger.mlp.0.weight",
          "model.language_model.embed_tokens.weight",
          "model.language_model.layers.0.self_attn.q_proj.bias",
          "model.language_model.layers.1.mlp.down_proj.weight",
          "model.language_model.norm.weight"}) {
        ASSERT_TRUE(plain.count(name)) << name;
        EXPECT_GT(plain[name].abs().sum().item<double>(), 0.0) << name;
    }
    m->set_gradient_checkpointing(true);
    auto recomputed = grads_of(m, tb);
    for (const auto& [name, g] : plain)
        EXPECT_LE(max_abs_diff(g, recomputed[name]), 1e-5 * (1.0 + g.abs().max().item<double>()))
            << name;
}

TEST_P(ModelTrain, FrozenCopyIsIndependentAndEqual) {
    VlmModel m = tiny_model(GetParam());
    VlmModel ref = m->frozen_copy();
    for (const auto& p : ref->parameters()) EXPECT_FALSE(p.requires_grad());
    EXPECT_FALSE(ref->is_training());
    TrainBatch tb = make_batch(m->config());
    at::NoGradGuard no_grad;
    at::Tensor before = ref->forward(tb.in);
    EXPECT_LE(max_abs_diff(before, m->forward(tb.in)), 0.0);
    for (auto& p : m->parameters()) p.add_(0.05);
    EXPECT_LE(max_abs_diff(before, ref->forward(tb.in)), 0.0);
    EXPECT_GT(max_abs_diff(before, m->forward(tb.in)), 1e-3);
}

INSTANTIATE_TEST_SUITE_P(Families, ModelTrain,
                         ::testing::Values(ModelArch::qwen2_vl, ModelArch::qwen2_5_vl),
                         [](const auto& info) {
                             return info.param == ModelArch::qwen2_vl ? "Qwen2VL" : "Qwen25VL";
                         });

}  // namespace
}  // namespace mmupt
