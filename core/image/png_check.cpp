// PNG integrity check (see png_check.h). Raw image data layout (PNG spec §7-8): per row one
// filter byte (0..4) and ceil(width * channels * bit_depth / 8) bytes; Adam7 stores 7 sub-images.
#include "core/image/png_check.h"

#include <zlib.h>

#include <array>
#include <memory>
#include <vector>

namespace mmupt {
namespace {

uint32_t be32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

struct Pass {
    uint64_t rows = 0, row_bytes = 0;  // row_bytes without the filter byte
};

std::vector<Pass> passes(uint32_t w, uint32_t h, int bit_depth, int color_type, bool interlaced) {
    int channels = 1;
    if (color_type == 2) channels = 3;
    if (color_type == 4) channels = 2;
    if (color_type == 6) channels = 4;
    const uint64_t bits = uint64_t(channels) * uint64_t(bit_depth);
    auto pass = [&](uint64_t pw, uint64_t ph) { return Pass{ph, (pw * bits + 7) / 8}; };
    if (!interlaced) return {pass(w, h)};
    static const std::array<int, 7> x0 = {0, 4, 0, 2, 0, 1, 0}, y0 = {0, 0, 4, 0, 2, 0, 1},
                                    dx = {8, 8, 4, 4, 2, 2, 1}, dy = {8, 8, 8, 4, 4, 2, 2};
    std::vector<Pass> out;
    for (int p = 0; p < 7; ++p) {
        uint64_t pw = w > uint32_t(x0[p]) ? (w - x0[p] + dx[p] - 1) / dx[p] : 0;
        uint64_t ph = h > uint32_t(y0[p]) ? (h - y0[p] + dy[p] - 1) / dy[p] : 0;
        if (pw > 0 && ph > 0) out.push_back(pass(pw, ph));
    }
    return out;
}

// Inflates the image stream and checks its length and every row's filter byte.
class ImageStream {
  public:
    explicit ImageStream(std::vector<Pass> p) : passes_(std::move(p)) {
        for (const Pass& q : passes_) expected_ += q.rows * (q.row_bytes + 1);
        ok_ = inflateInit(&z_) == Z_OK;
        if (!ok_) problem_ = "zlib unavailable";
    }
    ~ImageStream() { inflateEnd(&z_); }

    // Feeds one IDAT chunk; false (with problem()) on corrupt data.
    bool feed(const uint8_t* data, size_t size) {
        if (!ok_ || done_) return ok_;
        z_.next_in = const_cast<Bytef*>(data);
        z_.avail_in = static_cast<uInt>(size);
        while (z_.avail_in > 0 && !done_) {
            std::array<uint8_t, 1 << 15> out;
            z_.next_out = out.data();
            z_.avail_out = out.size();
            const int rc = inflate(&z_, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
                return fail(std::string("PNG image data is corrupt (zlib: ") +
                            (z_.msg ? z_.msg : "error") + ")");
            if (!filters(out.data(), out.size() - z_.avail_out)) return false;
            done_ = rc == Z_STREAM_END;
            if (rc == Z_BUF_ERROR && z_.avail_out != 0) break;
        }
        return true;
    }
    // After the last IDAT: enough data for every row?
    bool finish() {
        if (ok_ && produced_ < expected_)
            return fail("PNG image data ends early (" + std::to_string(produced_) + " of " +
                        std::to_string(expected_) + " bytes; truncated or corrupt file)");
        return ok_;
    }
    const std::string& problem() const { return problem_; }

  private:
    bool fail(std::string why) {
        ok_ = false;
        problem_ = std::move(why);
        return false;
    }
    // Checks the filter bytes that fall in out[0, n), the stream bytes [produced_, produced_+n).
    bool filters(const uint8_t* out, size_t n) {
        const uint64_t start = produced_;
        produced_ += n;
        while (pass_ < passes_.size() && next_filter_ < produced_) {
            if (out[next_filter_ - start] > 4)
                return fail("PNG row " + std::to_string(row_) + " has an invalid filter type " +
                            std::to_string(out[next_filter_ - start]) + " (corrupt image data)");
            next_filter_ += passes_[pass_].row_bytes + 1;
            if (++row_ == passes_[pass_].rows) {
                row_ = 0;
                ++pass_;
            }
        }
        return true;
    }

    std::vector<Pass> passes_;
    z_stream z_{};
    bool ok_ = false, done_ = false;
    uint64_t expected_ = 0, produced_ = 0, next_filter_ = 0, row_ = 0;
    size_t pass_ = 0;
    std::string problem_;
};

}  // namespace

std::string png_problem(const uint8_t* data, size_t size) {
    if (size < 8 + 25) return "PNG too short for its header";
    size_t pos = 8;
    bool seen_ihdr = false, seen_idat = false, seen_iend = false, seen_plte = false;
    bool palette = false;
    std::unique_ptr<ImageStream> stream;
    while (pos < size && !seen_iend) {
        if (size - pos < 12) return "truncated PNG (a chunk header runs past the end of the file)";
        const uint32_t len = be32(data + pos);
        const uint8_t* type = data + pos + 4;
        const std::string name(reinterpret_cast<const char*>(type), 4);
        if (len > size - pos - 12)
            return "truncated PNG (chunk '" + name + "' at byte " + std::to_string(pos) +
                   " runs past the end of the file)";
        const uint8_t* body = data + pos + 8;
        const bool critical = (type[0] & 0x20) == 0;
        if (critical) {
            const uint32_t crc = static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), type, len + 4));
            if (crc != be32(body + len))
                return "PNG chunk '" + name + "' at byte " + std::to_string(pos) +
                       " fails its CRC check (corrupt file)";
        }
        if (name == "IHDR") {
            if (len != 13) return "PNG IHDR chunk has the wrong length";
            const int depth = body[8], color = body[9];
            const bool depth_ok =
                (color == 0 &&
                 (depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16)) ||
                (color == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8)) ||
                ((color == 2 || color == 4 || color == 6) && (depth == 8 || depth == 16));
            if (!depth_ok)
                return "PNG IHDR has an invalid bit depth " + std::to_string(depth) +
                       " for colour type " + std::to_string(color);
            if (body[10] != 0 || body[11] != 0 || body[12] > 1)
                return "PNG IHDR has an unknown compression, filter or interlace method";
            palette = color == 3;
            seen_ihdr = true;
            stream = std::make_unique<ImageStream>(
                passes(be32(body), be32(body + 4), body[8], body[9], body[12] == 1));
        } else if (name == "IDAT") {
            if (!seen_ihdr) return "PNG image data before the IHDR header";
            if (palette && !seen_plte) return "palette PNG without a PLTE chunk before its data";
            seen_idat = true;
            if (!stream->feed(body, len)) return stream->problem();
        } else if (name == "PLTE") {
            seen_plte = true;
        } else if (name == "IEND") {
            seen_iend = true;
        }
        pos += size_t(len) + 12;
    }
    if (!seen_ihdr) return "PNG without an IHDR header";
    if (!seen_idat) return "PNG without image data (no IDAT chunk)";
    if (!stream->finish()) return stream->problem();
    return "";
}

}  // namespace mmupt
