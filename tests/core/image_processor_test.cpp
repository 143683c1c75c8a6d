// ImageProcessor: preprocessor_config.json parsing and validation, the refs.json reference
// values (transformers / transformers.js tests), patch order, rescale/normalise arithmetic and
// the torch bridge.
#include "core/image/image_processor.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>

#include "core/image/image_tensors.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

// Expects ConfigError mentioning `field` for this JSON.
void expect_field_error(const std::string& json, const std::string& field) {
    try {
        parse_image_processor_config(json, "test.json");
        ADD_FAILURE() << "accepted: " << json;
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("'" + field + "'"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("test.json"), std::string::npos) << e.what();
    }
}

TEST(ImageProcessorConfig, ReadsTheHubFile) {
    MMUPT_REQUIRE_SHARED_DATA();
    ImageProcessorConfig c =
        load_image_processor_config(test::shared_data_dir() + "/qwen2.5-vl-7b-instruct");
    EXPECT_EQ(c.min_pixels, 3136);
    EXPECT_EQ(c.max_pixels, 12845056);
    EXPECT_EQ(c.patch_size, 14);
    EXPECT_EQ(c.temporal_patch_size, 2);
    EXPECT_EQ(c.merge_size, 2);
    EXPECT_EQ(c.patch_dim(), 1176);
    EXPECT_DOUBLE_EQ(c.image_mean[1], 0.4578275);
    EXPECT_DOUBLE_EQ(c.image_std[2], 0.27577711);
}

TEST(ImageProcessorConfig, SizeFormAndOverrides) {
    auto c = parse_image_processor_config(
        R"({"size": {"shortest_edge": 1000, "longest_edge": 200000}})", "t");
    EXPECT_EQ(c.min_pixels, 1000);
    EXPECT_EQ(c.max_pixels, 200000);
    // Top-level min/max_pixels win over size (transformers' backward compatibility).
    c = parse_image_processor_config(
        R"({"size": {"shortest_edge": 1000, "longest_edge": 200000}, "max_pixels": 300000.0})",
        "t");
    EXPECT_EQ(c.max_pixels, 300000);
    c = parse_image_processor_config("{}", "t");  // class defaults
    EXPECT_EQ(c.min_pixels, 3136);
    EXPECT_EQ(c.max_pixels, 1003520);
    c = parse_image_processor_config(R"({"image_mean": 0.5, "image_std": [1, 2, 4]})", "t");
    EXPECT_EQ(c.image_mean[2], 0.5);
    EXPECT_EQ(c.image_std[2], 4.0);
}

TEST(ImageProcessorConfig, ErrorsNameTheField) {
    expect_field_error(R"({"patch_size": "14"})", "patch_size");
    expect_field_error(R"({"patch_size": 0})", "patch_size");
    expect_field_error(R"({"merge_size": 2.5})", "merge_size");
    expect_field_error(R"({"min_pixels": 5000, "max_pixels": 4000})", "max_pixels");
    expect_field_error(R"({"size": {"shortest_edge": -1}})", "min_pixels");
    expect_field_error(R"({"size": 448})", "size");
    expect_field_error(R"({"image_std": [1, 0, 1]})", "image_std");
    expect_field_error(R"({"image_mean": [1, 2]})", "image_mean");
    expect_field_error(R"({"rescale_factor": 0})", "rescale_factor");
    expect_field_error(R"({"do_normalize": "yes"})", "do_normalize");
    expect_field_error(R"({"do_resize": false})", "do_resize");
    expect_field_error(R"({"resample": 2})", "resample");
    EXPECT_THROW(parse_image_processor_config("{not json", "t"), FormatError);
    EXPECT_THROW(parse_image_processor_config("[1]", "t"), FormatError);
    EXPECT_THROW(load_image_processor_config("/nonexistent/model"), FormatError);
}

RgbImage filled(int w, int h, uint8_t v) {
    RgbImage im(w, h);
    std::fill(im.pixels.begin(), im.pixels.end(), v);
    return im;
}

