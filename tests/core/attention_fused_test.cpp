// The libtorch >= 2 attention path (at::scaled_dot_product_attention) against transformers'
// eager recipe (attend_eager, what 1.13 runs) with the masks the text decoder builds: causal +
// left padding at prefill, one query over a strided KV-cache view at decode, and no mask (vision
// segments), with grouped-query heads, in fp32 and bf16. Only query rows of real tokens are
// compared: a fully masked (padding) row's output is never read by a real token, and the two
// paths may legitimately average it differently; it only has to stay finite.
#include <gtest/gtest.h>

#include <torch/version.h>

#include "core/model/attention.h"

namespace mmupt {
namespace {

// Largest |fused - eager| over the real-token query rows; (B, H, Sq, hd) outputs, rows (B, Sq).
double max_diff_on_rows(const at::Tensor& a, const at::Tensor& b, const at::Tensor& rows) {
    at::Tensor d = (a.to(at::kFloat) - b.to(at::kFloat)).abs().amax({1, 3});  // (B, Sq)
    return d.masked_select(rows).max().item<double>();
}

struct Case {
    at::Tensor q, k, v, mask, rows;  // rows (B, Sq) bool: queries of real tokens
};

// B = 2 (the second left-padded by 3), H = 4 query heads over KV = 2, hd = 16, S = 9.
Case prefill_case(at::ScalarType dtype) {
    at::manual_seed(7);
    const int64_t B = 2, H = 4, KV = 2, S = 9, hd = 16;
    at::Tensor key_mask = at::ones({B, S}, at::kLong);
    key_mask[1].narrow(0, 0, 3).fill_(0);
    Case c;
    c.q = at::randn({B, H, S, hd}).to(dtype);
    c.k = at::randn({B, KV, S, hd}).to(dtype);
    c.v = at::randn({B, KV, S, hd}).to(dtype);
    c.mask = causal_padding_mask(key_mask, 0, S);  // (B, 1, S, S)
    c.rows = key_mask != 0;
    return c;
}

// One new query per sequence over the first 10 of 16 cached positions, read through a narrow()
// view of the cache as the KV cache hands it out (strided, not contiguous).
Case decode_case(at::ScalarType dtype) {
    at::manual_seed(11);
    const int64_t B = 2, H = 4, KV = 2, cap = 16, len = 10, hd = 16;
    at::Tensor key_mask = at::ones({B, len}, at::kLong);
    key_mask[0].narrow(0, 0, 4).fill_(0);
    Case c;
    c.q = at::randn({B, H, 1, hd}).to(dtype);
    c.k = at::randn({B, KV, cap, hd}).to(dtype).narrow(2, 0, len);
    c.v = at::randn({B, KV, cap, hd}).to(dtype).narrow(2, 0, len);
    c.mask = causal_padding_mask(key_mask, len - 1, 1);  // (B, 1, 1, len)
    c.rows = at::ones({B, 1}, at::kBool);
    return c;
}

Case unmasked_case(at::ScalarType dtype) {  // the vision tower's segments: no mask, H == KV
    at::manual_seed(13);
    Case c;
    c.q = at::randn({3, 4, 12, 16}).to(dtype);
    c.k = at::randn({3, 4, 12, 16}).to(dtype);
    c.v = at::randn({3, 4, 12, 16}).to(dtype);
    c.rows = at::ones({3, 12}, at::kBool);
    return c;
}

// Inputs ~N(0, 1), outputs are convex combinations of v rows (|o| <~ 3). fp32: both paths sum
// in fp32 in different orders. bf16: eager rounds the scores and the probabilities to bf16
// before each matmul, the fused kernel accumulates in fp32 (one bf16 ulp at 2 is 0.0156).
constexpr double kFp32Bound = 1e-5;
constexpr double kBf16Bound = 4e-2;

void expect_agree(const Case& c, double bound, const char* what) {
    at::Tensor fused = attend(c.q, c.k, c.v, c.mask);
    at::Tensor eager = attend_eager(c.q, c.k, c.v, c.mask);
    ASSERT_EQ(fused.sizes(), eager.sizes()) << what;
    EXPECT_EQ(fused.scalar_type(), c.q.scalar_type()) << what;
    EXPECT_TRUE(at::isfinite(fused).all().item<bool>()) << what << ": non-finite fused output";
    const double diff = max_diff_on_rows(fused, eager, c.rows);
    EXPECT_LE(diff, bound) << what;
    std::cout << "[ measured ] " << what << ": max |fused - eager| = " << diff << " (bound "
              << bound << ")\n";
}

class FusedAttention : public ::testing::Test {
  protected:
    void SetUp() override {
#if TORCH_VERSION_MAJOR < 2
        GTEST_SKIP() << "libtorch " << TORCH_VERSION
                     << " has no scaled_dot_product_attention: attend() is the eager path "
                        "itself here (scripts/check-libtorch2.sh runs this test on libtorch 2.x)";
#endif
    }
};

TEST_F(FusedAttention, MatchesEagerWithCausalAndPaddingMaskFp32) {
    expect_agree(prefill_case(at::kFloat), kFp32Bound, "prefill fp32");
}

TEST_F(FusedAttention, MatchesEagerWithCausalAndPaddingMaskBf16) {
    expect_agree(prefill_case(at::kBFloat16), kBf16Bound, "prefill bf16");
}

TEST_F(FusedAttention, MatchesEagerOverAStridedKvCacheFp32) {
    expect_agree(decode_case(at::kFloat), kFp32Bound, "decode fp32");
}

TEST_F(FusedAttention, MatchesEagerOverAStridedKvCacheBf16) {
    expect_agree(decode_case(at::kBFloat16), kBf16Bound, "decode bf16");
}

TEST_F(FusedAttention, MatchesEagerWithoutMask) {
    expect_agree(unmasked_case(at::kFloat), kFp32Bound, "unmasked fp32");
    expect_agree(unmasked_case(at::kBFloat16), kBf16Bound, "unmasked bf16");
}

// Runs on every libtorch: the mask the decoder builds hides future and padding keys.
TEST(CausalPaddingMask, HidesFutureAndPaddingKeys) {
    at::Tensor key_mask = at::tensor({0, 1, 1, 1}, at::kLong).view({1, 4});
    at::Tensor m = causal_padding_mask(key_mask, 1, 3);  // queries at positions 1..3
    ASSERT_EQ(m.sizes(), (at::IntArrayRef{1, 1, 3, 4}));
    at::Tensor visible = m[0][0] == 0;  // (3, 4)
    at::Tensor expect =
        at::tensor({0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1}, at::kLong).view({3, 4}).to(at::kBool);
    EXPECT_TRUE(at::equal(visible, expect)) << visible;
    EXPECT_EQ(m.min().item<float>(), masked_score());
}

}  // namespace
}  // namespace mmupt
