// check_image: size limit, magic bytes, header dimensions, end marker, optional reduced decode.
// Header parsing reads only what it needs (JPEG segments are walked by seeking), so checking a
// large folder in `header` mode costs a few KiB per image. GIF/TIFF/... are reported as corrupt
// ("unsupported format") because the image processor cannot read them.
#include "core/data/image_check.h"

#include "core/image/png_check.h"

#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

namespace mmupt {
namespace {

using Bytes = std::vector<unsigned char>;

Bytes read_at(std::ifstream& in, std::int64_t offset, std::int64_t n) {
    Bytes b(static_cast<std::size_t>(std::max<std::int64_t>(n, 0)));
    in.clear();
    in.seekg(offset);
    in.read(reinterpret_cast<char*>(b.data()), static_cast<std::streamsize>(b.size()));
    b.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
    return b;
}

unsigned be16(const Bytes& b, std::size_t i) { return (b[i] << 8) | b[i + 1]; }
std::uint32_t be32(const Bytes& b, std::size_t i) {
    return (std::uint32_t(b[i]) << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3];
}
std::uint32_t le32(const Bytes& b, std::size_t i) {
    return (std::uint32_t(b[i + 3]) << 24) | (b[i + 2] << 16) | (b[i + 1] << 8) | b[i];
}

bool starts_with(const Bytes& b, std::size_t at, const char* s, std::size_t n) {
    if (b.size() < at + n) return false;
    for (std::size_t i = 0; i < n; ++i)
        if (b[at + i] != static_cast<unsigned char>(s[i])) return false;
    return true;
}

// Walks JPEG segments from SOI to the first start-of-frame; false when the structure is broken.
bool jpeg_size(std::ifstream& in, std::int64_t size, int& w, int& h) {
    std::int64_t pos = 2;
    while (pos + 4 <= size) {
        Bytes m = read_at(in, pos, 10);
        if (m.size() < 4 || m[0] != 0xFF) return false;
        unsigned marker = m[1];
        if (marker == 0xFF) {  // fill byte
            ++pos;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
            pos += 2;
            continue;
        }
        unsigned len = be16(m, 2);
        bool sof =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (m.size() < 9) return false;
            h = static_cast<int>(be16(m, 5));
            w = static_cast<int>(be16(m, 7));
            return true;
        }
        if (marker == 0xD9 || marker == 0xDA || len < 2) return false;  // no frame header
        pos += 2 + len;
    }
    return false;
}

bool webp_size(const Bytes& b, int& w, int& h) {
    if (starts_with(b, 12, "VP8X", 4) && b.size() >= 30) {
        w = 1 + static_cast<int>(b[24] | (b[25] << 8) | (b[26] << 16));
        h = 1 + static_cast<int>(b[27] | (b[28] << 8) | (b[29] << 16));
        return true;
    }
    if (starts_with(b, 12, "VP8 ", 4) && b.size() >= 30) {
        w = (b[26] | (b[27] << 8)) & 0x3FFF;
        h = (b[28] | (b[29] << 8)) & 0x3FFF;
        return true;
    }
    if (starts_with(b, 12, "VP8L", 4) && b.size() >= 25) {
        std::uint32_t bits = le32(b, 21);
        w = 1 + static_cast<int>(bits & 0x3FFF);
        h = 1 + static_cast<int>((bits >> 14) & 0x3FFF);
        return true;
    }
    return false;
}

// Fills format / width / height from the header; returns a reason when it is unusable.
std::string parse_header(std::ifstream& in, std::int64_t size, ImageInfo& info) {
    Bytes head = read_at(in, 0, 64);
    Bytes tail = read_at(in, std::max<std::int64_t>(0, size - 4096), 4096);
    if (head.size() >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) {
        info.format = "JPEG";
        if (!jpeg_size(in, size, info.width, info.height))
            return "JPEG without a readable frame header";
        for (std::size_t i = tail.size(); i-- > 1;)  // FF D9 only occurs as the end marker
            if (tail[i - 1] == 0xFF && tail[i] == 0xD9) return "";
        return "truncated: no JPEG end marker";
    }
    if (starts_with(head, 0, "\x89PNG\r\n\x1a\n", 8)) {
        info.format = "PNG";
        if (!starts_with(head, 12, "IHDR", 4) || head.size() < 24) return "PNG without IHDR";
        info.width = static_cast<int>(be32(head, 16));
        info.height = static_cast<int>(be32(head, 20));
        if (tail.size() < 8 || !starts_with(tail, tail.size() - 8, "IEND", 4))
            return "truncated: no PNG IEND chunk";
        return "";
    }
    if (starts_with(head, 0, "BM", 2) && head.size() >= 26) {
        info.format = "BMP";
        info.width = static_cast<int>(le32(head, 18));
        info.height = std::abs(static_cast<std::int32_t>(le32(head, 22)));
        return "";
    }
    if (starts_with(head, 0, "RIFF", 4) && starts_with(head, 8, "WEBP", 4)) {
        info.format = "WEBP";
        if (static_cast<std::int64_t>(le32(head, 4)) + 8 > size) return "truncated WebP";
        if (!webp_size(head, info.width, info.height)) return "WebP without a readable header";
        return "";
    }
    if (starts_with(head, 0, "GIF8", 4)) return "unsupported image format (GIF)";
    if (starts_with(head, 0, "II*\0", 4) || starts_with(head, 0, "MM\0*", 4))
        return "unsupported image format (TIFF)";
    return "not an image (unknown magic bytes)";
}

}  // namespace

