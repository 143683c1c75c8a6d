// The PNG integrity check before OpenCV (core/image/png_check.h) and the one image-size limit
// (data.max_image_pixels) shared by `mmupt data` and training: corrupt PNGs give one DataError
// naming the file and no raw "libpng error:" line on stderr (issue 11, item 6).
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/config/run_config.h"
#include "core/data/image_check.h"
#include "core/image/image_decoder.h"
#include "core/image/png_check.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

using Bytes = std::vector<uint8_t>;

void put32(Bytes& b, uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(uint8_t(v >> s));
}

void chunk(Bytes& out, const char* type, const Bytes& body) {
    put32(out, uint32_t(body.size()));
    Bytes typed(type, type + 4);
    typed.insert(typed.end(), body.begin(), body.end());
    out.insert(out.end(), typed.begin(), typed.end());
    put32(out, uint32_t(crc32(0L, typed.data(), uInt(typed.size()))));
}

// An 8-bit RGB PNG of w x h whose rows are filtered with `filter`; `spoil` edits the zlib stream.
Bytes make_png(uint32_t w, uint32_t h, uint8_t filter = 0, void (*spoil)(Bytes&) = nullptr) {
    Bytes raw;
    for (uint32_t y = 0; y < h; ++y) {
        raw.push_back(filter);
        for (uint32_t x = 0; x < w * 3; ++x) raw.push_back(uint8_t(x * 7 + y));
    }
    uLongf n = compressBound(uLong(raw.size()));
    Bytes z(n);
    compress(z.data(), &n, raw.data(), uLong(raw.size()));
    z.resize(n);
    if (spoil) spoil(z);
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    Bytes ihdr;
    put32(ihdr, w);
    put32(ihdr, h);
    for (uint8_t v : {8, 2, 0, 0, 0}) ihdr.push_back(v);
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", z);
    chunk(png, "IEND", {});
    return png;
}

std::string problem(const Bytes& b) { return png_problem(b.data(), b.size()); }

TEST(PngCheck, SoundPngPasses) {
    EXPECT_EQ(problem(make_png(13, 7)), "");
    EXPECT_EQ(decode_image(make_png(13, 7), "ok.png").width, 13);
}

TEST(PngCheck, EachKindOfCorruptionIsNamed) {
    Bytes crc = make_png(16, 16);
    crc[45] ^= 0x40;  // inside the IDAT data: its CRC no longer matches
    EXPECT_NE(problem(crc).find("'IDAT' at byte 33 fails its CRC check"), std::string::npos)
        << problem(crc);
    // Spoiled deflate data (CRC recomputed): zlib's complaint, or too little data.
    EXPECT_FALSE(problem(make_png(16, 16, 0, [](Bytes& z) { z[4] ^= 0x55; })).empty());
    EXPECT_NE(problem(make_png(16, 16, 0, [](Bytes& z) { z[0] = 0x00; })).find("zlib"),
              std::string::npos);
    EXPECT_NE(problem(make_png(16, 16, 9)).find("invalid filter type 9"), std::string::npos);
    EXPECT_NE(
        problem(make_png(16, 16, 0, [](Bytes& z) { z.resize(z.size() / 2); })).find("ends early"),
        std::string::npos);
    Bytes cut = make_png(16, 16);
    cut.resize(cut.size() - 20);
    EXPECT_NE(problem(cut).find("truncated"), std::string::npos) << problem(cut);
}

// libpng's default error handler (OpenCV installs no other) printed "libpng error: ..." before.
TEST(PngCheck, DecoderGivesOneMessageAndNothingOnStderr) {
    for (uint8_t filter : {0, 9}) {
        void (*spoil)(Bytes&) = nullptr;
        if (filter == 0) spoil = [](Bytes& z) { z[0] = 0x00; };  // not a zlib header
        Bytes bad = make_png(16, 16, filter, spoil);
        testing::internal::CaptureStderr();
        std::string what;
        try {
            decode_image(bad, "photo.png");
        } catch (const DataError& e) {
            what = e.what();
        }
        const std::string err = testing::internal::GetCapturedStderr();
        EXPECT_NE(what.find("photo.png"), std::string::npos) << what;
        EXPECT_EQ(err.find("libpng"), std::string::npos) << err;
    }
}

// One limit: the decoder's default is data.max_image_pixels' default, and its message names the
// key (it named an internal DecodeOptions::max_pixels, and `data` accepted 89.5M-100M pixel
// images that training then dropped).
TEST(ImageLimit, DataAndTrainingShareOneNamedLimit) {
    EXPECT_EQ(DecodeOptions{}.max_pixels, DataConfig{}.max_image_pixels);
    EXPECT_EQ(ImageLimits{}.max_pixels, DataConfig{}.max_image_pixels);
    DecodeOptions small;
    small.max_pixels = 100;
    try {
        decode_image(make_png(11, 10), "big.png", small);
        ADD_FAILURE() << "over the limit but accepted";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("data.max_image_pixels"), std::string::npos)
            << e.what();
        EXPECT_EQ(std::string(e.what()).find("DecodeOptions"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace mmupt
