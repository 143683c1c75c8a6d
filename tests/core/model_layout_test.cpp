// Host-side index functions against QWEN2-VL.md's vectors: vision patch coordinates (§3.3),
// Qwen2.5-VL window_index / cu_window_seqlens (§3.6), and get_rope_index's worked example with
// rope_deltas and left padding (§4.4).
#include <gtest/gtest.h>

#include "core/model/rope_index.h"
#include "core/model/vision_layout.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

using V = std::vector<int64_t>;

TEST(VisionLayout, PatchCoordinatesFollowMergeBlocks) {
    VisionLayout l = make_vision_layout({{1, 4, 4}}, /*merge=*/2, /*window_merged=*/0);
    EXPECT_EQ(l.pos_y, (V{0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3, 2, 2, 3, 3}));
    EXPECT_EQ(l.pos_x, (V{0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3}));
    EXPECT_EQ(l.num_patches, 16);
    EXPECT_EQ(l.num_merged, 4);
    EXPECT_EQ(l.window_index, (V{0, 1, 2, 3}));
}

TEST(VisionLayout, SegmentsPerTemporalSlice) {
    VisionLayout l = make_vision_layout({{2, 4, 6}, {1, 2, 2}}, 2, 0);
    EXPECT_EQ(l.cu_seqlens, (V{0, 24, 48, 52}));
    EXPECT_EQ(l.num_merged, 13);
}

TEST(VisionLayout, WindowIndexMatchesSpecVectors) {
    VisionLayout l = make_vision_layout({{1, 12, 20}}, 2, /*window 112 px / 14 / 2=*/4);
    EXPECT_EQ(l.window_index,
              (V{0,  1,  2,  3,  10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33, 4,  5,  6,  7,
                 14, 15, 16, 17, 24, 25, 26, 27, 34, 35, 36, 37, 8,  9,  18, 19, 28, 29, 38, 39,
                 40, 41, 42, 43, 50, 51, 52, 53, 44, 45, 46, 47, 54, 55, 56, 57, 48, 49, 58, 59}));
    EXPECT_EQ(l.cu_window_seqlens, (V{0, 64, 128, 160, 192, 224, 240}));
    EXPECT_EQ(make_vision_layout({{1, 16, 16}}, 2, 4).cu_window_seqlens, (V{0, 64, 128, 192, 256}));
}

TEST(VisionLayout, WindowsContinueAcrossImagesAndSlices) {
    // Tiny config window: 56 px / 14 / 2 = 2 merged tokens per side. Grid (1,4,6): lh 2, lw 3.
    VisionLayout l = make_vision_layout({{1, 4, 6}, {2, 2, 2}}, 2, 2);
    EXPECT_EQ(l.window_index, (V{0, 1, 3, 4, 2, 5, 6, 7}));
    EXPECT_EQ(l.cu_window_seqlens, (V{0, 16, 24, 28, 32}));
    EXPECT_EQ(l.cu_seqlens, (V{0, 24, 28, 32}));
}

TEST(VisionLayout, RejectsGridsNotDivisibleByMerge) {
    EXPECT_THROW(make_vision_layout({{1, 3, 4}}, 2, 0), ModelError);
    EXPECT_THROW(make_vision_layout({{0, 4, 4}}, 2, 0), ModelError);
}

ModelConfig cfg(ModelArch arch) { return tiny_model_config(arch); }

