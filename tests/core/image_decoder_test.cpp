// Image decoding: format by content, header sizes, EXIF orientation, alpha over white, grey and
// 16-bit conversion as Pillow does, and clear DataErrors for damaged, unknown or oversized files.
// Expected pixel values come from Pillow 9.4 (tests/data/image_decoder/make_test_images.py).
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/image/image_decoder.h"
#include "core/image/image_header.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

std::string data(const std::string& name) {
    return test::source_dir() + "/tests/data/image_decoder/" + name;
}

std::vector<uint8_t> bytes_of(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

std::vector<int> pixel(const RgbImage& im, int x, int y) {
    return {im.at(x, y, 0), im.at(x, y, 1), im.at(x, y, 2)};
}

std::vector<int> row_values(const RgbImage& im) {  // all channels of row 0
    return std::vector<int>(im.row(0), im.row(0) + im.width * 3);
}

// Expects a DataError whose message contains the file name and `needle`.
void expect_data_error(const std::string& path, const std::string& needle,
                       const DecodeOptions& options = {}) {
    try {
        decode_image_file(path, options);
        ADD_FAILURE() << path << " decoded; expected an error containing '" << needle << "'";
    } catch (const DataError& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find(path), std::string::npos) << msg;
        EXPECT_NE(msg.find(needle), std::string::npos) << msg;
    }
}

TEST(ImageHeader, SniffsFormatAndSizeFromContent) {
    struct Case {
        const char* file;
        ImageFormat format;
    } cases[] = {{"quad.jpg", ImageFormat::jpeg},
                 {"quad.png", ImageFormat::png},
                 {"quad.webp", ImageFormat::webp},
                 {"quad.bmp", ImageFormat::bmp},
                 {"png_named.jpg", ImageFormat::png}};
    for (const auto& c : cases) {
        auto b = bytes_of(data(c.file));
        ImageHeader h = read_image_header(b.data(), b.size());
        EXPECT_EQ(h.format, c.format) << c.file;
        EXPECT_EQ(h.width, 32) << c.file;
        EXPECT_EQ(h.height, 16) << c.file;
        EXPECT_EQ(h.orientation, 1) << c.file;
        EXPECT_TRUE(h.complete) << c.file;
    }
    auto b = bytes_of(data("quad_orient6.jpg"));
    EXPECT_EQ(read_image_header(b.data(), b.size()).orientation, 6);
    b = bytes_of(data("quad_orient6.png"));
    EXPECT_EQ(read_image_header(b.data(), b.size()).orientation, 6);
    b = bytes_of(data("quad_orient8.webp"));
    EXPECT_EQ(read_image_header(b.data(), b.size()).orientation, 8);
    b = bytes_of(data("truncated.jpg"));
    EXPECT_FALSE(read_image_header(b.data(), b.size()).complete);
    const uint8_t gif[] = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0};
    EXPECT_EQ(read_image_header(gif, sizeof gif).format, ImageFormat::unknown);
    EXPECT_EQ(read_image_header(nullptr, 0).format, ImageFormat::unknown);
}

TEST(ImageHeader, ExifOrientationBothByteOrders) {
    // Minimal TIFF: header, IFD0 with one entry 0x0112 SHORT 1 value.
    const uint8_t le[] = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3,
                          0,   1,   0,  0, 0, 5, 0, 0, 0, 0, 0,    0,    0};
    const uint8_t be[] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0,
                          3,   0,   0, 0,  1, 0, 7, 0, 0, 0, 0,    0,    0};
    EXPECT_EQ(exif_orientation_from_tiff(le, sizeof le), 5);
    EXPECT_EQ(exif_orientation_from_tiff(be, sizeof be), 7);
    EXPECT_EQ(exif_orientation_from_tiff(le, 12), 1);  // entry cut off: treated as absent
    const uint8_t bad_ifd[] = {'I', 'I', 42, 0, 0xFF, 0xFF, 0xFF, 0x7F};
    EXPECT_EQ(exif_orientation_from_tiff(bad_ifd, sizeof bad_ifd), 1);
}