const char* to_string(ImageStatus s) {
    switch (s) {
        case ImageStatus::ok:
            return "ok";
        case ImageStatus::missing:
            return "missing";
        case ImageStatus::corrupt:
            return "corrupt";
        case ImageStatus::oversized:
            return "oversized";
    }
    return "?";
}

ImageInfo check_image(const std::string& path, const ImageLimits& limits) {
    namespace fs = std::filesystem;
    ImageInfo info;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        info.reason = fs::exists(path, ec) ? "not a regular file" : "no such file";
        return info;
    }
    info.bytes = static_cast<std::int64_t>(fs::file_size(path, ec));
    std::ifstream in(path, std::ios::binary);
    if (ec || !in) return info.reason = "cannot be opened", info;
    auto fail = [&](ImageStatus s, std::string why) {
        info.status = s;
        info.reason = std::move(why);
        return info;
    };
    if (info.bytes == 0) return fail(ImageStatus::corrupt, "empty file");
    if (info.bytes > limits.max_bytes)
        return fail(ImageStatus::oversized, std::to_string(info.bytes) +
                                                " bytes > data.max_image_bytes " +
                                                std::to_string(limits.max_bytes));
    if (std::string why = parse_header(in, info.bytes, info); !why.empty())
        return fail(ImageStatus::corrupt, why);
    if (info.width <= 0 || info.height <= 0)
        return fail(ImageStatus::corrupt, "zero or negative dimensions in the header");
    const std::int64_t pixels = std::int64_t(info.width) * info.height;
    if (pixels > limits.max_pixels)
        return fail(ImageStatus::oversized,
                    std::to_string(info.width) + "x" + std::to_string(info.height) +
                        " > data.max_image_pixels " + std::to_string(limits.max_pixels));
    if (limits.decode) {
        Bytes all = read_at(in, 0, info.bytes);
        if (info.format == "PNG") {  // before OpenCV, whose libpng prints raw errors on stderr
            std::string why = png_problem(reinterpret_cast<const uint8_t*>(all.data()), all.size());
            if (!why.empty()) return fail(ImageStatus::corrupt, why);
        }
        cv::Mat img;
        try {
            img = cv::imdecode(all, cv::IMREAD_REDUCED_GRAYSCALE_8);
        } catch (const cv::Exception& e) {
            return fail(ImageStatus::corrupt, std::string("decode failed: ") + e.what());
        }
        if (img.empty()) return fail(ImageStatus::corrupt, "OpenCV cannot decode it");
    }
    info.status = ImageStatus::ok;
    return info;
}

}  // namespace mmupt
