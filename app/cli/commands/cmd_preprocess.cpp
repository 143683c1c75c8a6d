// `mmupt preprocess`: one image through the Qwen2-VL image processor into a safetensors file
// holding pixel_values (F32, (N, 1176)) and image_grid_thw (I64, (1, 3)); prints the grid.
// For checking the C++ preprocessing against Python and feeding the vision tower offline.
// One image per call; no prompt or tokens (the image token count is printed for reference).
#include <cstdio>
#include <string>
#include <vector>

#include "app/cli/args.h"
#include "app/cli/command.h"
#include "core/image/image_decoder.h"
#include "core/image/image_processor.h"
#include "core/image/image_tensors.h"
#include "core/io/safetensors_writer.h"
#include "core/util/errors.h"

namespace mmupt::cli {
namespace {

int run_preprocess(const std::vector<std::string>& args) {
    ArgParser p("preprocess",
                "Run the Qwen2-VL image processor on one image and save pixel_values and "
                "image_grid_thw to a .safetensors file.");
    p.option("--processor", "DIR", "model directory with preprocessor_config.json (or the file)")
        .option("--image", "PATH", "image file: JPEG, PNG, WebP or BMP (detected by content)")
        .option("--out", "FILE", "output .safetensors file")
        .option("--min-pixels", "N", "override the config's min_pixels")
        .option("--max-pixels", "N", "override the config's max_pixels")
        .option("--max-image-pixels", "N", "refuse larger images before decoding", "100000000");
    p.parse(args);
    for (const char* required : {"--processor", "--image", "--out"})
        if (!p.has(required)) throw UsageError(std::string(required) + " is required");

    ImageProcessorConfig config = load_image_processor_config(p.get("--processor"));
    if (p.has("--min-pixels")) config.min_pixels = p.get_int("--min-pixels");
    if (p.has("--max-pixels")) config.max_pixels = p.get_int("--max-pixels");
    const ImageProcessor processor(config);  // validates: ConfigError names the field
    DecodeOptions decode;
    decode.max_pixels = p.get_int("--max-image-pixels");
    decode.limit_name = "--max-image-pixels";

    const RgbImage image = decode_image_file(p.get("--image"), decode);
    RgbImage resized;
    ProcessedImage processed;
    try {
        resized = processor.resize(image);
        processed = processor.to_patches(resized);
    } catch (const DataError& e) {  // size / aspect errors do not know the file: name it
        throw DataError(p.get("--image") + ": " + e.what());
    }
    const VisionInputs v = to_vision_inputs({processed});
    save_safetensors(p.get("--out"), NamedTensors{{"pixel_values", v.pixel_values},
                                                  {"image_grid_thw", v.image_grid_thw}});
    const auto& g = processed.grid_thw;
    std::printf(
        "image %dx%d (HxW) -> resized %dx%d\n"
        "image_grid_thw [%lld, %lld, %lld]\n"
        "pixel_values [%lld, %lld] float32, %lld image tokens\n",
        image.height, image.width, resized.height, resized.width, (long long)g[0], (long long)g[1],
        (long long)g[2], (long long)processed.num_patches, (long long)processed.patch_dim,
        (long long)processed.num_tokens);
    return 0;
}

}  // namespace

MMUPT_COMMAND("preprocess", "run the image processor on one image, save its tensors",
              &run_preprocess);

}  // namespace mmupt::cli
