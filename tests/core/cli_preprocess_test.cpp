// `mmupt preprocess`: the file it writes holds exactly the library's pixel_values and
// image_grid_thw, it prints the grid, honours --max-pixels, and maps errors to exit codes
// (1: a bad image, 2: usage).
#include <gtest/gtest.h>

#include <string>

#include "core/image/image_decoder.h"
#include "core/image/image_processor.h"
#include "core/image/image_tensors.h"
#include "core/io/safetensors_torch.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

std::string quoted(const std::string& s) { return "'" + s + "'"; }

TEST(CliPreprocess, WritesTheLibrarysTensors) {
    MMUPT_REQUIRE_SHARED_DATA();
    const std::string model = test::shared_data_dir() + "/qwen2.5-vl-7b-instruct";
    const std::string image = test::shared_data_dir() + "/vqa-samples/images/mathv_11.jpg";
    const std::string out = test::temp_dir("preprocess") + "/out.safetensors";
    auto r = test::run_command(test::cli_path() + " preprocess --processor " + quoted(model) +
                               " --image " + quoted(image) + " --out " + quoted(out));
    ASSERT_EQ(r.exit_code, 0) << r.out;

    ProcessedImage want =
        ImageProcessor::from_pretrained(model).preprocess(decode_image_file(image));
    VisionInputs v = to_vision_inputs({want});
    TensorMap got = load_safetensors(out);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got.at("pixel_values").scalar_type(), torch::kFloat32);
    EXPECT_EQ(got.at("image_grid_thw").scalar_type(), torch::kInt64);
    EXPECT_TRUE(torch::equal(got.at("pixel_values"), v.pixel_values));
    EXPECT_TRUE(torch::equal(got.at("image_grid_thw"), v.image_grid_thw));
    const std::string grid = "image_grid_thw [1, " + std::to_string(want.grid_thw[1]) + ", " +
                             std::to_string(want.grid_thw[2]) + "]";
    EXPECT_NE(r.out.find(grid), std::string::npos) << r.out;

    auto small = test::run_command(test::cli_path() + " preprocess --processor " + quoted(model) +
                                   " --image " + quoted(image) + " --out " + quoted(out) +
                                   " --max-pixels 3136 --min-pixels 3136");
    ASSERT_EQ(small.exit_code, 0) << small.out;
    TensorMap tiny = load_safetensors(out);
    EXPECT_LE(tiny.at("pixel_values").size(0) * 14 * 14, 3136);
}

TEST(CliPreprocess, ErrorsBecomeExitCodes) {
    const std::string dir = test::temp_dir("preprocess-err");
    const std::string img = test::source_dir() + "/tests/data/image_decoder/";
    const std::string cfg =
        test::source_dir() + "/tests/data/image_decoder/../";  // no config there
    // Usage: --out missing.
    auto usage = test::run_command(test::cli_path() + " preprocess --processor x --image y 2>&1");
    EXPECT_EQ(usage.exit_code, 2) << usage.out;
    // Missing config file: runtime error naming it.
    auto nocfg = test::run_command(test::cli_path() + " preprocess --processor " + quoted(dir) +
                                   " --image " + quoted(img + "quad.png") + " --out " +
                                   quoted(dir + "/o.safetensors") + " 2>&1");
    EXPECT_EQ(nocfg.exit_code, 1) << nocfg.out;
    EXPECT_NE(nocfg.out.find("preprocessor_config.json"), std::string::npos) << nocfg.out;
    // A 32x16 image is below the 28-pixel minimum side; a truncated JPEG is refused.
    std::string write_cfg = "printf '{}' > " + quoted(dir + "/preprocessor_config.json");
    ASSERT_EQ(test::run_command(write_cfg).exit_code, 0);
    for (const char* bad : {"quad.png", "truncated.jpg"}) {
        auto r = test::run_command(test::cli_path() + " preprocess --processor " + quoted(dir) +
                                   " --image " + quoted(img + bad) + " --out " +
                                   quoted(dir + "/o.safetensors") + " 2>&1");
        EXPECT_EQ(r.exit_code, 1) << bad << ": " << r.out;
        EXPECT_NE(r.out.find(bad), std::string::npos) << r.out;
    }
    (void)cfg;
}

}  // namespace
}  // namespace mmupt
