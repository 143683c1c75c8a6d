// RgbImage: the plain 8-bit RGB pixel buffer every image stage passes along (decode -> resize ->
// patches). Interleaved, row-major, no padding, no alpha, no colour profile. Torch-free.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mmupt {

struct RgbImage {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels;  // (height, width, 3) RGB, row-major

    RgbImage() = default;
    RgbImage(int w, int h) : width(w), height(h), pixels(size_t(w) * size_t(h) * 3, 0) {}

    bool empty() const { return width <= 0 || height <= 0; }
    uint8_t* row(int y) { return pixels.data() + size_t(y) * size_t(width) * 3; }
    const uint8_t* row(int y) const { return pixels.data() + size_t(y) * size_t(width) * 3; }
    // Channel c (0 R, 1 G, 2 B) of pixel (x, y); unchecked.
    uint8_t at(int x, int y, int c) const { return row(y)[size_t(x) * 3 + size_t(c)]; }
};

}  // namespace mmupt
