// Attention kernels. The eager path reproduces transformers' numerics; the >= 2.0 path trades
// that for the fused kernel (fp32 accumulation, same masking semantics).
#include "core/model/attention.h"

#include <cmath>
#include <limits>

#include <torch/version.h>

#include "core/model/half_matmul.h"

namespace mmupt {

float masked_score() { return std::numeric_limits<float>::lowest(); }

at::Tensor causal_padding_mask(const at::Tensor& key_mask, int64_t past, int64_t S) {
    const int64_t Sk = key_mask.size(1);
    auto opts = at::TensorOptions().dtype(at::kLong).device(key_mask.device());
    at::Tensor qpos = at::arange(past, past + S, opts).view({S, 1});          // (S, 1)
    at::Tensor causal = at::arange(Sk, opts).view({1, Sk}) <= qpos;           // (S, Sk)
    at::Tensor allowed = causal.unsqueeze(0) & (key_mask != 0).unsqueeze(1);  // (B, S, Sk)
    at::Tensor zero = at::zeros({}, opts.dtype(at::kFloat));
    return at::where(allowed, zero, zero + masked_score()).unsqueeze(1);  // (B, 1, S, Sk)
}

namespace {

void check_attend_shapes(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                         const at::Tensor& mask) {
    TORCH_CHECK(q.dim() == 4 && k.dim() == 4 && v.sizes() == k.sizes() && q.size(0) == k.size(0) &&
                    q.size(3) == k.size(3) && q.size(1) % k.size(1) == 0,
                "attend: expected q (B, H, Sq, hd), k / v (B, KV, Sk, hd) with H % KV == 0, got ",
                q.sizes(), ", ", k.sizes(), ", ", v.sizes());
    const int64_t B = q.size(0), Sq = q.size(2), Sk = k.size(2);
    if (mask.defined())
        TORCH_CHECK(
            mask.dim() == 4 && mask.size(0) == B && mask.size(2) == Sq && mask.size(3) == Sk,
            "attend: expected mask (", B, ", 1, ", Sq, ", ", Sk, "), got ", mask.sizes());
}

}  // namespace

at::Tensor attend_eager(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                        const at::Tensor& mask) {
    check_attend_shapes(q, k, v, mask);
    const int64_t B = q.size(0), H = q.size(1), Sq = q.size(2), hd = q.size(3);
    const int64_t KV = k.size(1), Sk = k.size(2), G = H / KV;
    const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
    // The G query heads of a KV head become G*Sq rows of one matrix, so both matmuls batch over
    // (B, KV) without broadcasting: a strided KV-cache view is read in place, never copied.
    at::Tensor qg = q.reshape({B, KV, G * Sq, hd});                   // (B, KV, G*Sq, hd)
    at::Tensor scores = matmul_any(qg, k.transpose(-1, -2)) * scale;  // (B, KV, G*Sq, Sk)
    scores = scores.to(at::kFloat).view({B, KV, G, Sq, Sk});
    if (mask.defined()) scores = scores + mask.unsqueeze(1);  // (B, 1, 1, Sq, Sk)
    at::Tensor probs = at::softmax(scores, -1).to(q.scalar_type()).view({B, KV, G * Sq, Sk});
    return matmul_any(probs, v).reshape({B, H, Sq, hd});  // (B, KV, G, Sq, hd) = (B, H, Sq, hd)
}

at::Tensor attend(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                  const at::Tensor& mask) {
#if TORCH_VERSION_MAJOR >= 2
    check_attend_shapes(q, k, v, mask);
    const int64_t G = q.size(1) / k.size(1);
    at::Tensor kr = G > 1 ? k.repeat_interleave(G, 1) : k;  // (B, H, Sk, hd)
    at::Tensor vr = G > 1 ? v.repeat_interleave(G, 1) : v;
    // No mask (vision segments): the overload without one; an undefined tensor is rejected.
    if (!mask.defined()) return at::scaled_dot_product_attention(q, kr, vr);
    // The finite lowest of q's dtype: fp16 / bf16 cannot hold the fp32 one.
    double low = q.scalar_type() == at::kHalf       ? -65504.0
                 : q.scalar_type() == at::kBFloat16 ? -3.38e38
                                                    : static_cast<double>(masked_score());
    return at::scaled_dot_product_attention(q, kr, vr, mask.clamp_min(low).to(q.scalar_type()));
#else
    return attend_eager(q, k, v, mask);
#endif
}

at::Tensor segment_attention(const at::Tensor& q, const at::Tensor& k, const at::Tensor& v,
                             const std::vector<int64_t>& cu) {
    TORCH_CHECK(q.dim() == 3 && k.sizes() == q.sizes() && v.sizes() == q.sizes(),
                "segment_attention: expected q / k / v (N, h, hd), got ", q.sizes(), ", ",
                k.sizes(), ", ", v.sizes());
    TORCH_CHECK(!cu.empty() && cu.back() == q.size(0), "segment_attention: cu_seqlens ends at ",
                cu.empty() ? -1 : cu.back(), " but there are ", q.size(0), " rows");
    const int64_t h = q.size(1), hd = q.size(2);
    std::vector<at::Tensor> outs;
    size_t i = 0;
    while (i + 1 < cu.size()) {
        const int64_t len = cu[i + 1] - cu[i];
        size_t j = i;
        while (j + 1 < cu.size() && cu[j + 1] - cu[j] == len) ++j;
        const int64_t run = static_cast<int64_t>(j - i);
        if (len > 0) {
            auto seg = [&](const at::Tensor& t) {  // (run, h, len, hd)
                return t.narrow(0, cu[i], run * len).view({run, len, h, hd}).transpose(1, 2);
            };
            at::Tensor o = attend(seg(q), seg(k), seg(v), at::Tensor());  // (run, h, len, hd)
            outs.push_back(o.transpose(1, 2).reshape({run * len, h, hd}));
        }
        i = j;
    }
    return at::cat(outs, 0);  // (N, h, hd)
}

}  // namespace mmupt
