// check_image: header dimensions per format, truncation / garbage / unsupported formats detected,
// size and pixel limits, decode mode. Uses tests/data/images and damaged copies in a temp dir.
#include "core/data/image_check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

std::string image(const std::string& name) {
    return test::source_dir() + "/tests/data/images/" + name;
}

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `bytes` to a fresh file and returns its path.
std::string write_file(const std::string& name, const std::string& bytes) {
    static const std::string dir = test::temp_dir("imgcheck");
    std::string path = dir + "/" + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

TEST(ImageCheck, ReadsDimensionsOfEveryFormat) {
    for (bool decode : {false, true}) {
        for (const char* name : {"tiny.jpg", "tiny.png", "tiny.bmp", "tiny.webp"}) {
            ImageInfo info = check_image(image(name), ImageLimits{1 << 20, 1 << 20, decode});
            EXPECT_EQ(info.status, ImageStatus::ok) << name << ": " << info.reason;
            EXPECT_EQ(info.width, 40) << name;
            EXPECT_EQ(info.height, 30) << name;
            EXPECT_GT(info.bytes, 0) << name;
        }
    }
    EXPECT_EQ(check_image(image("tiny.jpg"), {}).format, "JPEG");
    EXPECT_EQ(check_image(image("tiny.webp"), {}).format, "WEBP");
}

TEST(ImageCheck, DetectsDamage) {
    const std::string jpg = read_all(image("tiny.jpg")), png = read_all(image("tiny.png"));
    struct Case {
        std::string name, bytes, reason;
    };
    std::vector<Case> cases = {
        {"cut.jpg", jpg.substr(0, jpg.size() - 200), "no JPEG end marker"},
        {"head.jpg", jpg.substr(0, 40), "frame header"},
        {"cut.png", png.substr(0, png.size() - 20), "IEND"},
        {"empty.png", "", "empty file"},
        {"text.jpg", "this is not an image at all", "unknown magic bytes"},
        {"anim.gif", read_all(image("tiny.gif")), "unsupported image format (GIF)"},
    };
    for (const auto& c : cases) {
        ImageInfo info = check_image(write_file(c.name, c.bytes), ImageLimits{});
        EXPECT_EQ(info.status, ImageStatus::corrupt) << c.name;
        EXPECT_NE(info.reason.find(c.reason), std::string::npos) << c.name << ": " << info.reason;
    }
    // Intact header and end marker, broken body: only the decode check can tell.
    std::string bad_precision = jpg;
    auto sof = bad_precision.find("\xFF\xC0");
    ASSERT_NE(sof, std::string::npos);
    bad_precision[sof + 4] = 7;  // sample precision 7 bits: libjpeg refuses it
    std::string bad_crc = png;
    auto idat = bad_crc.find("IDAT");
    ASSERT_NE(idat, std::string::npos);
    bad_crc[idat + 6] = static_cast<char>(bad_crc[idat + 6] ^ 0x5A);  // zlib stream scrambled
    for (const auto& [name, bytes] :
         {std::pair{"precision.jpg", bad_precision}, std::pair{"crc.png", bad_crc}}) {
        std::string path = write_file(name, bytes);
        EXPECT_EQ(check_image(path, ImageLimits{1 << 20, 1 << 20, false}).status, ImageStatus::ok)
            << name << " passes the header check";
        ImageInfo info = check_image(path, ImageLimits{1 << 20, 1 << 20, true});
        EXPECT_EQ(info.status, ImageStatus::corrupt) << name;
        // A PNG is checked before OpenCV (png_check.h): the reason names the damage.
        const std::string want =
            std::string(name) == "crc.png" ? "fails its CRC check" : "OpenCV cannot decode it";
        EXPECT_NE(info.reason.find(want), std::string::npos) << name << ": " << info.reason;
    }
}

TEST(ImageCheck, MissingAndOversized) {
    ImageInfo missing = check_image("/nonexistent/dir/x.jpg", {});
    EXPECT_EQ(missing.status, ImageStatus::missing);
    EXPECT_EQ(missing.reason, "no such file");
    EXPECT_EQ(check_image(test::source_dir() + "/tests/data", {}).status, ImageStatus::missing);

    ImageInfo big = check_image(image("tiny.png"), ImageLimits{1 << 20, 40 * 30 - 1, false});
    EXPECT_EQ(big.status, ImageStatus::oversized);
    EXPECT_NE(big.reason.find("40x30"), std::string::npos) << big.reason;
    ImageInfo heavy = check_image(image("tiny.bmp"), ImageLimits{1000, 1 << 20, false});
    EXPECT_EQ(heavy.status, ImageStatus::oversized);
    EXPECT_NE(heavy.reason.find("data.max_image_bytes"), std::string::npos) << heavy.reason;
    EXPECT_STREQ(to_string(ImageStatus::oversized), "oversized");
}

}  // namespace
}  // namespace mmupt
