// Parity with Pillow + numpy (tests/reference/pillow_preprocess.py), fast subset: generated edge
// cases with pixel_values, and all 48 shared sample images on resized pixels and grids (with
// pixel_values for 6 of them). tests/core/slow/image_parity_full_test.cpp compares everything.
// Thresholds (docs/image_processing.md): >= 99.9% identical bytes, never > 1 level, pv <= 1e-6.
#include <algorithm>
#include <iterator>

#include "tests/core/image_parity.h"

namespace mmupt {
namespace {

TEST(ImageParity, GeneratedEdgeCases) {
    MMUPT_REQUIRE_PILLOW();
    std::vector<std::string> images = test::make_edge_cases(), cmyk;
    ASSERT_GE(images.size(), 25u);
    auto is_cmyk = [](const std::string& p) { return p.find("cmyk") != std::string::npos; };
    std::copy_if(images.begin(), images.end(), std::back_inserter(cmyk), is_cmyk);
    images.erase(std::remove_if(images.begin(), images.end(), is_cmyk), images.end());
    // Script and processor defaults agree: min 3136, max 1003520 (the huge image is shrunk).
    test::ParityStats s = test::compare_with_pillow(images, ImageProcessor(), "", true);
    s.print("edge cases");
    EXPECT_EQ(s.rejected, 2);  // 20x20 (too small) and 6000x29 (aspect ratio 207)
    test::expect_parity(s);

    // Known departure: OpenCV converts CMYK JPEGs to RGB itself with a >> 8 approximation where
    // Pillow divides by 255, so bytes may differ by up to 2 levels (docs/image_processing.md).
    ASSERT_EQ(cmyk.size(), 1u);
    test::ParityStats c = test::compare_with_pillow(cmyk, ImageProcessor(), "", false, 2);
    c.print("CMYK JPEG (known departure)");
    EXPECT_LE(c.u8_max_diff, 2);
}

TEST(ImageParity, SampleImagesHubConfig) {
    MMUPT_REQUIRE_SHARED_DATA();
    MMUPT_REQUIRE_PILLOW();
    const std::string shared = test::shared_data_dir();
    const std::string config = shared + "/qwen2.5-vl-7b-instruct/preprocessor_config.json";
    ImageProcessor processor = ImageProcessor::from_pretrained(config);
    std::vector<std::string> images = test::sample_images(shared);
    ASSERT_EQ(images.size(), 48u);
    std::vector<std::string> head(images.begin(), images.begin() + 6);
    std::vector<std::string> rest(images.begin() + 6, images.end());
    test::ParityStats a = test::compare_with_pillow(head, processor, "--config '" + config + "'",
                                                    /*pixel_values=*/true);
    a.print("samples 1-6, Hub config");
    test::expect_parity(a);
    test::ParityStats b = test::compare_with_pillow(rest, processor, "--config '" + config + "'",
                                                    /*pixel_values=*/false);
    b.print("samples 7-48, Hub config");
    test::expect_parity(b);
}

}  // namespace
}  // namespace mmupt