TEST(RopeIndex, WorkedExampleBothFamilies) {
    for (ModelArch arch : {ModelArch::qwen2_vl, ModelArch::qwen2_5_vl}) {
        ModelConfig c = cfg(arch);
        const int64_t VS = c.vision_start_token_id, I = c.image_token_id,
                      VE = c.vision_end_token_id;
        RopeIndexInputs in;
        in.input_ids = at::tensor(V{1, 2, 3, VS, I, I, I, I, VE, 4}).view({1, 10});
        in.image_grids = {{1, 4, 4}};
        RopeIndex r = get_rope_index(c, in);
        EXPECT_EQ(r.position_ids.sizes(), (at::IntArrayRef{3, 1, 10}));
        auto row = [&](int a) {
            at::Tensor t = r.position_ids[a][0].contiguous();
            return V(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
        };
        EXPECT_EQ(row(0), (V{0, 1, 2, 3, 4, 4, 4, 4, 6, 7}));
        EXPECT_EQ(row(1), (V{0, 1, 2, 3, 4, 4, 5, 5, 6, 7}));
        EXPECT_EQ(row(2), (V{0, 1, 2, 3, 4, 5, 4, 5, 6, 7}));
        EXPECT_EQ(r.rope_deltas.item<int64_t>(), -2);
    }
}

TEST(RopeIndex, LeftPaddingShiftsNothingButDelta) {
    ModelConfig c = cfg(ModelArch::qwen2_5_vl);
    const int64_t VS = c.vision_start_token_id, I = c.image_token_id, VE = c.vision_end_token_id;
    RopeIndexInputs in;
    // Row 0: two pads then the worked example; row 1: text only, one pad.
    in.input_ids = at::tensor(V{0, 0, 1, 2, 3, VS, I,  I,  I,  I,  VE, 4,  //
                                0, 5, 6, 7, 8, 9,  10, 11, 12, 13, 14, 15})
                       .view({2, 12});
    in.attention_mask = at::tensor(V{0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  //
                                     0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1})
                            .view({2, 12});
    in.image_grids = {{1, 4, 4}};
    RopeIndex r = get_rope_index(c, in);
    at::Tensor h = r.position_ids[1][0];
    EXPECT_TRUE(at::equal(h, at::tensor(V{1, 1, 0, 1, 2, 3, 4, 4, 5, 5, 6, 7})));
    EXPECT_TRUE(
        at::equal(r.position_ids[0][1], at::tensor(V{1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})));
    EXPECT_EQ(r.rope_deltas[0].item<int64_t>(), 8 - 12);
    EXPECT_EQ(r.rope_deltas[1].item<int64_t>(), 11 - 12);
}

TEST(RopeIndex, TextOnlyWithoutMaskIsArange) {
    RopeIndexInputs in;
    in.input_ids = at::arange(5, at::kLong).view({1, 5});
    RopeIndex r = get_rope_index(cfg(ModelArch::qwen2_vl), in);
    EXPECT_TRUE(at::equal(r.position_ids[2][0], at::arange(5, at::kLong)));
    EXPECT_EQ(r.rope_deltas.item<int64_t>(), 0);
}

TEST(RopeIndex, VideoTemporalScaling) {
    // grid (2,4,4): Qwen2-VL tau = it; Qwen2.5-VL tau = it * 1.0 s * 2 tokens/s.
    for (ModelArch arch : {ModelArch::qwen2_vl, ModelArch::qwen2_5_vl}) {
        ModelConfig c = cfg(arch);
        const int64_t VS = c.vision_start_token_id, Vd = c.video_token_id;
        RopeIndexInputs in;
        in.input_ids = at::tensor(V{VS, Vd, Vd, Vd, Vd, Vd, Vd, Vd, Vd, 1}).view({1, 10});
        in.video_grids = {{2, 4, 4}};
        RopeIndex r = get_rope_index(c, in);
        int64_t step = arch == ModelArch::qwen2_vl ? 1 : 2;
        EXPECT_EQ(r.position_ids[0][0][1].item<int64_t>(), 1);
        EXPECT_EQ(r.position_ids[0][0][5].item<int64_t>(), 1 + step);
        EXPECT_EQ(r.position_ids[0][0][9].item<int64_t>(), 1 + std::max<int64_t>(step, 1) + 1);
    }
}

TEST(RopeIndex, ErrorsOnImageCountMismatch) {
    ModelConfig c = cfg(ModelArch::qwen2_vl);
    const int64_t VS = c.vision_start_token_id, I = c.image_token_id;
    RopeIndexInputs in;
    in.input_ids = at::tensor(V{1, 2, 3}).view({1, 3});
    in.image_grids = {{1, 4, 4}};  // an image without placeholders
    EXPECT_THROW(get_rope_index(c, in), ModelError);
    in.input_ids = at::tensor(V{VS, I, I, I, I, VS, I, I, I, I}).view({1, 10});
    try {  // two placeholders groups, one grid
        get_rope_index(c, in);
        ADD_FAILURE() << "no error";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("more images"), std::string::npos) << e.what();
    }
    in.input_ids = at::tensor(V{VS, I, I, I, 5}).view({1, 5});  // too few placeholder tokens
    in.image_grids = {{1, 4, 4}};
    EXPECT_THROW(get_rope_index(c, in), ModelError);
}

}  // namespace
}  // namespace mmupt
