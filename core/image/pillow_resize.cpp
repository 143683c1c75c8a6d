// Pillow-exact bicubic resampling (Pillow's Resample.c behaviour, re-derived; QWEN2-VL.md §5.3).
// Bit-exactness depends on evaluating the doubles in the same order as Pillow, so keep the
// expressions as they are; core/CMakeLists.txt builds this file with -ffp-contract=off (no FMA).
// Not implemented: other filters, box/reducing_gap arguments, 16-bit or float images.
#include "core/image/pillow_resize.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace mmupt {
namespace {

constexpr int kPrecisionBits = 22;  // fixed-point fraction bits of a weight (32 - 8 - 2)
constexpr double kBicubicSupport = 2.0;

double bicubic_kernel(double x) {
    constexpr double a = -0.5;  // Pillow's (and Keys') a; some libraries use -0.75
    if (x < 0.0) x = -x;
    if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
    if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
    return 0.0;
}

// Accumulator (with the 0.5 rounding offset already added) to a clamped byte.
inline uint8_t clip8(int32_t acc) {
    if (acc >= (1 << kPrecisionBits << 8)) return 255;
    if (acc <= 0) return 0;
    return uint8_t(acc >> kPrecisionBits);
}

// Horizontal pass: (h, in_w, 3) -> (h, out_w, 3).
RgbImage resample_horizontal(const RgbImage& in, int out_w, const ResampleCoefficients& c) {
    RgbImage out(out_w, in.height);
    for (int y = 0; y < in.height; ++y) {
        const uint8_t* src = in.row(y);
        uint8_t* dst = out.row(y);
        for (int o = 0; o < out_w; ++o) {
            const int32_t* w = &c.weights[size_t(o) * c.taps];
            const uint8_t* s = src + size_t(c.first[o]) * 3;
            int32_t r = 1 << (kPrecisionBits - 1), g = r, b = r;
            for (int k = 0; k < c.count[o]; ++k, s += 3) {
                r += s[0] * w[k];
                g += s[1] * w[k];
                b += s[2] * w[k];
            }
            dst[o * 3 + 0] = clip8(r);
            dst[o * 3 + 1] = clip8(g);
            dst[o * 3 + 2] = clip8(b);
        }
    }
    return out;
}

// Vertical pass: (in_h, w, 3) -> (out_h, w, 3); one output row accumulates whole source rows.
RgbImage resample_vertical(const RgbImage& in, int out_h, const ResampleCoefficients& c) {
    RgbImage out(in.width, out_h);
    const size_t row_len = size_t(in.width) * 3;
    std::vector<int32_t> acc(row_len);
    for (int o = 0; o < out_h; ++o) {
        std::fill(acc.begin(), acc.end(), 1 << (kPrecisionBits - 1));
        const int32_t* w = &c.weights[size_t(o) * c.taps];
        for (int k = 0; k < c.count[o]; ++k) {
            const uint8_t* s = in.row(c.first[o] + k);
            for (size_t i = 0; i < row_len; ++i) acc[i] += s[i] * w[k];
        }
        uint8_t* dst = out.row(o);
        for (size_t i = 0; i < row_len; ++i) dst[i] = clip8(acc[i]);
    }
    return out;
}

}  // namespace

ResampleCoefficients bicubic_coefficients(int in_size, int out_size) {
    const double scale = double(in_size) / out_size;
    const double filter_scale = std::max(scale, 1.0);  // widen the kernel when shrinking
    const double support = kBicubicSupport * filter_scale;
    const double inv_filter_scale = 1.0 / filter_scale;  // Pillow multiplies by the inverse

    ResampleCoefficients c;
    c.taps = int(std::ceil(support)) * 2 + 1;
    c.first.resize(out_size);
    c.count.resize(out_size);
    c.weights.assign(size_t(out_size) * c.taps, 0);
    std::vector<double> w(c.taps);
    for (int o = 0; o < out_size; ++o) {
        const double center = (o + 0.5) * scale;
        const int lo = std::max(0, int(center - support + 0.5));        // truncation, as C
        const int hi = std::min(in_size, int(center + support + 0.5));  // exclusive
        const int n = std::max(0, std::min(hi - lo, c.taps));
        double total = 0.0;
        for (int k = 0; k < n; ++k) {
            w[k] = bicubic_kernel((k + lo - center + 0.5) * inv_filter_scale);
            total += w[k];
        }
        for (int k = 0; k < n; ++k) {
            const double v = total != 0.0 ? w[k] / total : w[k];
            const double fixed = v * (1 << kPrecisionBits);
            // Round half away from zero by truncating after adding +-0.5.
            c.weights[size_t(o) * c.taps + k] = int32_t(v < 0 ? -0.5 + fixed : 0.5 + fixed);
        }
        c.first[o] = lo;
        c.count[o] = n;
    }
    return c;
}

RgbImage resize_bicubic_pillow(const RgbImage& in, int out_width, int out_height) {
    if (out_width <= 0 || out_height <= 0 || in.empty())
        throw std::invalid_argument("resize_bicubic_pillow: sizes must be positive, got " +
                                    std::to_string(in.width) + "x" + std::to_string(in.height) +
                                    " -> " + std::to_string(out_width) + "x" +
                                    std::to_string(out_height));
    auto vertical = [&](const RgbImage& src) {
        return resample_vertical(src, out_height, bicubic_coefficients(in.height, out_height));
    };
    if (out_width == in.width) return out_height == in.height ? in : vertical(in);
    RgbImage h = resample_horizontal(in, out_width, bicubic_coefficients(in.width, out_width));
    return out_height == in.height ? h : vertical(h);
}

}  // namespace mmupt
