// Decodes JPEG / PNG / WebP / BMP (chosen by content, not extension) into 8-bit RGB the way
// Pillow + qwen-vl-utils would see it: EXIF orientation applied, alpha composited over white,
// grey expanded, 16-bit reduced as Pillow does. OpenCV only decodes; every conversion is ours.
// Not handled: animation (first frame only), CMYK JPEG colour fidelity, ICC colour profiles.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/image/rgb_image.h"

namespace mmupt {

struct DecodeOptions {
    // Images with more pixels than this are rejected from their header, before decoding. Set
    // from the config key data.max_image_pixels (same default), which `mmupt data` checks too,
    // so data validation and training accept exactly the same images.
    int64_t max_pixels = 100000000;
    const char* limit_name = "data.max_image_pixels";  // what sets max_pixels, for the message
};

// Decodes an encoded image held in memory. `name` only labels error messages (a path or a URL).
// Throws DataError (naming `name`) when the format is not one of the four, the data is corrupt or
// truncated, or the image has more than options.max_pixels pixels. Thread-safe.
RgbImage decode_image(const uint8_t* data, size_t size, const std::string& name,
                      const DecodeOptions& options = {});
RgbImage decode_image(const std::vector<uint8_t>& bytes, const std::string& name,
                      const DecodeOptions& options = {});

// Reads and decodes a file; throws DataError naming `path` when it cannot be read or decoded.
RgbImage decode_image_file(const std::string& path, const DecodeOptions& options = {});

// Pixel transforms used by the decoder, exposed for tests.
// EXIF orientation 1..8 -> the upright image (Pillow's ImageOps.exif_transpose).
RgbImage apply_exif_orientation(const RgbImage& image, int orientation);
// Pillow's paste(rgba, mask=alpha) over white: round((255 * (255 - a) + v * a) / 255).
uint8_t composite_over_white(uint8_t value, uint8_t alpha);

}  // namespace mmupt
