// The thin bridge from ProcessedImage buffers to libtorch tensors for the vision tower.
// Copies once into CPU tensors; moving them to a device is the caller's choice.
#pragma once
#include <torch/torch.h>

#include <vector>

#include "core/image/image_processor.h"

namespace mmupt {

struct VisionInputs {
    torch::Tensor pixel_values;    // (N, D) float32, N = sum over images of t * gh * gw
    torch::Tensor image_grid_thw;  // (n_images, 3) int64, one (t, gh, gw) row per image
};

// Concatenates images in order (the vision tower splits rows back with image_grid_thw).
// Throws DataError when the list is empty or patch_dims differ.
VisionInputs to_vision_inputs(const std::vector<ProcessedImage>& images);

}  // namespace mmupt