TEST(ImageDecoder, DecodesEveryFormatToTheSameRgb) {
    // Lossless formats hold the exact quadrant colours.
    for (const char* f : {"quad.png", "quad.bmp", "quad.webp", "png_named.jpg"}) {
        RgbImage im = decode_image_file(data(f));
        ASSERT_EQ(im.width, 32) << f;
        ASSERT_EQ(im.height, 16) << f;
        EXPECT_EQ(pixel(im, 0, 0), (std::vector<int>{255, 0, 0})) << f;   // red, top-left
        EXPECT_EQ(pixel(im, 31, 0), (std::vector<int>{0, 255, 0})) << f;  // green
        EXPECT_EQ(pixel(im, 0, 15), (std::vector<int>{0, 0, 255})) << f;  // blue
        EXPECT_EQ(pixel(im, 31, 15), (std::vector<int>{255, 255, 255})) << f;
    }
    RgbImage jpg = decode_image_file(data("quad.jpg"));
    EXPECT_NEAR(jpg.at(0, 0, 0), 255, 3);  // lossy: red stays red
    EXPECT_NEAR(jpg.at(0, 0, 2), 0, 3);
}

TEST(ImageDecoder, MemoryAndPathAgree) {
    auto b = bytes_of(data("quad.jpg"));
    RgbImage a = decode_image(b, "in-memory");
    RgbImage c = decode_image_file(data("quad.jpg"));
    EXPECT_EQ(a.pixels, c.pixels);
}

TEST(ImageDecoder, HonoursExifOrientation) {
    // IMREAD_UNCHANGED ignores EXIF, so the decoder applies it: every oriented copy must equal
    // the plain JPEG transposed (same compressed data, only the tag differs).
    RgbImage plain = decode_image_file(data("quad.jpg"));
    for (int o = 2; o <= 8; ++o) {
        RgbImage im = decode_image_file(data("quad_orient" + std::to_string(o) + ".jpg"));
        RgbImage want = apply_exif_orientation(plain, o);
        EXPECT_EQ(im.width, o >= 5 ? 16 : 32) << o;
        EXPECT_EQ(im.pixels, want.pixels) << "orientation " << o;
    }
    // Orientation 6 = rotate 90 degrees clockwise: blue moves to the top-left (Pillow agrees).
    RgbImage png6 = decode_image_file(data("quad_orient6.png"));
    ASSERT_EQ(png6.width, 16);
    ASSERT_EQ(png6.height, 32);
    EXPECT_EQ(pixel(png6, 0, 0), (std::vector<int>{0, 0, 255}));
    EXPECT_EQ(pixel(png6, 15, 0), (std::vector<int>{255, 0, 0}));
    EXPECT_EQ(pixel(png6, 0, 31), (std::vector<int>{255, 255, 255}));
    // Orientation 8 = 90 degrees counter-clockwise, from a WebP EXIF chunk.
    RgbImage webp8 = decode_image_file(data("quad_orient8.webp"));
    ASSERT_EQ(webp8.width, 16);
    EXPECT_EQ(pixel(webp8, 0, 0), (std::vector<int>{0, 255, 0}));
    EXPECT_EQ(pixel(webp8, 0, 31), (std::vector<int>{255, 0, 0}));
}

TEST(ImageDecoder, OrientationTransformsCompose) {
    RgbImage im(3, 2);
    for (size_t i = 0; i < im.pixels.size(); ++i) im.pixels[i] = uint8_t(i);
    RgbImage r6 = apply_exif_orientation(im, 6), r8 = apply_exif_orientation(im, 8);
    EXPECT_EQ(r6.width, 2);
    EXPECT_EQ(r6.height, 3);
    EXPECT_EQ(pixel(r6, 0, 0), pixel(im, 0, 1));  // bottom-left goes to top-left
    EXPECT_EQ(apply_exif_orientation(r6, 8).pixels, im.pixels);
    EXPECT_EQ(apply_exif_orientation(apply_exif_orientation(im, 3), 3).pixels, im.pixels);
    EXPECT_EQ(apply_exif_orientation(apply_exif_orientation(im, 6), 6).pixels,
              apply_exif_orientation(im, 3).pixels);
    EXPECT_EQ(apply_exif_orientation(apply_exif_orientation(im, 5), 5).pixels, im.pixels);
    EXPECT_EQ(apply_exif_orientation(apply_exif_orientation(im, 7), 7).pixels, im.pixels);
    EXPECT_EQ(apply_exif_orientation(im, 1).pixels, im.pixels);
    EXPECT_EQ(apply_exif_orientation(im, 9).pixels, im.pixels);  // invalid tag: unchanged
    (void)r8;
}

