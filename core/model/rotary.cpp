// Vision 2-D rotary and text M-RoPE, with transformers' precision choices (QWEN2-VL.md §3.3,
// §4.2-4.3, §9.5-9.6): fp32 inv_freq from an integer arange, fp32 angle products, no float64.
#include "core/model/rotary.h"

namespace mmupt {
namespace {

// inv_freq[j] = 1 / theta^((2j) / dim) for j < dim/2, fp32.
at::Tensor inv_freq(int64_t dim, double theta, const at::Device& device) {
    at::Tensor e =
        at::arange(0, dim, 2, at::TensorOptions().dtype(at::kLong).device(device)).to(at::kFloat) /
        static_cast<double>(dim);  // (dim/2) fp32
    return 1.0 / at::pow(theta, e);
}

}  // namespace

at::Tensor rotate_half(const at::Tensor& x) {
    const int64_t half = x.size(-1) / 2;
    return at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

at::Tensor vision_rotary_angles(const std::vector<int64_t>& pos_y,
                                const std::vector<int64_t>& pos_x, int64_t head_dim,
                                const at::Device& device) {
    const auto n = static_cast<int64_t>(pos_y.size());
    at::Tensor f = inv_freq(head_dim / 2, 10000.0, device);  // (hd/4) fp32
    auto long_opts = at::TensorOptions().dtype(at::kLong);
    at::Tensor y = at::tensor(pos_y, long_opts).to(device).to(at::kFloat).view({n, 1});  // (N, 1)
    at::Tensor x = at::tensor(pos_x, long_opts).to(device).to(at::kFloat).view({n, 1});
    return at::cat({y * f, x * f}, 1);  // (N, hd/2) fp32
}

at::Tensor apply_vision_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
    TORCH_CHECK(
        x.dim() == 3 && cos.dim() == 2 && x.size(0) == cos.size(0) && x.size(2) == cos.size(1),
        "apply_vision_rotary: expected x (N, h, hd) and cos (N, hd), got ", x.sizes(), " and ",
        cos.sizes());
    at::Tensor xf = x.to(at::kFloat);  // (N, h, hd) fp32
    at::Tensor out = xf * cos.unsqueeze(1) + rotate_half(xf) * sin.unsqueeze(1);
    return out.to(x.scalar_type());
}

std::pair<at::Tensor, at::Tensor> mrope_cos_sin(const at::Tensor& position_ids, int64_t head_dim,
                                                double theta, const std::vector<int64_t>& section,
                                                at::ScalarType dtype) {
    TORCH_CHECK(position_ids.dim() == 3 && position_ids.size(0) == 3,
                "mrope_cos_sin: expected position_ids (3, B, S), got ", position_ids.sizes());
    at::Tensor f = inv_freq(head_dim, theta, position_ids.device());  // (hd/2)
    at::Tensor ang = position_ids.to(at::kFloat).unsqueeze(-1) * f;   // (3, B, S, hd/2)
    at::Tensor emb = at::cat({ang, ang}, -1);                         // (3, B, S, hd)
    std::vector<at::Tensor> chunks;
    int64_t start = 0;
    for (int64_t i = 0; i < 6; ++i) {
        const int64_t len = section[i % 3];
        chunks.push_back(emb[i % 3].narrow(-1, start, len));  // (B, S, len)
        start += len;
    }
    at::Tensor mixed = at::cat(chunks, -1);  // (B, S, hd) fp32
    return {mixed.cos().to(dtype), mixed.sin().to(dtype)};
}

at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin) {
    TORCH_CHECK(
        x.dim() == 4 && cos.dim() == 3 && x.size(2) == cos.size(1) && x.size(3) == cos.size(2),
        "apply_rotary: expected x (B, H, S, hd) and cos (B, S, hd), got ", x.sizes(), " and ",
        cos.sizes());
    at::Tensor c = cos.unsqueeze(1), s = sin.unsqueeze(1);  // (B, 1, S, hd)
    return x * c + rotate_half(x) * s;
}

}  // namespace mmupt