TEST(ImageProcessor, ReferenceValues) {
    MMUPT_REQUIRE_SHARED_DATA();
    std::ifstream f(test::shared_data_dir() + "/image-processing-refs/refs.json");
    ASSERT_TRUE(f) << "refs.json missing";
    nlohmann::json refs = nlohmann::json::parse(f);
    int checked = 0;
    for (const auto& r : refs) {
        const std::string name = r["name"];
        const auto& exp = r["expected"];
        if (name == "smart_resize_561x278") {
            ImageProcessor p;  // smart_resize defaults of transformers
            ResizedSize s = p.target_size(r["input"]["height"], r["input"]["width"]);
            EXPECT_EQ(s.height, exp["resized_height"].get<int>());
            EXPECT_EQ(s.width, exp["resized_width"].get<int>());
        } else if (name == "random_1024x1024_default_test_processor") {
            ImageProcessorConfig c;
            c.min_pixels = r["input"]["min_pixels"];
            c.max_pixels = r["input"]["max_pixels"];
            RgbImage im(1024, 1024);
            for (size_t i = 0; i < im.pixels.size(); ++i)
                im.pixels[i] = uint8_t(i * 2654435761u >> 24);
            ProcessedImage out = ImageProcessor(c).preprocess(im);
            EXPECT_EQ(out.num_patches, exp["pixel_values_shape"][0].get<int64_t>());
            EXPECT_EQ(out.patch_dim, exp["pixel_values_shape"][1].get<int64_t>());
            for (int k = 0; k < 3; ++k)
                EXPECT_EQ(out.grid_thw[k], exp["image_grid_thw"][k].get<int64_t>());
        } else if (name == "white_224x224_tiny_random_qwen2vl") {
            ProcessedImage out = ImageProcessor().preprocess(filled(224, 224, 255));
            EXPECT_EQ(out.num_patches, exp["pixel_values_shape"][0].get<int64_t>());
            EXPECT_EQ(out.patch_dim, exp["pixel_values_shape"][1].get<int64_t>());
            for (int k = 0; k < 3; ++k)
                EXPECT_EQ(out.grid_thw[k], exp["image_grid_thw"][k].get<int64_t>());
            double mean = std::accumulate(out.pixel_values.begin(), out.pixel_values.end(), 0.0) /
                          double(out.pixel_values.size());
            EXPECT_NEAR(mean, exp["pixel_values_mean"].get<double>(), 1e-6);
        } else if (name == "white_224x224_chat_prompt_length") {
            ProcessedImage out = ImageProcessor().preprocess(filled(224, 224, 255));
            EXPECT_EQ(out.num_patches, exp["pixel_values_shape"][0].get<int64_t>());
            EXPECT_EQ(out.num_tokens, 64);  // 89 ids = 15 prefix + 64 <|image_pad|> + 10
        } else if (name == "axera_qwen2.5-vl-3b_448x448") {
            ProcessedImage out = ImageProcessor().preprocess(filled(448, 448, 128));
            EXPECT_EQ(out.num_tokens, exp["num_image_pad_tokens"].get<int64_t>());
        } else {
            ADD_FAILURE() << "unknown reference entry " << name;
            continue;
        }
        ++checked;
    }
    EXPECT_EQ(checked, 5);
}

TEST(ImageProcessor, RescaleAndNormaliseUseTransformersArithmetic) {
    ImageProcessor p;
    ProcessedImage out = p.to_patches(filled(28, 28, 0));
    // Column 0 is channel R: (float(0 * (1/255)) - float(mean_R)) / float(std_R) in float32.
    const float want0 = (0.0f - float(0.48145466)) / float(0.26862954);
    EXPECT_EQ(out.pixel_values[0], want0);
    out = p.to_patches(filled(28, 28, 200));
    const float x = float(200.0 * (1.0 / 255.0));
    EXPECT_EQ(out.pixel_values[0], (x - float(0.48145466)) / float(0.26862954));
    EXPECT_EQ(out.pixel_values[2 * 392], (x - float(0.40821073)) / float(0.27577711));  // B
}

