// A cheap "is this image usable?" check for dataset validation: file size, format sniffed from
// the magic bytes, dimensions from the header (JPEG, PNG, BMP, WebP), the end-of-image marker
// (catches truncated JPEG / PNG), and optionally a reduced-size OpenCV decode. It does not
// resize or produce pixels: the real image processor lives in core/image/. Never throws.
#pragma once
#include <cstdint>
#include <string>

namespace mmupt {

enum class ImageStatus { ok, missing, corrupt, oversized };
const char* to_string(ImageStatus s);  // "ok", "missing", "corrupt", "oversized"

struct ImageLimits {
    std::int64_t max_bytes = 33554432;    // larger files are oversized
    std::int64_t max_pixels = 100000000;  // width*height above this is oversized
    bool decode = true;                   // also decode (at 1/8 size) to prove readability
};

struct ImageInfo {
    ImageStatus status = ImageStatus::missing;
    std::string format;         // "JPEG", "PNG", "BMP", "WEBP"; empty when unknown
    int width = 0, height = 0;  // from the header; 0 when unknown
    std::int64_t bytes = 0;
    std::string reason;  // why it is not ok, e.g. "truncated: no JPEG end marker"
};

// Thread-safe; reads at most the header, the last 4 KiB and (with decode) the whole file.
ImageInfo check_image(const std::string& path, const ImageLimits& limits);

}  // namespace mmupt
