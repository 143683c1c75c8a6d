// Pillow-exact bicubic: values produced by Pillow 9.4's Image.resize(BICUBIC) on small rows
// (hard-coded, so this test needs no Python), the fixed-point filter and pass structure.
#include "core/image/pillow_resize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace mmupt {
namespace {

const std::vector<int> kRow = {0, 50, 100, 150, 200, 250, 30, 10};

RgbImage grey_row(const std::vector<int>& v) {
    RgbImage im(int(v.size()), 1);
    for (size_t i = 0; i < v.size(); ++i)
        im.pixels[3 * i] = im.pixels[3 * i + 1] = im.pixels[3 * i + 2] = uint8_t(v[i]);
    return im;
}

std::vector<int> channel0(const RgbImage& im) {
    std::vector<int> out;
    for (size_t i = 0; i < im.pixels.size(); i += 3) out.push_back(im.pixels[i]);
    return out;
}

TEST(PillowResize, MatchesPillowOnARow) {
    // Expected values: Pillow 9.4, Image.fromarray(row).resize((w, 1), Image.BICUBIC).
    EXPECT_EQ(channel0(resize_bicubic_pillow(grey_row(kRow), 5, 1)),
              (std::vector<int>{16, 94, 184, 190, 10}));  // antialiased shrink
    EXPECT_EQ(channel0(resize_bicubic_pillow(grey_row(kRow), 3, 1)),
              (std::vector<int>{45, 180, 87}));
    EXPECT_EQ(channel0(resize_bicubic_pillow(grey_row(kRow), 13, 1)),
              (std::vector<int>{0, 16, 52, 83, 113, 144, 175, 207, 255, 186, 35, 7, 9}));
    EXPECT_EQ(channel0(resize_bicubic_pillow(grey_row(kRow), 8, 1)), kRow);  // unchanged
}

TEST(PillowResize, VerticalPassMatchesHorizontal) {
    RgbImage col(1, int(kRow.size()));
    for (size_t i = 0; i < kRow.size(); ++i)
        for (int c = 0; c < 3; ++c) col.pixels[3 * i + c] = uint8_t(kRow[i]);
    EXPECT_EQ(channel0(resize_bicubic_pillow(col, 1, 5)),
              (std::vector<int>{16, 94, 184, 190, 10}));  // Pillow: same as the row
}

TEST(PillowResize, ChannelsAreIndependentAndConstantsStayConstant) {
    RgbImage im(37, 23);
    for (size_t i = 0; i < im.pixels.size(); i += 3) {
        im.pixels[i] = 255;
        im.pixels[i + 1] = 0;
        im.pixels[i + 2] = 77;
    }
    for (auto [w, h] : {std::pair{11, 5}, std::pair{80, 61}, std::pair{37, 9}}) {
        RgbImage out = resize_bicubic_pillow(im, w, h);
        ASSERT_EQ(out.width, w);
        ASSERT_EQ(out.height, h);
        for (size_t i = 0; i < out.pixels.size(); i += 3) {
            ASSERT_EQ(out.pixels[i], 255);
            ASSERT_EQ(out.pixels[i + 1], 0);
            ASSERT_EQ(out.pixels[i + 2], 77);
        }
    }
}

TEST(PillowResize, CoefficientsAreNormalisedFixedPoint) {
    for (auto [in, out] : {std::pair{100, 33}, std::pair{33, 100}, std::pair{1000, 7}}) {
        ResampleCoefficients c = bicubic_coefficients(in, out);
        ASSERT_EQ(int(c.first.size()), out);
        const double scale = std::max(1.0, double(in) / out);
        EXPECT_EQ(c.taps, int(std::ceil(2.0 * scale)) * 2 + 1);
        for (int o = 0; o < out; ++o) {
            ASSERT_GE(c.first[o], 0);
            ASSERT_LE(c.first[o] + c.count[o], in);
            const int32_t* w = &c.weights[size_t(o) * c.taps];
            int64_t sum = std::accumulate(w, w + c.count[o], int64_t(0));
            // Each weight is rounded on its own, so the sum is 2^22 within one unit per tap.
            EXPECT_NEAR(double(sum), double(1 << 22), c.count[o]) << in << "->" << out;
        }
    }
    // Upscaling 2x: output 0 centres at 0.25, and its taps start at the image edge.
    ResampleCoefficients up = bicubic_coefficients(4, 8);
    EXPECT_EQ(up.first[0], 0);
    EXPECT_EQ(up.count[0], 2);  // end = int(0.25 + 2 + 0.5) = 2, exclusive: sources 0 and 1
}

TEST(PillowResize, RejectsEmptySizes) {
    RgbImage im(4, 4);
    EXPECT_THROW(resize_bicubic_pillow(im, 0, 4), std::invalid_argument);
    EXPECT_THROW(resize_bicubic_pillow(RgbImage{}, 4, 4), std::invalid_argument);
}

}  // namespace
}  // namespace mmupt
