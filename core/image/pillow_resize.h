// Pillow's BICUBIC resize (Image.resize(size, Image.BICUBIC), no box, no reducing_gap),
// reproduced bit for bit on 8-bit RGB (QWEN2-VL.md §5.3): separable, antialiased when shrinking,
// 22-bit fixed-point weights, horizontal pass first, uint8 between passes, an unchanged axis is
// skipped. Only the bicubic filter; no premultiplied alpha (our images have none). Torch-free.
#pragma once
#include <cstdint>
#include <vector>

#include "core/image/rgb_image.h"

namespace mmupt {

// Returns `in` resized to out_width x out_height (a copy when the size is unchanged).
// Throws std::invalid_argument when a size is not positive.
RgbImage resize_bicubic_pillow(const RgbImage& in, int out_width, int out_height);

// The per-axis filter Pillow builds: for each output index o, `first[o]` is the first source
// index and the `count[o]` weights starting at `weights[o * taps]` are 22-bit fixed point.
struct ResampleCoefficients {
    int taps = 0;  // weights per output index (padding with zeros)
    std::vector<int> first, count;
    std::vector<int32_t> weights;
};
ResampleCoefficients bicubic_coefficients(int in_size, int out_size);

}  // namespace mmupt
