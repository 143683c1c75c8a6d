// Header parsing for JPEG / PNG / WebP / BMP plus the EXIF orientation tag. Every read goes
// through the bounds-checked helpers below; a malformed header yields zeros, never a throw.
// Deliberately not covered: PNG "Raw profile type exif" text chunks, XMP orientation, GIF/TIFF.
#include "core/image/image_header.h"

#include <cstring>

namespace mmupt {
namespace {

struct Bytes {
    const uint8_t* p;
    size_t n;
    bool has(size_t off, size_t len) const { return off <= n && len <= n - off; }
    uint32_t be16(size_t o) const { return has(o, 2) ? (p[o] << 8) | p[o + 1] : 0; }
    uint32_t le16(size_t o) const { return has(o, 2) ? p[o] | (p[o + 1] << 8) : 0; }
    uint32_t be32(size_t o) const { return has(o, 4) ? (be16(o) << 16) | be16(o + 2) : 0; }
    uint32_t le32(size_t o) const { return has(o, 4) ? le16(o) | (le16(o + 2) << 16) : 0; }
    // Do bytes [o, o + N - 1) equal the literal `s` (embedded NULs included)?
    template <size_t N>
    bool tag(size_t o, const char (&s)[N]) const {
        return has(o, N - 1) && std::memcmp(p + o, s, N - 1) == 0;
    }
};

bool is_jpeg_sof(uint8_t m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

// Is there an EOI marker (FF D9) at or after `from`? Entropy-coded data stuffs every FF with 00
// (or an RSTn marker), so FF D9 there can only be the end of the image.
bool has_eoi_after(const Bytes& b, size_t from) {
    for (size_t i = b.n; i >= from + 2; --i)
        if (b.p[i - 2] == 0xFF && b.p[i - 1] == 0xD9) return true;
    return false;
}

void read_jpeg(const Bytes& b, ImageHeader& h) {
    h.complete = false;
    bool have_exif = false;
    size_t pos = 2;
    while (b.has(pos, 2)) {
        if (b.p[pos] != 0xFF) return;  // not at a marker: malformed
        uint8_t marker = b.p[pos + 1];
        pos += 2;
        if (marker == 0xFF) {  // fill byte: the marker code follows
            --pos;
            continue;
        }
        if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) continue;  // no length field
        if (marker == 0xD9) return;                                          // EOI before any scan
        uint32_t len = b.be16(pos);
        if (len < 2 || !b.has(pos, len)) return;
        size_t seg = pos + 2, seg_len = len - 2;
        if (marker == 0xE1 && !have_exif && Bytes{b.p + seg, seg_len}.tag(0, "Exif\0\0")) {
            have_exif = true;
            if (seg_len > 6) h.orientation = exif_orientation_from_tiff(b.p + seg + 6, seg_len - 6);
        } else if (is_jpeg_sof(marker) && h.width == 0 && seg_len >= 5) {
            h.height = b.be16(seg + 1);
            h.width = b.be16(seg + 3);
        } else if (marker == 0xDA) {
            h.complete = has_eoi_after(b, pos + len);
            return;
        }
        pos += len;
    }
}

void read_png(const Bytes& b, ImageHeader& h) {
    if (!b.tag(12, "IHDR")) return;
    h.width = b.be32(16);
    h.height = b.be32(20);
    // Pillow reads eXIf wherever it sits (it loads the image first when needed): scan all chunks.
    size_t pos = 8;
    while (b.has(pos, 12)) {
        uint32_t len = b.be32(pos);
        if (!b.has(pos + 8, len)) return;
        if (b.tag(pos + 4, "eXIf")) {
            h.orientation = exif_orientation_from_tiff(b.p + pos + 8, len);
            return;
        }
        if (b.tag(pos + 4, "IEND")) return;
        pos += 12 + size_t(len);
    }
}

void read_webp(const Bytes& b, ImageHeader& h) {
    size_t pos = 12;
    while (b.has(pos, 8)) {
        uint32_t len = b.le32(pos + 4);
        size_t d = pos + 8;
        if (!b.has(d, len)) return;
        if (b.tag(pos, "VP8 ") && h.width == 0 && len >= 10) {
            h.width = b.le16(d + 6) & 0x3FFF;
            h.height = b.le16(d + 8) & 0x3FFF;
        } else if (b.tag(pos, "VP8L") && h.width == 0 && len >= 5 && b.p[d] == 0x2F) {
            uint32_t bits = b.le32(d + 1);
            h.width = (bits & 0x3FFF) + 1;
            h.height = ((bits >> 14) & 0x3FFF) + 1;
        } else if (b.tag(pos, "VP8X") && len >= 10) {
            h.width = (b.le32(d + 4) & 0xFFFFFF) + 1;
            h.height = (b.le32(d + 6) >> 8) + 1;  // 24 bits at d + 7
        } else if (b.tag(pos, "EXIF")) {
            Bytes e{b.p + d, len};
            size_t skip = e.tag(0, "Exif\0\0") ? 6 : 0;  // some writers keep the JPEG prefix
            if (len > skip) h.orientation = exif_orientation_from_tiff(b.p + d + skip, len - skip);
        }
        pos = d + len + (len & 1);  // chunks are padded to even sizes
    }
}

void read_bmp(const Bytes& b, ImageHeader& h) {
    uint32_t dib = b.le32(14);
    if (dib == 12) {  // BITMAPCOREHEADER: 16-bit unsigned sizes
        h.width = b.le16(18);
        h.height = b.le16(20);
    } else if (dib >= 40 && b.has(14, 16)) {
        int32_t w = int32_t(b.le32(18)), hh = int32_t(b.le32(22));  // negative height: top-down
        h.width = w < 0 ? 0 : w;
        h.height = hh < 0 ? -int64_t(hh) : hh;
    }
}

}  // namespace

const char* image_format_name(ImageFormat format) {
    switch (format) {
        case ImageFormat::jpeg:
            return "JPEG";
        case ImageFormat::png:
            return "PNG";
        case ImageFormat::webp:
            return "WebP";
        case ImageFormat::bmp:
            return "BMP";
        default:
            return "unknown";
    }
}

ImageFormat sniff_image_format(const uint8_t* data, size_t size) {
    Bytes b{data, size};
    if (b.has(0, 3) && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF)
        return ImageFormat::jpeg;
    if (b.tag(0, "\x89PNG\r\n\x1a\n")) return ImageFormat::png;
    if (b.tag(0, "RIFF") && b.tag(8, "WEBP")) return ImageFormat::webp;
    if (b.tag(0, "BM") && b.has(0, 26)) return ImageFormat::bmp;
    return ImageFormat::unknown;
}

ImageHeader read_image_header(const uint8_t* data, size_t size) {
    ImageHeader h;
    h.format = sniff_image_format(data, size);
    Bytes b{data, size};
    switch (h.format) {
        case ImageFormat::jpeg:
            read_jpeg(b, h);
            break;
        case ImageFormat::png:
            read_png(b, h);
            break;
        case ImageFormat::webp:
            read_webp(b, h);
            break;
        case ImageFormat::bmp:
            read_bmp(b, h);
            break;
        default:
            break;
    }
    if (h.width <= 0 || h.height <= 0) h.width = h.height = 0;
    return h;
}

int exif_orientation_from_tiff(const uint8_t* data, size_t size) {
    Bytes b{data, size};
    bool le;
    if (b.tag(0, "II*\0"))
        le = true;
    else if (b.tag(0, "MM\0*"))
        le = false;
    else
        return 1;
    auto u16 = [&](size_t o) { return le ? b.le16(o) : b.be16(o); };
    auto u32 = [&](size_t o) { return le ? b.le32(o) : b.be32(o); };
    size_t ifd = u32(4);
    if (!b.has(ifd, 2)) return 1;
    uint32_t count = u16(ifd);
    for (uint32_t i = 0; i < count; ++i) {
        size_t e = ifd + 2 + size_t(i) * 12;
        if (!b.has(e, 12)) return 1;
        if (u16(e) != 0x0112) continue;
        uint32_t type = u16(e + 2);
        uint32_t v = type == 3 ? u16(e + 8) : type == 4 ? u32(e + 8) : 1;  // SHORT or LONG
        return v >= 1 && v <= 8 ? int(v) : 1;
    }
    return 1;
}

}  // namespace mmupt
