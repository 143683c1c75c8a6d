// Reads what an encoded image says about itself before any pixel is decoded: the format from its
// magic bytes (JPEG, PNG, WebP, BMP; never the file extension), its pixel size, its EXIF
// orientation tag and, for JPEG, whether the data runs to an end-of-image marker.
// A pure byte parser: bounds-checked, never throws, never decodes pixels (see image_decoder.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace mmupt {

enum class ImageFormat { unknown, jpeg, png, webp, bmp };

const char* image_format_name(ImageFormat format);

struct ImageHeader {
    ImageFormat format = ImageFormat::unknown;
    int64_t width = 0;   // 0 when the header could not be read
    int64_t height = 0;  // as stored, before EXIF orientation
    // EXIF orientation tag 0x0112: 1 = as stored (also when absent or unreadable), 2..8 as in the
    // EXIF spec (6 = the stored image must be rotated 90 degrees clockwise to display).
    int orientation = 1;
    // JPEG only: an EOI marker follows the first start-of-scan. libjpeg silently pads a
    // truncated file with grey, so the decoder rejects a JPEG without it. Always true otherwise.
    bool complete = true;
};

// Sniffs the format from the first bytes (enough: 12).
ImageFormat sniff_image_format(const uint8_t* data, size_t size);

// Parses the header of a JPEG / PNG / WebP / BMP held in memory. format == unknown when the magic
// bytes match none of them; width == 0 when the magic matched but the header is unreadable.
ImageHeader read_image_header(const uint8_t* data, size_t size);

// Orientation tag from a TIFF-structured EXIF block ("II*\0" / "MM\0*" first), 1 when absent.
int exif_orientation_from_tiff(const uint8_t* data, size_t size);

}  // namespace mmupt
