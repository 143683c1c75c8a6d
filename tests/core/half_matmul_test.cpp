// linear_any / matmul_any (core/model/half_matmul.h): fp32 products for bf16 on the CPU. The
// values and all three gradients must match the fp32 computation on the same (bf16-valued)
// inputs to within one bf16 rounding of the output, and fp32 inputs must take at::linear as is.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include "core/model/half_matmul.h"

namespace mmupt {
namespace {

// Largest |a - b| relative to max |b|.
double rel_diff(const at::Tensor& a, const at::Tensor& b) {
    return ((a.to(at::kFloat) - b.to(at::kFloat)).abs().max() / b.to(at::kFloat).abs().max())
        .item<double>();
}

TEST(HalfMatmul, Bf16OnCpuUpcastsAndFp32DoesNot) {
    EXPECT_TRUE(half_matmul_upcasts(at::zeros({2}, at::kBFloat16)));
    EXPECT_TRUE(half_matmul_upcasts(at::zeros({2}, at::kHalf)));
    EXPECT_FALSE(half_matmul_upcasts(at::zeros({2}, at::kFloat)));
}

TEST(HalfMatmul, Fp32LinearIsAtLinearBitForBit) {
    at::manual_seed(1);
    at::Tensor x = at::randn({3, 5, 16}), w = at::randn({8, 16}), b = at::randn({8});
    EXPECT_TRUE(at::equal(linear_any(x, w, b), at::linear(x, w, b)));
    EXPECT_TRUE(at::equal(linear_any(x, w), at::linear(x, w)));
}

TEST(HalfMatmul, Bf16LinearMatchesFp32ValuesAndGradients) {
    at::manual_seed(2);
    // bf16-valued leaves, and their exact fp32 copies as the reference.
    at::Tensor x = at::randn({2, 7, 64}).to(at::kBFloat16).requires_grad_();
    at::Tensor w = at::randn({32, 64}).to(at::kBFloat16).requires_grad_();
    at::Tensor b = at::randn({32}).to(at::kBFloat16).requires_grad_();
    at::Tensor x32 = x.detach().to(at::kFloat).requires_grad_();
    at::Tensor w32 = w.detach().to(at::kFloat).requires_grad_();
    at::Tensor b32 = b.detach().to(at::kFloat).requires_grad_();
    at::Tensor g = at::randn({2, 7, 32});

    at::Tensor y = linear_any(x, w, b);
    ASSERT_EQ(y.scalar_type(), at::kBFloat16);
    at::Tensor y32 = at::linear(x32, w32, b32);
    EXPECT_LT(rel_diff(y, y32), 1e-2);  // bf16 output rounding (8 bits) and the bias add
    (y.to(at::kFloat) * g).sum().backward();
    (y32 * g).sum().backward();
    ASSERT_TRUE(x.grad().defined() && w.grad().defined() && b.grad().defined());
    EXPECT_EQ(x.grad().scalar_type(), at::kBFloat16);
    EXPECT_LT(rel_diff(x.grad(), x32.grad()), 1e-2);
    EXPECT_LT(rel_diff(w.grad(), w32.grad()), 1e-2);
    EXPECT_LT(rel_diff(b.grad(), b32.grad()), 1e-2);
}

TEST(HalfMatmul, FrozenWeightGetsNoGradient) {
    at::Tensor x = at::randn({4, 16}).to(at::kBFloat16).requires_grad_();
    at::Tensor w = at::randn({8, 16}).to(at::kBFloat16);  // frozen, as LoRA's base weights
    linear_any(x, w).to(at::kFloat).sum().backward();
    EXPECT_TRUE(x.grad().defined());
    EXPECT_FALSE(w.grad().defined());
}

TEST(HalfMatmul, Bf16MatmulMatchesFp32) {
    at::manual_seed(3);
    at::Tensor a = at::randn({2, 3, 9, 16}).to(at::kBFloat16);
    at::Tensor b = at::randn({2, 3, 16, 9}).to(at::kBFloat16);
    at::Tensor c = matmul_any(a, b);
    EXPECT_EQ(c.scalar_type(), at::kBFloat16);
    EXPECT_LT(rel_diff(c, at::matmul(a.to(at::kFloat), b.to(at::kFloat))), 1e-2);
}

}  // namespace
}  // namespace mmupt
