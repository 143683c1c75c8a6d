// smart_resize as transformers' Qwen2-VL image processor computes it, in doubles like Python:
// half-to-even rounding of h/factor, then a floor (too many pixels) or ceil (too few) rescale.
// The floor branch keeps at least one factor per side, as current transformers does.
#include "core/image/smart_resize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/util/errors.h"

namespace mmupt {

double round_half_even(double x) {
    // Explicit, so a caller's fesetround() cannot change the result.
    double f = std::floor(x);
    double diff = x - f;
    if (diff < 0.5) return f;
    if (diff > 0.5) return f + 1.0;
    return std::fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

ResizedSize smart_resize(int64_t height, int64_t width, int factor, int64_t min_pixels,
                         int64_t max_pixels) {
    if (factor < 1)
        throw ConfigError("smart_resize: factor must be >= 1, got " + std::to_string(factor));
    if (min_pixels > max_pixels)
        throw ConfigError("smart_resize: min_pixels " + std::to_string(min_pixels) +
                          " > max_pixels " + std::to_string(max_pixels));
    const std::string size = std::to_string(height) + "x" + std::to_string(width) + " (HxW)";
    if (height < factor || width < factor)
        throw DataError("image " + size + " is too small: both sides must be at least " +
                        std::to_string(factor) + " pixels");
    const double h = double(height), w = double(width), f = double(factor);
    if (std::max(h, w) / std::min(h, w) > 200.0)
        throw DataError("image " + size + " has an aspect ratio above 200");

    double hb = round_half_even(h / f) * f;
    double wb = round_half_even(w / f) * f;
    if (hb * wb > double(max_pixels)) {
        const double beta = std::sqrt(h * w / double(max_pixels));
        hb = std::max(f, std::floor(h / beta / f) * f);
        wb = std::max(f, std::floor(w / beta / f) * f);
    } else if (hb * wb < double(min_pixels)) {
        const double beta = std::sqrt(double(min_pixels) / (h * w));
        hb = std::ceil(h * beta / f) * f;
        wb = std::ceil(w * beta / f) * f;
    }
    return {int(hb), int(wb)};
}

}  // namespace mmupt
