// The optimizer side of the trainer on a tiny in-memory model: sequence packing and micro-batch
// cuts, gradient accumulation equal to one pass over the mini-batch, SFT loss decreasing, and a
// non-finite gradient skipping the update without touching the weights.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "core/trainer/policy_update.h"
#include "core/trainer/prefix_scoring.h"
#include "core/util/errors.h"
#include "tests/core/model_test_util.h"

namespace mmupt {
namespace {

const GridThw kGrid{1, 4, 4};  // 16 patches -> 4 merged image tokens

// B prompts (with an image when `images`), token ids from the tiny vocab (< 90).
std::vector<Prompt> make_prompts(const ModelConfig& c, int B, bool images) {
    std::vector<Prompt> out;
    for (int b = 0; b < B; ++b) {
        Prompt p;
        std::vector<int64_t> text(static_cast<size_t>(2 + b % 3), 10 + b);
        p.ids = images ? test::image_prompt(c, text, kGrid, {7, 8}) : text;
        if (images) {
            p.pixel_values = test::tiny_pixels({kGrid}, 100 + b);
            p.grids = {kGrid};
        }
        out.push_back(std::move(p));
    }
    return out;
}

// K responses per prompt of varying length, ending in the tiny eos id.
std::vector<std::vector<int64_t>> make_responses(int B, int K) {
    std::vector<std::vector<int64_t>> out;
    for (int i = 0; i < B * K; ++i) {
        std::vector<int64_t> r;
        for (int t = 0; t < 1 + (i * 7) % 5; ++t) r.push_back(20 + (i + t) % 30);
        r.push_back(95);
        out.push_back(r);
    }
    return out;
}

std::vector<std::pair<std::string, at::Tensor>> params_of(VlmModel& m) {
    std::vector<std::pair<std::string, at::Tensor>> out;
    for (auto& p : m->named_parameters()) out.emplace_back(p.key(), p.value());
    return out;
}

TEST(TrainerBatch, PacksLeftPaddedPromptsAndRightPaddedResponses) {
    VlmModel m = test::tiny_model(ModelArch::qwen2_vl);
    auto prompts = make_prompts(m->config(), 3, true);
    auto responses = make_responses(3, 2);
    SequenceBatch b = pack_sequences(prompts, responses, 2, /*pad_id=*/0);
    ASSERT_EQ(b.num_rows(), 6);
    int64_t P = 0, R = 0;
    for (const auto& p : prompts) P = std::max<int64_t>(P, static_cast<int64_t>(p.ids.size()));
    for (const auto& r : responses) R = std::max<int64_t>(R, static_cast<int64_t>(r.size()));
    EXPECT_EQ(b.input_ids.sizes(), at::IntArrayRef({6, P + R}));
    for (int row = 0; row < 6; ++row) {
        const auto& prompt = prompts[size_t(row / 2)].ids;
        const int64_t pl = static_cast<int64_t>(prompt.size());
        EXPECT_EQ(b.input_ids[row][P - pl].item<int64_t>(), prompt[0]);  // left-padded
        EXPECT_EQ(b.attention_mask[row].sum().item<int64_t>(),
                  pl + static_cast<int64_t>(responses[size_t(row)].size()));
        EXPECT_EQ(b.response_mask[row].sum().item<float>(),
                  static_cast<float>(responses[size_t(row)].size()));
        EXPECT_EQ(b.input_ids[row][P].item<int64_t>(), responses[size_t(row)][0]);  // right-padded
    }
    EXPECT_THROW(pack_sequences(prompts, make_responses(3, 1), 2, 0), ModelError);
}

TEST(TrainerBatch, MicroBatchesShareImagesWithinAPromptAndTrimPadding) {
    VlmModel m = test::tiny_model(ModelArch::qwen2_vl);
    auto prompts = make_prompts(m->config(), 3, true);
    SequenceBatch b = pack_sequences(prompts, make_responses(3, 4), 4, 0);
    MicroBatch whole = make_micro_batch(b, 4, 4, at::kCPU);  // exactly prompt 1's rows
    EXPECT_EQ(whole.inputs.rows_per_image_group, 4);
    EXPECT_EQ(whole.inputs.image_grids.size(), 1u);
    MicroBatch pair = make_micro_batch(b, 6, 2, at::kCPU);  // second half of prompt 1
    EXPECT_EQ(pair.inputs.rows_per_image_group, 2);
    MicroBatch odd = make_micro_batch(b, 3, 3, at::kCPU);  // crosses prompts 0 and 1
    EXPECT_EQ(odd.inputs.rows_per_image_group, 1);
    EXPECT_EQ(odd.inputs.image_grids.size(), 3u);
    // Trimmed to its own longest prompt + response; the scores equal those of the full width.
    EXPECT_LE(pair.cols, b.input_ids.size(1));
    at::NoGradGuard no_grad;
    for (const MicroBatch& mb : {whole, pair, odd}) {
        TokenScores s = m->score_tokens(mb.inputs, mb.response_mask);
        MicroBatch wide = mb;
        wide.inputs.input_ids = b.input_ids.narrow(0, mb.row0, mb.rows);
        wide.inputs.attention_mask = b.attention_mask.narrow(0, mb.row0, mb.rows);
        wide.response_mask = b.response_mask.narrow(0, mb.row0, mb.rows);
        TokenScores w = m->score_tokens(wide.inputs, wide.response_mask);
        EXPECT_NEAR(s.logprobs.sum().item<double>(), w.logprobs.sum().item<double>(), 1e-4);
    }
}

TEST(TrainerBatch, CachedImageFeaturesScoreLikeEncodingInThePass) {
    VlmModel m = test::tiny_model(ModelArch::qwen2_5_vl);
    auto prompts = make_prompts(m->config(), 3, true);
    SequenceBatch plain = pack_sequences(prompts, make_responses(3, 4), 4, 0);
    SequenceBatch cached = plain;
    cache_image_features(cached, m);
    ASSERT_EQ(cached.image_features.size(), 3u);
    for (const at::Tensor& f : cached.image_features) EXPECT_FALSE(f.requires_grad());
    at::NoGradGuard no_grad;
    for (auto [row0, rows] : {std::pair<int64_t, int64_t>{4, 4}, {6, 2}, {3, 3}, {0, 12}}) {
        MicroBatch a = make_micro_batch(plain, row0, rows, at::kCPU);
        MicroBatch b = make_micro_batch(cached, row0, rows, at::kCPU);
        EXPECT_TRUE(a.inputs.pixel_values.defined() && !a.inputs.image_features.defined());
        EXPECT_TRUE(b.inputs.image_features.defined() && !b.inputs.pixel_values.defined());
        EXPECT_EQ(a.inputs.image_grids, b.inputs.image_grids);
        at::Tensor la = m->score_tokens(a.inputs, a.response_mask).logprobs;
        at::Tensor lb = m->score_tokens(b.inputs, b.response_mask).logprobs;
        EXPECT_LT((la - lb).abs().max().item<double>(), 1e-5) << row0 << "+" << rows;
    }
}

// The old-policy / reference passes prefill each prompt once and decode its K responses in
// one multi-token step: the same log-probs as scoring the packed rows, with left-padded prompts
// of different lengths, right-padded responses, images encoded in the pass or cached, T != 1.
TEST(TrainerBatch, SharedPrefixScoresLikeThePackedRows) {
    for (ModelArch arch : {ModelArch::qwen2_vl, ModelArch::qwen2_5_vl}) {
        VlmModel m = test::tiny_model(arch);
        m->eval();
        auto prompts = make_prompts(m->config(), 3, true);
        SequenceBatch plain = pack_sequences(prompts, make_responses(3, 4), 4, 0);
        SequenceBatch cached = plain;
        cache_image_features(cached, m);
        at::NoGradGuard no_grad;
        for (const SequenceBatch* b : {&plain, &cached})
            for (auto [row0, rows] : {std::pair<int64_t, int64_t>{0, 12}, {4, 4}, {4, 8}})
                for (double T : {1.0, 0.7}) {
                    MicroBatch mb = make_micro_batch(*b, row0, rows, at::kCPU);
                    ASSERT_TRUE(shares_prompts(*b, mb));
                    at::Tensor want = m->score_tokens(mb.inputs, mb.response_mask, T).logprobs;
                    at::Tensor got = score_shared_prefix(m, *b, mb, T);
                    ASSERT_EQ(got.sizes(), want.sizes());
                    EXPECT_LT((got - want).abs().max().item<double>(), 1e-5)
                        << static_cast<int>(arch) << " rows " << row0 << "+" << rows << " T " << T;
                    EXPECT_EQ(((got != 0) != (mb.response_mask != 0)).sum().item<int64_t>(), 0);
                }
        // Rows that split a prompt's group are scored the packed way.
        EXPECT_FALSE(shares_prompts(plain, make_micro_batch(plain, 6, 2, at::kCPU)));
        EXPECT_FALSE(shares_prompts(plain, make_micro_batch(plain, 3, 3, at::kCPU)));
        SequenceBatch sft = pack_sequences(prompts, make_responses(3, 1), 1, 0);
        EXPECT_FALSE(shares_prompts(sft, make_micro_batch(sft, 0, 3, at::kCPU)));
    }
}

TEST(TrainerBatch, PlanSplitsMiniBatchesIntoMicroBatches) {
    auto plan = plan_micro_batches(10, 4, 3);
    ASSERT_EQ(plan.size(), 3u);  // [0,4) [4,8) [8,10)
    EXPECT_EQ(plan[0].size(), 2u);
    EXPECT_EQ(plan[0][1].row0, 3);
    EXPECT_EQ(plan[0][1].rows, 1);
    EXPECT_EQ(plan[2].back().row0 + plan[2].back().rows, 10);
}

// One PPO update with micro-batches of 1, 3 and 8 rows moves the weights the same way: the
// token weighting makes accumulation equal to one pass over the mini-batch. AdamW with a huge
// eps (and lr = eps) is plain SGD with step 1, so the weight change is the gradient itself and
// any mis-weighting of uneven micro-batches would show.
TEST(TrainerUpdate, GradientAccumulationMatchesOneFullPass) {
    std::vector<at::Tensor> after;
    for (int64_t micro : {8, 3, 1}) {
        VlmModel m = test::tiny_model(ModelArch::qwen2_5_vl);
        VlmModel ref = m->frozen_copy();
        auto prompts = make_prompts(m->config(), 2, true);
        SequenceBatch seq = pack_sequences(prompts, make_responses(2, 4), 4, 0);
        AdamWOptions ao;
        ao.max_grad_norm = 0;
        ao.weight_decay = 0;
        ao.eps = 1e4;
        AdamW opt(params_of(m), ao);
        const at::Tensor before = m->lm_head->weight.detach().clone();
        UpdatePlan plan;
        plan.mini_rows = 8;
        plan.micro_rows = micro;
        plan.base_lr = 1e4;
        PolicyBatch batch;
        batch.sequences = &seq;
        batch.advantages = at::tensor({1.0f, -1.0f, 0.5f, -0.5f, 1.0f, 1.0f, -1.0f, -1.0f});
        batch.ref_log_probs = score_micro_batches(ref, seq, plan);
        GrpoLossOptions lo;
        UpdateStats st = ppo_update(m, opt, batch, lo, plan);
        EXPECT_EQ(st.updates, 1);
        EXPECT_EQ(st.tokens, seq.response_tokens(0, 8));
        after.push_back(m->lm_head->weight.detach() - before);  // = -gradient
    }
    const double scale = after[0].abs().max().item<double>();
    EXPECT_GT(scale, 1e-3);
    EXPECT_LT(test::max_abs_diff(after[0], after[1]), 1e-5 * scale);
    EXPECT_LT(test::max_abs_diff(after[0], after[2]), 1e-5 * scale);
}

TEST(TrainerUpdate, SftLossDecreases) {
    VlmModel m = test::tiny_model(ModelArch::qwen2_vl);
    auto prompts = make_prompts(m->config(), 4, true);
    SequenceBatch seq = pack_sequences(prompts, make_responses(4, 1), 1, 0);
    AdamW opt(params_of(m), AdamWOptions{});
    UpdatePlan plan;
    plan.mini_rows = 4;
    plan.micro_rows = 2;
    plan.base_lr = 3e-3;
    std::vector<double> losses;
    for (int i = 0; i < 15; ++i) losses.push_back(sft_update(m, opt, seq, plan).pg_loss);
    EXPECT_GT(losses.front(), 0.0);
    EXPECT_LT(losses.back(), 0.5 * losses.front())
        << "first " << losses.front() << " last " << losses.back();
}

TEST(TrainerUpdate, NonFiniteGradientSkipsTheUpdate) {
    VlmModel m = test::tiny_model(ModelArch::qwen2_vl);
    auto prompts = make_prompts(m->config(), 2, false);
    SequenceBatch seq = pack_sequences(prompts, make_responses(2, 1), 1, 0);
    {
        at::NoGradGuard no_grad;
        m->language_model->norm->weight[0] = std::nanf("");
    }
    AdamW opt(params_of(m), AdamWOptions{});
    at::Tensor before = m->language_model->embed_tokens->weight.detach().clone();
    UpdatePlan plan;
    plan.mini_rows = 2;
    plan.micro_rows = 2;
    UpdateStats st = sft_update(m, opt, seq, plan);
    EXPECT_EQ(st.skipped_updates, 1);
    EXPECT_EQ(st.updates, 0);
    EXPECT_EQ(st.nonfinite_losses, 1);
    EXPECT_TRUE(std::isnan(st.grad_norm));
    EXPECT_TRUE(at::equal(before, m->language_model->embed_tokens->weight.detach()));
    EXPECT_EQ(opt.steps_taken(), 0);
}

}  // namespace
}  // namespace mmupt