TEST(ImageProcessor, PatchOrderAndTemporalDuplication) {
    // Encode coordinates in the pixels: R = x, G = y, B = (x + y) % 256, no normalisation.
    ImageProcessorConfig c;
    c.do_rescale = c.do_normalize = false;
    ImageProcessor p(c);
    RgbImage im(56, 84);  // 3 x 2 merged tokens, grid (1, 6, 4)
    for (int y = 0; y < im.height; ++y)
        for (int x = 0; x < im.width; ++x) {
            im.row(y)[3 * x] = uint8_t(x);
            im.row(y)[3 * x + 1] = uint8_t(y);
            im.row(y)[3 * x + 2] = uint8_t((x + y) % 256);
        }
    ProcessedImage out = p.to_patches(im);
    ASSERT_EQ(out.grid_thw, (std::array<int64_t, 3>{1, 6, 4}));
    ASSERT_EQ(out.num_patches, 24);
    EXPECT_EQ(out.num_tokens, 6);
    for (int64_t r = 0; r < out.num_patches; ++r) {
        // Row r = ((bh * 2 + bw) * 2 + mh) * 2 + mw over a (3, 2) grid of 2x2 blocks.
        const int64_t block = r / 4, mh = (r / 2) % 2, mw = r % 2;
        const int64_t bh = block / 2, bw = block % 2;
        const int64_t y0 = (bh * 2 + mh) * 14, x0 = (bw * 2 + mw) * 14;
        const float* row = &out.pixel_values[size_t(r * 1176)];
        for (int ch = 0; ch < 3; ++ch)
            for (int t = 0; t < 2; ++t)
                for (int py = 0; py < 14; ++py)
                    for (int px = 0; px < 14; ++px) {
                        const float v = row[((ch * 2 + t) * 14 + py) * 14 + px];
                        const int64_t x = x0 + px, y = y0 + py;
                        const float want = ch == 0 ? x : ch == 1 ? y : (x + y) % 256;
                        ASSERT_EQ(v, want) << "row " << r << " c " << ch << " t " << t;
                    }
    }
    EXPECT_THROW(p.to_patches(RgbImage(56, 70)), DataError);  // 70 is not a multiple of 28
}

TEST(ImageProcessor, PreprocessFileNamesTheFileInErrors) {
    const std::string quad = test::source_dir() + "/tests/data/image_decoder/quad.png";  // 32x16
    try {
        ImageProcessor().preprocess_file(quad);
        ADD_FAILURE() << "a 16-pixel-high image was accepted";
    } catch (const DataError& e) {
        EXPECT_NE(std::string(e.what()).find(quad), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("too small"), std::string::npos) << e.what();
    }
    ImageProcessorConfig c;
    c.min_pixels = 16;  // factor 28 still applies: sides below 28 are refused whatever min is
    EXPECT_THROW(ImageProcessor(c).preprocess_file(quad), DataError);
}

TEST(ImageProcessor, TensorsConcatenateImagesInOrder) {
    ImageProcessor p;
    ProcessedImage a = p.preprocess(filled(56, 56, 10)), b = p.preprocess(filled(84, 56, 250));
    VisionInputs v = to_vision_inputs({a, b});
    ASSERT_EQ(v.pixel_values.sizes(), (std::vector<int64_t>{a.num_patches + b.num_patches, 1176}));
    EXPECT_EQ(v.pixel_values.scalar_type(), torch::kFloat32);
    EXPECT_EQ(v.image_grid_thw.scalar_type(), torch::kInt64);
    EXPECT_TRUE(torch::equal(v.image_grid_thw,
                             torch::tensor({1, 4, 4, 1, 4, 6}, torch::kInt64).view({2, 3})));
    EXPECT_EQ(v.pixel_values[0][0].item<float>(), a.pixel_values[0]);
    EXPECT_EQ(v.pixel_values[a.num_patches][5].item<float>(), b.pixel_values[5]);
    EXPECT_THROW(to_vision_inputs({}), DataError);
}

}  // namespace
}  // namespace mmupt
