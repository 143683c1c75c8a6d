// Shared blocks against independent formulations: GQA attention vs per-head loops, segment
// attention vs a dense block-diagonal mask, M-RoPE vs hand-computed angles, and the whole
// Qwen2.5-VL vision tower (window permutation, fullatt blocks, merger, un-permutation) vs a
// dense-mask re-implementation in the original patch order.
#include <gtest/gtest.h>

#include <cmath>

#include "core/model/attention.h"
#include "core/model/layers.h"
#include "core/model/rotary.h"
#include "core/model/vision_tower.h"
#include "tests/core/model_test_util.h"

namespace mmupt {
namespace {

using test::max_abs_diff;

// Plain softmax attention for one (Sq, hd) x (Sk, hd) head with a 0/1 allow matrix.
at::Tensor naive_head(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                      const at::Tensor& allow) {
    at::Tensor s = at::matmul(q, k.t()) / std::sqrt(static_cast<double>(q.size(-1)));
    s = s.masked_fill(allow == 0, -INFINITY);
    return at::matmul(at::softmax(s, -1), v);
}

TEST(ModelBlocks, GroupedQueryAttentionMatchesPerHeadLoop) {
    at::manual_seed(0);
    at::Tensor q = at::randn({2, 4, 3, 8}), k = at::randn({2, 2, 5, 8}),
               v = at::randn({2, 2, 5, 8});
    at::Tensor allow = at::ones({2, 3, 5}, at::kLong);
    allow[1][0].narrow(0, 0, 2).zero_();  // row 1 query 0 cannot see keys 0-1
    at::Tensor add = at::where(allow == 1, at::zeros({}), at::full({}, masked_score()));
    at::Tensor out = attend(q, k, v, add.unsqueeze(1));
    for (int64_t b = 0; b < 2; ++b)
        for (int64_t h = 0; h < 4; ++h) {
            at::Tensor e = naive_head(q[b][h], k[b][h / 2], v[b][h / 2], allow[b]);
            EXPECT_LE(max_abs_diff(out[b][h], e), 1e-5) << b << "," << h;
        }
}

TEST(ModelBlocks, SegmentAttentionMatchesBlockDiagonalMask) {
    at::manual_seed(1);
    const std::vector<int64_t> cu{0, 4, 8, 12, 15, 21};
    at::Tensor q = at::randn({21, 2, 8}), k = at::randn({21, 2, 8}), v = at::randn({21, 2, 8});
    at::Tensor seg = at::zeros({21}, at::kLong);
    for (size_t i = 0; i + 1 < cu.size(); ++i)
        seg.narrow(0, cu[i], cu[i + 1] - cu[i]).fill_(int64_t(i));
    at::Tensor allow = (seg.view({21, 1}) == seg.view({1, 21})).to(at::kLong);
    at::Tensor out = segment_attention(q, k, v, cu);
    for (int64_t h = 0; h < 2; ++h) {
        at::Tensor e = naive_head(q.select(1, h), k.select(1, h), v.select(1, h), allow);
        EXPECT_LE(max_abs_diff(out.select(1, h), e), 1e-5);
    }
}

TEST(ModelBlocks, MropeUsesTheSectionAxes) {
    // hd 8, section [2,1,1]: pair dims {0,1} from t, {2} from h, {3} from w (and +4 copies).
    at::Tensor pos = at::tensor(std::vector<int64_t>{3, 10, 20}).view({3, 1, 1});
    auto [cos, sin] = mrope_cos_sin(pos, 8, 1e4, {2, 1, 1}, at::kFloat);  // (1, 1, 8)
    const int64_t axis_of[4] = {0, 0, 1, 2};
    const double p[3] = {3, 10, 20};
    for (int64_t d = 0; d < 8; ++d) {
        const int64_t j = d % 4;
        const double ang = p[axis_of[j]] * std::pow(1e4, -2.0 * j / 8);
        EXPECT_NEAR(cos[0][0][d].item<double>(), std::cos(ang), 1e-5) << d;
        EXPECT_NEAR(sin[0][0][d].item<double>(), std::sin(ang), 1e-5) << d;
    }
    // Rotation pairs (i, i + hd/2): x = e_0 rotates into dim 4 by the t angle.
    at::Tensor x = at::zeros({1, 1, 1, 8});
    x[0][0][0][0] = 1;
    at::Tensor r = apply_rotary(x, cos, sin);
    EXPECT_NEAR(r[0][0][0][4].item<double>(), std::sin(3.0), 1e-5);
}

TEST(ModelBlocks, RmsNormCastsBeforeWeight) {
    at::manual_seed(2);
    at::Tensor x = at::randn({3, 16}).to(at::kBFloat16), w = at::randn({16}).to(at::kBFloat16);
    at::Tensor xf = x.to(at::kFloat);
    at::Tensor expect = w * (xf / at::sqrt(xf.pow(2).mean(-1, true) + 1e-6)).to(at::kBFloat16);
    EXPECT_TRUE(at::allclose(rms_norm(x, w, 1e-6), expect, 0, 1e-2));
    EXPECT_EQ(rms_norm(x, w, 1e-6).scalar_type(), at::kBFloat16);
}

// Dense re-implementation of the 2.5 tower in grid order: window membership from coordinates.
at::Tensor dense_tower(VisionTowerImpl& tower, const at::Tensor& pixels,
                       const std::vector<GridThw>& grids) {
    const VisionConfig& v = tower.config.vision;
    const int64_t E = v.width, heads = v.num_heads, hd = E / heads, vw = v.window_size / 28;
    VisionLayout l = make_vision_layout(grids, 2, 0);  // grid order, no windows
    const int64_t N = l.num_patches;
    std::vector<int64_t> slice(N), win(N);
    int64_t r = 0, s = 0;
    for (size_t i = 0; i < grids.size(); ++i)
        for (int64_t t = 0; t < grids[i][0]; ++t, ++s)
            for (int64_t k = 0; k < grids[i][1] * grids[i][2]; ++k, ++r) {
                slice[r] = s;
                win[r] = s * 1000 + (l.pos_y[r] / 2 / vw) * 100 + l.pos_x[r] / 2 / vw;
            }
    at::Tensor sl = at::tensor(slice), wn = at::tensor(win);
    at::Tensor full_allow = (sl.view({N, 1}) == sl.view({1, N})).to(at::kLong);
    at::Tensor win_allow = (wn.view({N, 1}) == wn.view({1, N})).to(at::kLong);
    at::Tensor x = at::matmul(pixels, tower.patch_embed_weight.reshape({E, -1}).t());
    at::Tensor ang = vision_rotary_angles(l.pos_y, l.pos_x, hd, at::kCPU);
    at::Tensor emb = at::cat({ang, ang}, -1), cos = emb.cos(), sin = emb.sin();
    for (int64_t b = 0; b < v.depth; ++b) {
        auto* blk = tower.blocks[b]->as<VisionBlockImpl>();
        bool full = std::count(v.fullatt_block_indexes.begin(), v.fullatt_block_indexes.end(), b);
        at::Tensor qkv = blk->qkv->forward(blk->norm1->forward(x)).view({N, 3, heads, hd});
        at::Tensor q = apply_vision_rotary(qkv.select(1, 0), cos, sin);
        at::Tensor k = apply_vision_rotary(qkv.select(1, 1), cos, sin);
        std::vector<at::Tensor> outs;
        for (int64_t h = 0; h < heads; ++h)
            outs.push_back(naive_head(q.select(1, h), k.select(1, h), qkv.select(1, 2).select(1, h),
                                      full ? full_allow : win_allow));
        x = x + blk->proj->forward(at::stack(outs, 1).reshape({N, E}));
        at::Tensor m = blk->norm2->forward(x);
        x = x + blk->down->forward(at::silu(blk->gate->forward(m)) * blk->up->forward(m));
    }
    at::Tensor merged = tower.ln_q->forward(x).view({-1, 4 * E});
    return tower.merger_fc2->forward(at::gelu(tower.merger_fc1->forward(merged)));
}

TEST(ModelBlocks, WindowedVisionTowerMatchesDenseReference) {
    at::NoGradGuard no_grad;
    VlmModel m = test::tiny_model(ModelArch::qwen2_5_vl);
    const std::vector<GridThw> grids{{1, 4, 6}, {2, 4, 4}, {1, 6, 2}};
    at::Tensor px = test::tiny_pixels(grids);
    at::Tensor got = m->visual->forward(px, grids).features;
    at::Tensor expect = dense_tower(*m->visual, px, grids);
    EXPECT_EQ(got.sizes(), expect.sizes());
    EXPECT_LE(max_abs_diff(got, expect), 1e-5);
}

}  // namespace
}  // namespace mmupt
