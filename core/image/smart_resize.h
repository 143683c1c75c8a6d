// smart_resize (QWEN2-VL.md §5.2): the size an image is resized to before patching, a multiple
// of `factor` (patch 14 x merge 2 = 28) on both sides with the pixel count in [min, max].
// Follows current transformers, not qwen-vl-utils (which accepts sides < factor); see
// docs/image_processing.md. Pure integer/double arithmetic, torch-free.
#pragma once
#include <cstdint>

namespace mmupt {

struct ResizedSize {
    int height = 0;
    int width = 0;
};

// Python's round() on a double: half to even (2.5 -> 2, 3.5 -> 4), unlike std::round.
double round_half_even(double x);

// Throws DataError when height or width < factor (transformers: "must be larger than factor")
// or when max(h, w) / min(h, w) > 200; ConfigError when factor < 1 or min_pixels > max_pixels.
ResizedSize smart_resize(int64_t height, int64_t width, int factor, int64_t min_pixels,
                         int64_t max_pixels);

}  // namespace mmupt