TEST(ImageDecoder, CompositesAlphaOverWhite) {
    EXPECT_EQ(composite_over_white(123, 0), 255);
    EXPECT_EQ(composite_over_white(123, 255), 123);
    EXPECT_EQ(composite_over_white(0, 128), 127);
    EXPECT_EQ(row_values(decode_image_file(data("rgba_4x1.png"))),
              (std::vector<int>{255, 255, 255, 200, 100, 0, 227, 177, 127, 241, 216, 191}));
    EXPECT_EQ(row_values(decode_image_file(data("la_2x1.png"))),
              (std::vector<int>{255, 255, 255, 10, 10, 10}));
    EXPECT_EQ(row_values(decode_image_file(data("palette_trns_3x1.png"))),
              (std::vector<int>{255, 0, 0, 255, 255, 255, 0, 0, 255}));
}

TEST(ImageDecoder, GreyAndSixteenBitFollowPillow) {
    RgbImage g = decode_image_file(data("quad_gray.png"));
    EXPECT_EQ(g.at(0, 0, 0), g.at(0, 0, 1));
    EXPECT_EQ(g.at(0, 0, 1), g.at(0, 0, 2));
    EXPECT_EQ(g.at(0, 0, 0), 76);  // Pillow's L of pure red: 299 * 255 / 1000
    // 16-bit grey opens as Pillow mode "I"; I -> RGB clips at 255.
    EXPECT_EQ(row_values(decode_image_file(data("gray16_6x1.png"))),
              (std::vector<int>{0, 0, 0, 100, 100, 100, 255, 255, 255, 255, 255, 255, 255, 255, 255,
                                255, 255, 255}));
    // 16-bit RGB keeps the high byte.
    EXPECT_EQ(
        row_values(decode_image_file(data("rgb16_6x1.png"))),
        (std::vector<int>{0, 0, 0, 0, 0, 0, 1, 1, 1, 127, 127, 127, 128, 128, 128, 255, 255, 255}));
}

TEST(ImageDecoder, RejectsDamagedAndUnknownFilesNamingThem) {
    expect_data_error(data("truncated.jpg"), "truncated JPEG");
    expect_data_error(data("truncated.png"), "PNG");
    expect_data_error(data("corrupt.webp"), "WebP");
    expect_data_error(data("make_test_images.py"), "not a JPEG, PNG, WebP or BMP");
    expect_data_error(data("no_such_file.png"), "cannot open");
    std::string dir = test::temp_dir("decoder");
    std::ofstream(dir + "/empty.jpg").close();
    expect_data_error(dir + "/empty.jpg", "(empty)");
    auto png = bytes_of(data("quad.png"));
    std::ofstream(dir + "/header_only.png", std::ios::binary)
        .write(reinterpret_cast<const char*>(png.data()), 33);  // signature + IHDR only
    expect_data_error(dir + "/header_only.png", "PNG");
}

TEST(ImageDecoder, PixelLimitIsCheckedFromTheHeader) {
    DecodeOptions small;
    small.max_pixels = 32 * 16 - 1;
    expect_data_error(data("quad.jpg"), "exceeds the limit of 511", small);
    small.max_pixels = 32 * 16;
    EXPECT_NO_THROW(decode_image_file(data("quad.jpg"), small));
    // A PNG header claiming 100000 x 100000 with no pixel data: rejected for its size, which
    // proves the check runs before decoding (decoding would fail as "corrupt" instead).
    auto png = bytes_of(data("quad.png"));
    png.resize(33);
    for (int k : {16, 20}) {
        png[k] = 0, png[k + 1] = 0x01, png[k + 2] = 0x86, png[k + 3] = 0xA0;  // 100000
    }
    try {
        decode_image(png, "bomb.png");
        ADD_FAILURE() << "the oversized header was accepted";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find("100000x100000"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("bomb.png"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace mmupt
