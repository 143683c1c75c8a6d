// Matrix products of bf16 / fp16 tensors on the CPU. libtorch's CPU GEMM has no vectorised
// half-precision kernel without AVX512-BF16 / AMX: a bf16 (256 x 2048) x (2048 x 2048) product
// runs at 0.7 GFLOPS against 34 in fp32 (one thread, this project's 2-core AVX2 machine), which
// made a real-size 3B bf16 step take tens of minutes. These wrappers compute such products in
// fp32 and return the input's dtype; weights stay stored in half precision (no fp32 copy kept:
// the backward converts again). On CUDA, and for fp32, they are the plain ATen calls.
// MMUPT_CPU_HALF_MATMUL=native turns the upcast off (CPUs with native bf16 GEMMs).
#pragma once
#include <ATen/ATen.h>

namespace mmupt {

// True when a product of `t`'s dtype on `t`'s device goes through the fp32 upcast.
bool half_matmul_upcasts(const at::Tensor& t);

// y = x W^T + b (at::linear); x (..., in), w (out, in), b (out) or undefined -> (..., out).
// Differentiable in x, w and b; saves x and w as they are (half) for the backward.
at::Tensor linear_any(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b = {});

// at::matmul for activations (attention scores / values); upcasts through autograd's own casts.
at::Tensor matmul_any(const at::Tensor& a, const at::Tensor& b);

}  // namespace mmupt
