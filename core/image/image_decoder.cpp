// Image decoding: header checks (format, pixel limit, JPEG truncation) first, then
// cv::imdecode(IMREAD_UNCHANGED) and our own conversion to RGB. IMREAD_UNCHANGED is the only
// mode that keeps alpha and 16-bit samples, and it ignores EXIF orientation (IMREAD_COLOR would
// apply it for JPEG and PNG but drop alpha and not for WebP), so orientation is applied here.
// Not done: colour management (ICC), animated images beyond the first frame.
#include "core/image/image_decoder.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "core/image/image_header.h"
#include "core/image/png_check.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

[[noreturn]] void fail(const std::string& name, const std::string& what) {
    throw DataError("image '" + name + "': " + what);
}

std::string first_bytes_hex(const uint8_t* data, size_t size) {
    std::string s;
    char buf[4];
    for (size_t i = 0; i < std::min<size_t>(size, 8); ++i) {
        std::snprintf(buf, sizeof buf, "%02x", data[i]);
        s += (i ? " " : "") + std::string(buf);
    }
    return s.empty() ? "(empty)" : s;
}

// 16-bit samples to 8 bits as Pillow does when converting to RGB: RGB(A) and grey+alpha PNGs
// keep the high byte ("RGB;16B" unpacking); plain 16-bit grey opens as mode "I" and "I" -> RGB
// clips to 0..255, so nearly every grey level above 255 becomes white (checked on Pillow 9.4).
uint8_t to8(const cv::Mat& m, int y, int x, int c, bool grey_clip) {
    if (m.depth() == CV_8U) return m.ptr<uint8_t>(y)[x * m.channels() + c];
    uint16_t v = m.ptr<uint16_t>(y)[x * m.channels() + c];
    return grey_clip ? uint8_t(std::min<uint16_t>(v, 255)) : uint8_t(v >> 8);
}

RgbImage to_rgb(const cv::Mat& m, const std::string& name) {
    if (m.depth() != CV_8U && m.depth() != CV_16U)
        fail(name, "unsupported sample depth (OpenCV depth " + std::to_string(m.depth()) + ")");
    const int cn = m.channels();
    if (cn != 1 && cn != 3 && cn != 4)
        fail(name, "unsupported channel count " + std::to_string(cn));
    const bool grey_clip = cn == 1 && m.depth() == CV_16U;
    RgbImage out(m.cols, m.rows);
    for (int y = 0; y < m.rows; ++y) {
        uint8_t* o = out.row(y);
        for (int x = 0; x < m.cols; ++x, o += 3) {
            if (cn == 1) {
                o[0] = o[1] = o[2] = to8(m, y, x, 0, grey_clip);
                continue;
            }
            // OpenCV channel order is B, G, R(, A).
            uint8_t r = to8(m, y, x, 2, false), g = to8(m, y, x, 1, false),
                    b = to8(m, y, x, 0, false);
            if (cn == 4) {
                uint8_t a = to8(m, y, x, 3, false);
                r = composite_over_white(r, a);
                g = composite_over_white(g, a);
                b = composite_over_white(b, a);
            }
            o[0] = r;
            o[1] = g;
            o[2] = b;
        }
    }
    return out;
}

}  // namespace

uint8_t composite_over_white(uint8_t value, uint8_t alpha) {
    // Pillow's exact rounding division by 255 (ImagingUtils DIV255), valid for 0..65025.
    uint32_t t = 255u * (255u - alpha) + uint32_t(value) * alpha + 128u;
    return uint8_t(((t >> 8) + t) >> 8);
}

RgbImage apply_exif_orientation(const RgbImage& in, int orientation) {
    if (orientation < 2 || orientation > 8) return in;
    const bool swap = orientation >= 5;  // 5..8 exchange width and height
    RgbImage out(swap ? in.height : in.width, swap ? in.width : in.height);
    const int W = in.width, H = in.height;
    for (int y = 0; y < out.height; ++y) {
        uint8_t* o = out.row(y);
        for (int x = 0; x < out.width; ++x, o += 3) {
            int sx = x, sy = y;  // source pixel of output (x, y)
            switch (orientation) {
                case 2:
                    sx = W - 1 - x;
                    break;  // mirror left-right
                case 3:
                    sx = W - 1 - x, sy = H - 1 - y;
                    break;  // rotate 180
                case 4:
                    sy = H - 1 - y;
                    break;  // mirror top-bottom
                case 5:
                    sx = y, sy = x;
                    break;  // transpose
                case 6:
                    sx = y, sy = H - 1 - x;
                    break;  // rotate 90 clockwise
                case 7:
                    sx = W - 1 - y, sy = H - 1 - x;
                    break;  // transverse
                case 8:
                    sx = W - 1 - y, sy = x;
                    break;  // rotate 90 counter-clockwise
            }
            const uint8_t* s = in.row(sy) + size_t(sx) * 3;
            o[0] = s[0], o[1] = s[1], o[2] = s[2];
        }
    }
    return out;
}

RgbImage decode_image(const uint8_t* data, size_t size, const std::string& name,
                      const DecodeOptions& options) {
    const ImageHeader h = read_image_header(data, size);
    if (h.format == ImageFormat::unknown)
        fail(name, "not a JPEG, PNG, WebP or BMP file (first bytes: " +
                       first_bytes_hex(data, size) + ")");
    const std::string fmt = image_format_name(h.format);
    if (h.width == 0) fail(name, "unreadable " + fmt + " header (corrupt or truncated file)");
    if (h.width * h.height > options.max_pixels)
        fail(name, std::to_string(h.width) + "x" + std::to_string(h.height) + " = " +
                       std::to_string(h.width * h.height) + " pixels exceeds the limit of " +
                       std::to_string(options.max_pixels) + " set by " + options.limit_name +
                       " (raise it if the image is trusted)");
    if (!h.complete) fail(name, "truncated " + fmt + " data (no end-of-image marker)");

    if (size > size_t(INT32_MAX)) fail(name, "file larger than 2 GiB");
    // libpng prints a raw "libpng error:" line on stderr for a corrupt PNG: check it first.
    if (h.format == ImageFormat::png)
        if (std::string why = png_problem(data, size); !why.empty()) fail(name, why);
    cv::Mat decoded;
    try {
        const cv::Mat buf(1, int(size), CV_8U,
                          const_cast<uint8_t*>(data));  // imdecode only reads it
        decoded = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        fail(name, "corrupt " + fmt + " data (" + e.err + ")");
    }
    if (decoded.empty()) fail(name, "corrupt or truncated " + fmt + " data (decoding failed)");
    if (decoded.cols != h.width || decoded.rows != h.height)
        fail(name, "decoded size " + std::to_string(decoded.cols) + "x" +
                       std::to_string(decoded.rows) + " differs from the header's " +
                       std::to_string(h.width) + "x" + std::to_string(h.height));
    return apply_exif_orientation(to_rgb(decoded, name), h.orientation);
}

RgbImage decode_image(const std::vector<uint8_t>& bytes, const std::string& name,
                      const DecodeOptions& options) {
    return decode_image(bytes.data(), bytes.size(), name, options);
}

RgbImage decode_image_file(const std::string& path, const DecodeOptions& options) {
    std::ifstream f(path, std::ios::binary);
    if (!f) fail(path, "cannot open the file (missing or unreadable)");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                               std::istreambuf_iterator<char>());
    if (f.bad()) fail(path, "read error");
    return decode_image(bytes, path, options);
}

}  // namespace mmupt
