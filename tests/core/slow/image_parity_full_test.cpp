// Full parity with Pillow + numpy: all 48 shared sample images, pixel_values included, under the
// Hub config (mostly small resamplings) and under max_pixels = 200704 (strong antialiased
// shrinking). Writes several hundred MB of reference tensors to the temp dir, hence `slow`.
#include "tests/core/image_parity.h"

namespace mmupt {
namespace {

TEST(ImageParityFull, AllSampleImagesTwoConfigs) {
    MMUPT_REQUIRE_SHARED_DATA();
    MMUPT_REQUIRE_PILLOW();
    const std::string shared = test::shared_data_dir();
    const std::string config = shared + "/qwen2.5-vl-7b-instruct/preprocessor_config.json";
    std::vector<std::string> images = test::sample_images(shared);
    ASSERT_EQ(images.size(), 48u);

    ImageProcessor hub = ImageProcessor::from_pretrained(config);
    test::ParityStats a = test::compare_with_pillow(images, hub, "--config '" + config + "'", true);
    a.print("48 samples, Hub config");
    test::expect_parity(a);

    ImageProcessorConfig small = load_image_processor_config(config);
    small.max_pixels = 28 * 28 * 256;  // 200704: every large sample is shrunk
    test::ParityStats b = test::compare_with_pillow(
        images, ImageProcessor(small), "--config '" + config + "' --max-pixels 200704", true);
    b.print("48 samples, max_pixels 200704");
    test::expect_parity(b);
}

}  // namespace
}  // namespace mmupt
