// ProcessedImage -> torch tensors: one contiguous copy of all rows, grids as int64.
#include "core/image/image_tensors.h"

#include <cstring>

#include "core/util/errors.h"

namespace mmupt {

VisionInputs to_vision_inputs(const std::vector<ProcessedImage>& images) {
    if (images.empty()) throw DataError("to_vision_inputs: no images");
    const int64_t dim = images.front().patch_dim;
    int64_t rows = 0;
    for (const auto& im : images) {
        if (im.patch_dim != dim || int64_t(im.pixel_values.size()) != im.num_patches * dim)
            throw DataError("to_vision_inputs: images disagree on patch size (" +
                            std::to_string(im.patch_dim) + " vs " + std::to_string(dim) + ")");
        rows += im.num_patches;
    }
    VisionInputs out;
    out.pixel_values = torch::empty({rows, dim}, torch::kFloat32);                  // (N, D)
    out.image_grid_thw = torch::empty({int64_t(images.size()), 3}, torch::kInt64);  // (n, 3)
    float* dst = out.pixel_values.data_ptr<float>();
    int64_t* grid = out.image_grid_thw.data_ptr<int64_t>();
    for (const auto& im : images) {
        std::memcpy(dst, im.pixel_values.data(), im.pixel_values.size() * sizeof(float));
        dst += im.pixel_values.size();
        for (int k = 0; k < 3; ++k) *grid++ = im.grid_thw[k];
    }
    return out;
}

}  // namespace mmupt
