// VlmModel inference paths on tiny random models: KV-cache decoding equals the full forward,
// a left-padded batch equals each prompt alone, repeating a prefill for G samples equals
// prefilling G copies, and bf16 runs.
#include <gtest/gtest.h>

#include <torch/csrc/autograd/grad_mode.h>

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

const GridThw kGrid{1, 4, 6};  // 56 x 84 px: 24 patches, 6 merged tokens

class ModelDecode : public ::testing::TestWithParam<ModelArch> {};

TEST_P(ModelDecode, KvCacheDecodingMatchesFullForward) {
    at::NoGradGuard no_grad;
    VlmModel m = tiny_model(GetParam());
    const ModelConfig& c = m->config();
    std::vector<int64_t> prompt = image_prompt(c, {5, 6}, kGrid, {7, 8, 9});
    std::vector<int64_t> generated = {11, 12, 13, 14, 15};
    std::vector<int64_t> all = prompt;
    all.insert(all.end(), generated.begin(), generated.end());
    at::Tensor pixels = tiny_pixels({kGrid});

    at::Tensor full = m->forward(inputs(row(all), {}, pixels, {kGrid}));  // (1, S+5, V)
    const int64_t P = static_cast<int64_t>(prompt.size());
    KvCache cache;
    at::Tensor last = m->prefill(inputs(row(prompt), {}, pixels, {kGrid}), cache, /*reserve=*/2);
    EXPECT_LE(max_abs_diff(last, full[0][P - 1].unsqueeze(0)), 1e-4);
    // One token, then two at once, then one per step (the buffers grow past the reservation).
    size_t i = 0;
    for (int64_t n : {1, 2, 1, 1}) {
        std::vector<int64_t> step(generated.begin() + i, generated.begin() + i + n);
        at::Tensor logits = m->decode_step(row(step), cache);  // (1, n, V)
        at::Tensor expect = full.narrow(1, P + static_cast<int64_t>(i), n);
        EXPECT_LE(max_abs_diff(logits, expect), 1e-4) << "step at token " << i;
        i += n;
    }
    EXPECT_EQ(cache.length(), static_cast<int64_t>(all.size()));
    // The spec's rule: first generated position = max prompt position + 1.
    EXPECT_EQ(cache.rope_deltas().item<int64_t>(), -static_cast<int64_t>(6 - 3));
}

TEST_P(ModelDecode, LeftPaddedBatchMatchesEachPromptAlone) {
    at::NoGradGuard no_grad;
    VlmModel m = tiny_model(GetParam());
    const ModelConfig& c = m->config();
    const GridThw g2{1, 2, 4};
    std::vector<int64_t> a = image_prompt(c, {5}, kGrid, {7, 8, 9, 10, 11});
    std::vector<int64_t> b = image_prompt(c, {6, 6}, g2, {12});
    at::Tensor pa = tiny_pixels({kGrid}, 1), pb = tiny_pixels({g2}, 2);
    const int64_t S = static_cast<int64_t>(a.size()), pad = S - static_cast<int64_t>(b.size());
    ASSERT_GT(pad, 0);
    std::vector<int64_t> bp(pad, 0);
    bp.insert(bp.end(), b.begin(), b.end());
    at::Tensor ids = at::cat({row(a), row(bp)}, 0);  // (2, S)
    at::Tensor mask = at::ones({2, S}, at::kLong);
    mask[1].narrow(0, 0, pad).zero_();
    VlmInputs batch = inputs(ids, mask, at::cat({pa, pb}, 0), {kGrid, g2});

    at::Tensor lb = m->forward(batch);  // (2, S, V)
    at::Tensor la = m->forward(inputs(row(a), {}, pa, {kGrid}));
    at::Tensor lbb = m->forward(inputs(row(b), {}, pb, {g2}));
    EXPECT_LE(max_abs_diff(lb[0], la[0]), 1e-4);
    EXPECT_LE(max_abs_diff(lb[1].narrow(0, pad, S - pad), lbb[0]), 1e-4);

    KvCache cache, ca, cb;
    at::Tensor last = m->prefill(batch, cache);
    m->prefill(inputs(row(a), {}, pa, {kGrid}), ca);
    m->prefill(inputs(row(b), {}, pb, {g2}), cb);
    for (int64_t tok : {20, 21, 22}) {
        at::Tensor step = m->decode_step(at::full({2, 1}, tok, at::kLong), cache);
        EXPECT_LE(max_abs_diff(step[0], m->decode_step(row({tok}), ca)[0]), 1e-4);
        EXPECT_LE(max_abs_diff(step[1], m->decode_step(row({tok}), cb)[0]), 1e-4);
    }
}

TEST_P(ModelDecode, RepeatedPrefillEqualsPrefillOfCopies) {
    at::NoGradGuard no_grad;
    VlmModel m = tiny_model(GetParam());
    const ModelConfig& c = m->config();
    std::vector<int64_t> a = image_prompt(c, {5}, kGrid, {7});
    at::Tensor px = tiny_pixels({kGrid});
    KvCache shared, copies;
    m->prefill(inputs(row(a), {}, px, {kGrid}), shared, 4);
    shared.repeat_interleave(3);  // one prompt, G = 3 samples
    at::Tensor ids3 = row(a).repeat({3, 1});
    m->prefill(inputs(ids3, {}, px, {kGrid}, /*rows_per_image_group=*/3), copies, 4);
    at::Tensor toks = at::tensor(std::vector<int64_t>{30, 31, 32}, at::kLong).view({3, 1});
    EXPECT_LE(max_abs_diff(m->decode_step(toks, shared), m->decode_step(toks, copies)), 1e-5);
    // Dropping a finished row keeps the others' state.
    at::Tensor keep = at::tensor(std::vector<int64_t>{0, 2}, at::kLong);
    shared.select_rows(keep);
    copies.select_rows(keep);
    at::Tensor t2 = at::tensor(std::vector<int64_t>{40, 41}, at::kLong).view({2, 1});
    EXPECT_LE(max_abs_diff(m->decode_step(t2, shared), m->decode_step(t2, copies)), 1e-5);
}

TEST_P(ModelDecode, Bf16ForwardRuns) {
    at::NoGradGuard no_grad;
    VlmModel m32 = tiny_model(GetParam(), at::kFloat);
    VlmModel m16 = tiny_model(GetParam(), at::kBFloat16);
    const ModelConfig& c = m32->config();
    std::vector<int64_t> a = image_prompt(c, {5}, kGrid, {7, 8});
    VlmInputs in = inputs(row(a), {}, tiny_pixels({kGrid}), {kGrid});
    at::Tensor l16 = m16->forward(in), l32 = m32->forward(in);
    EXPECT_EQ(l16.scalar_type(), at::kBFloat16);
    EXPECT_TRUE(at::isfinite(l16).all().item<bool>());
    // Same weights up to bf16 rounding: logits agree to bf16 precision of the activations.
    const double scale = l32.abs().max().item<double>();
    EXPECT_LE(max_abs_diff(l16, l32), 0.1 * scale + 0.05);
    KvCache cache;
    at::Tensor last = m16->prefill(in, cache);
    EXPECT_TRUE(at::isfinite(m16->decode_step(row({9}), cache)).all().item<bool>());
}

INSTANTIATE_TEST_SUITE_P(Families, ModelDecode,
                         ::testing::Values(ModelArch::qwen2_vl, ModelArch::qwen2_5_vl),
                         [](const auto& info) {
                             return info.param == ModelArch::qwen2_vl ? "Qwen2VL" : "Qwen25VL";
                         });

}  // namespace
}  // namespace mmupt
