// smart_resize: every test vector of QWEN2-VL.md §5.2, the transformers test vector in
// image-processing-refs, half-to-even rounding and the rejection rules.
#include "core/image/smart_resize.h"

#include <gtest/gtest.h>

#include "core/util/errors.h"

namespace mmupt {
namespace {

constexpr int64_t kMin = 3136;                 // Hub preprocessor_config.json min_pixels
constexpr int64_t kHubMax = 12845056;          // Hub max_pixels
constexpr int64_t kClassMax = 28 * 28 * 1280;  // transformers class default, 1003520

int64_t tokens(ResizedSize s) { return (s.height / 28) * (s.width / 28); }

TEST(SmartResize, RoundsHalfToEvenLikePython) {
    EXPECT_EQ(round_half_even(2.5), 2.0);
    EXPECT_EQ(round_half_even(3.5), 4.0);
    EXPECT_EQ(round_half_even(0.5), 0.0);
    EXPECT_EQ(round_half_even(-2.5), -2.0);
    EXPECT_EQ(round_half_even(2.4999999), 2.0);
    EXPECT_EQ(round_half_even(2.5000001), 3.0);
}

TEST(SmartResize, SpecVectors) {
    ResizedSize a = smart_resize(480, 640, 28, kMin, kHubMax);
    EXPECT_EQ(a.height, 476);
    EXPECT_EQ(a.width, 644);
    EXPECT_EQ(a.height / 14, 34);
    EXPECT_EQ(a.width / 14, 46);
    EXPECT_EQ(tokens(a), 391);

    // 70/28 = 2.5 -> 2 and 98/28 = 3.5 -> 4 (std::round would give 84 for the height).
    ResizedSize b = smart_resize(70, 98, 28, kMin, kHubMax);
    EXPECT_EQ(b.height, 56);
    EXPECT_EQ(b.width, 112);

    ResizedSize c = smart_resize(3000, 4000, 28, kMin, kHubMax);
    EXPECT_EQ(c.height, 2996);
    EXPECT_EQ(c.width, 4004);
    EXPECT_EQ(tokens(c), 15301);

    ResizedSize d = smart_resize(3000, 4000, 28, kMin, kClassMax);
    EXPECT_EQ(d.height, 840);
    EXPECT_EQ(d.width, 1148);

    ResizedSize e = smart_resize(28, 28, 28, kMin, kHubMax);
    EXPECT_EQ(e.height, 56);
    EXPECT_EQ(e.width, 56);
}

TEST(SmartResize, TransformersTestVector) {
    // image-processing-refs/refs.json "smart_resize_561x278" (defaults 56*56 / 28*28*1280).
    ResizedSize s = smart_resize(561, 278, 28, 56 * 56, kClassMax);
    EXPECT_EQ(s.height, 560);
    EXPECT_EQ(s.width, 280);
    // refs.json "random_1024x1024...": 1024x1024 under max 1003520 -> 980x980.
    ResizedSize t = smart_resize(1024, 1024, 28, 56 * 56, kClassMax);
    EXPECT_EQ(t.height, 980);
    EXPECT_EQ(t.width, 980);
}

TEST(SmartResize, ResultsAreMultiplesWithinBounds) {
    for (int h = 28; h < 3000; h += 97)
        for (int w = 28; w < 3000; w += 89) {
            if (std::max(h, w) / double(std::min(h, w)) > 200) continue;
            ResizedSize s = smart_resize(h, w, 28, kMin, kClassMax);
            EXPECT_EQ(s.height % 28, 0);
            EXPECT_EQ(s.width % 28, 0);
            EXPECT_LE(int64_t(s.height) * s.width, kClassMax) << h << "x" << w;
            EXPECT_GE(int64_t(s.height) * s.width, kMin) << h << "x" << w;
        }
}

TEST(SmartResize, RejectsTooSmallAndTooThin) {
    EXPECT_THROW(smart_resize(27, 500, 28, kMin, kHubMax), DataError);
    EXPECT_THROW(smart_resize(500, 10, 28, kMin, kHubMax), DataError);
    EXPECT_THROW(smart_resize(28, 5629, 28, kMin, kHubMax), DataError);  // ratio 201.04
    ResizedSize s = smart_resize(28, 5600, 28, kMin, kHubMax);           // ratio exactly 200
    EXPECT_EQ(s.height, 28);
    EXPECT_EQ(s.width, 5600);
    // Max branch keeps at least one factor per side even when floor() gives 0.
    ResizedSize thin = smart_resize(30, 5000, 28, kMin, 28 * 28 * 16);
    EXPECT_EQ(thin.height, 28);
    EXPECT_THROW(smart_resize(100, 100, 28, 5000, 4000), ConfigError);
    EXPECT_THROW(smart_resize(100, 100, 0, kMin, kHubMax), ConfigError);
}

}  // namespace
}  // namespace mmupt
