// Qwen2-VL image preprocessing on plain buffers. Rescale and normalise are a per-channel lookup
// table built with transformers' exact arithmetic: float64 multiply by rescale_factor, cast to
// float32, then (x - mean) / std in float32 with mean/std cast to float32 (numpy's order).
#include "core/image/image_processor.h"

#include "core/image/pillow_resize.h"
#include "core/util/errors.h"

namespace mmupt {

ImageProcessor::ImageProcessor(ImageProcessorConfig config) : config_(config) {
    config_.validate();
    for (int c = 0; c < 3; ++c) {
        const float mean = float(config_.image_mean[c]), std_dev = float(config_.image_std[c]);
        for (int v = 0; v < 256; ++v) {
            float x = config_.do_rescale ? float(double(v) * config_.rescale_factor) : float(v);
            if (config_.do_normalize) x = (x - mean) / std_dev;
            lut_[c][v] = x;
        }
    }
}

ImageProcessor ImageProcessor::from_pretrained(const std::string& path) {
    return ImageProcessor(load_image_processor_config(path));
}

ResizedSize ImageProcessor::target_size(int height, int width) const {
    return smart_resize(height, width, config_.factor(), config_.min_pixels, config_.max_pixels);
}

RgbImage ImageProcessor::resize(const RgbImage& image) const {
    const ResizedSize s = target_size(image.height, image.width);
    return resize_bicubic_pillow(image, s.width, s.height);
}

ProcessedImage ImageProcessor::to_patches(const RgbImage& img) const {
    const int p = config_.patch_size, m = config_.merge_size, tp = config_.temporal_patch_size;
    const int f = config_.factor();
    if (img.empty() || img.height % f != 0 || img.width % f != 0)
        throw DataError("image processor: resized image " + std::to_string(img.height) + "x" +
                        std::to_string(img.width) + " (HxW) is not a multiple of " +
                        std::to_string(f) + " on both sides; resize it first");
    ProcessedImage out;
    const int64_t gh = img.height / p, gw = img.width / p;
    out.grid_thw = {1, gh, gw};  // one still image fills exactly one temporal patch
    out.num_patches = gh * gw;
    out.patch_dim = config_.patch_dim();
    out.num_tokens = out.num_patches / (int64_t(m) * m);
    out.pixel_values.resize(size_t(out.num_patches * out.patch_dim));

    float* dst = out.pixel_values.data();
    // Rows: merge blocks row-major, then the m x m patches inside a block (mh, mw).
    for (int64_t bh = 0; bh < gh / m; ++bh)
        for (int64_t bw = 0; bw < gw / m; ++bw)
            for (int mh = 0; mh < m; ++mh)
                for (int mw = 0; mw < m; ++mw) {
                    const int64_t y0 = (bh * m + mh) * p, x0 = (bw * m + mw) * p;
                    // Columns: (c, t, py, px); every frame is the same still image.
                    for (int c = 0; c < 3; ++c) {
                        const float* lut = lut_[c].data();
                        for (int t = 0; t < tp; ++t)
                            for (int py = 0; py < p; ++py) {
                                const uint8_t* src = img.row(int(y0 + py)) + x0 * 3 + c;
                                for (int px = 0; px < p; ++px) *dst++ = lut[src[px * 3]];
                            }
                    }
                }
    return out;
}

ProcessedImage ImageProcessor::preprocess(const RgbImage& image) const {
    return to_patches(resize(image));
}

ProcessedImage ImageProcessor::preprocess_file(const std::string& path,
                                               const DecodeOptions& options) const {
    RgbImage image = decode_image_file(path, options);  // its errors already name the file
    try {
        return preprocess(image);
    } catch (const DataError& e) {
        throw DataError("image '" + path + "': " + e.what());
    }
}

}  // namespace mmupt
