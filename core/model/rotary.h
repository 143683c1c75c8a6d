// Rotary position embeddings: the vision 2-D rotary (per-patch (y, x) angles, applied in fp32)
// and the text M-RoPE (3 position axes mixed by `mrope_section`, cos/sin cast to the model
// dtype). Tables are plain fp32 tensors built per call, never module buffers, so casting a
// module to bf16 cannot round them. Positions come from vision_layout.h / rope_index.h.
#pragma once
#include <utility>
#include <vector>

#include <ATen/ATen.h>

namespace mmupt {

// rot(v) = concat(-v[half:], v[:half]) on the last dim.
at::Tensor rotate_half(const at::Tensor& x);

// Vision: (N) y and x patch coordinates -> (N, hd_v/2) fp32 angles [y * inv_freq | x * inv_freq]
// with inv_freq[j] = 1 / 10000^(2j / (hd_v/2)), j < hd_v/4.
at::Tensor vision_rotary_angles(const std::vector<int64_t>& pos_y,
                                const std::vector<int64_t>& pos_x, int64_t head_dim,
                                const at::Device& device);

// Vision apply: x (N, h, hd) any dtype, angles (N, hd/2) fp32 -> rotated x in x's dtype; the
// rotation itself runs in fp32.
at::Tensor apply_vision_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

// Text: position_ids (3, B, S) int64 -> cos, sin (B, S, hd) in `dtype`. Angles are fp32 products
// pos * inv_freq (inv_freq[j] = 1 / theta^(2j/hd)); frequency chunk i of mrope_section ++
// mrope_section takes axis i % 3.
std::pair<at::Tensor, at::Tensor> mrope_cos_sin(const at::Tensor& position_ids, int64_t head_dim,
                                                double theta, const std::vector<int64_t>& section,
                                                at::ScalarType dtype);

// Text apply: x (B, H, S, hd), cos / sin (B, S, hd) in x's dtype -> x * cos + rot(x) * sin.
at::Tensor apply_rotary(const at::Tensor& x, const at::Tensor& cos, const at::Tensor& sin);

}  // namespace mmupt
