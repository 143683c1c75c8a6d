// Scaled dot-product attention kernels shared by both towers: grouped-query attention with an
// additive mask (text), and non-causal attention restricted to segments (vision). libtorch 1.13
// runs transformers' eager recipe (matmul, + mask, softmax in fp32, cast back, matmul);
// libtorch >= 2 uses at::scaled_dot_product_attention. No dropout, no flash/varlen kernels.
#pragma once
#include <vector>

#include <ATen/ATen.h>

namespace mmupt {

// q (B, H, Sq, hd), k / v (B, KV, Sk, hd) with H % KV == 0 (query head j reads kv head
// j / (H/KV)); mask (B, 1, Sq, Sk) fp32 additive (0 or a large negative) or undefined.
// Returns (B, H, Sq, hd) in q's dtype. Scale is hd^-0.5.
at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                  const at::Tensor& mask);

// transformers' eager recipe, same contract: what `attend` runs on libtorch 1.13, and on >= 2
// the reference its fused path is tested against (tests/core/attention_fused_test.cpp).
at::Tensor attend_eager(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                        const at::Tensor& mask);

// q / k / v (N, h, hd); attention only inside [cu[i], cu[i+1]) segments, non-causal.
// Consecutive segments of equal length run as one batched call. Returns (N, h, hd).
at::Tensor segment_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             const std::vector<int64_t>& cu_seqlens);

// The additive value used for masked-out keys: finite, so fully masked (padding) query rows
// stay finite instead of turning into NaN.
float masked_score();

// key_mask (B, Sk) 0/1 with Sk = past + S -> additive (B, 1, S, Sk) fp32: key j is visible to
// new query i when it is not padding and j <= past + i (the text decoder's mask).
at::Tensor causal_padding_mask(const at::Tensor& key_mask, int64_t past, int64_t S);

}  // namespace mmupt
