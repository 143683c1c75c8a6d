// ImageProcessorConfig: the Qwen2-VL image processor settings, read from a model directory's
// preprocessor_config.json (QWEN2-VL.md §1.6), both the min_pixels/max_pixels and the newer
// size {shortest_edge, longest_edge} forms. Only what the slow (PIL) processor uses for still
// images; video settings and the fast (torchvision) path are not modelled. Torch-free.
#pragma once
#include <array>
#include <cstdint>
#include <string>

namespace mmupt {

struct ImageProcessorConfig {
    int patch_size = 14;                  // pixels per patch side
    int temporal_patch_size = 2;          // frames per patch; a still image is repeated to fill it
    int merge_size = 2;                   // patches per merged token side
    int64_t min_pixels = 56 * 56;         // smart_resize bounds, in pixels (class defaults: always
    int64_t max_pixels = 28 * 28 * 1280;  // read the file, Hub files say 3136 / 12845056)
    bool do_rescale = true;
    double rescale_factor = 1.0 / 255.0;  // applied in float64, then cast to float32
    bool do_normalize = true;
    std::array<double, 3> image_mean{0.48145466, 0.4578275, 0.40821073};  // OPENAI_CLIP
    std::array<double, 3> image_std{0.26862954, 0.26130258, 0.27577711};

    int factor() const { return patch_size * merge_size; }  // 28
    int64_t patch_dim() const {                             // 3 * 2 * 14 * 14 = 1176
        return 3 * int64_t(temporal_patch_size) * patch_size * patch_size;
    }
    // Throws ConfigError naming the first invalid field, its value and the accepted range.
    void validate() const;
};

// Parses preprocessor_config.json text; `source` names the file in errors. Top-level
// min_pixels / max_pixels override size.shortest_edge / longest_edge (transformers' backward
// compatibility). Throws FormatError (not JSON / not an object) or ConfigError (a field).
ImageProcessorConfig parse_image_processor_config(const std::string& json_text,
                                                  const std::string& source);

// Reads `path`: a model directory (its preprocessor_config.json) or the file itself.
ImageProcessorConfig load_image_processor_config(const std::string& path);

}  // namespace mmupt
