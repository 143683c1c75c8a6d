// ImageProcessor: one decoded RGB image -> the vision tower's inputs, as transformers' slow
// Qwen2VLImageProcessor makes them (QWEN2-VL.md §5): smart_resize, Pillow bicubic, rescale,
// CLIP normalisation, the still image repeated to temporal_patch_size frames, patches flattened
// in (t, h/m, w/m, mh, mw) x (c, tp, py, px) order. Plain buffers; image_tensors.h makes tensors.
// Not here: video frames, batching several images (concatenate rows; see image_tensors.h).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/image/image_decoder.h"
#include "core/image/image_processor_config.h"
#include "core/image/rgb_image.h"
#include "core/image/smart_resize.h"

namespace mmupt {

// Shape letters: N patches (t * gh * gw), D = patch_dim = 3 * tp * p * p (1176).
struct ProcessedImage {
    std::vector<float> pixel_values;    // (N, D) row-major
    int64_t num_patches = 0;            // N
    int64_t patch_dim = 0;              // D
    std::array<int64_t, 3> grid_thw{};  // (t, gh, gw): frames / tp, height / p, width / p
    int64_t num_tokens = 0;             // N / merge_size^2: <|image_pad|> tokens for the prompt
};

class ImageProcessor {
  public:
    explicit ImageProcessor(ImageProcessorConfig config = {});  // validates; ConfigError
    // Loads `path`/preprocessor_config.json (or `path` itself when it is a file).
    static ImageProcessor from_pretrained(const std::string& path);

    const ImageProcessorConfig& config() const { return config_; }

    // The smart_resize target for an image of this size; DataError for too small / too thin.
    ResizedSize target_size(int height, int width) const;
    // Step 1: resize to target_size with Pillow-exact bicubic (a copy when already that size).
    RgbImage resize(const RgbImage& image) const;
    // Step 2: rescale, normalise, repeat the frame, flatten. Sides must be multiples of
    // factor() (DataError otherwise).
    ProcessedImage to_patches(const RgbImage& resized) const;
    // resize + to_patches. Thread-safe (const, no shared state).
    ProcessedImage preprocess(const RgbImage& image) const;
    // decode_image_file + preprocess; every DataError (unreadable, too small...) names `path`.
    ProcessedImage preprocess_file(const std::string& path,
                                   const DecodeOptions& options = {}) const;

  private:
    ImageProcessorConfig config_;
    std::array<std::array<float, 256>, 3> lut_{};  // per channel: byte -> normalised float
};

}  // namespace mmupt
