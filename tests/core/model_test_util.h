// Shared helpers for the model tests: tiny random models (QWEN2-VL.md §1.5 sizes), synthetic
// pixels and prompts built from the tiny config's special ids.
#pragma once
#include <vector>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/model/vlm_model.h"

namespace mmupt::test {

inline VlmModel tiny_model(ModelArch arch, at::ScalarType dtype = at::kFloat, uint64_t seed = 7) {
    VlmModel m(tiny_model_config(arch), ModelOptions{dtype, at::kCPU, false});
    m->randomize_weights(seed, /*std=*/0.2);
    m->eval();
    return m;
}

// (N, 1176) deterministic pseudo-pixels for the given grids.
inline at::Tensor tiny_pixels(const std::vector<GridThw>& grids, uint64_t seed = 3) {
    int64_t n = 0;
    for (const auto& g : grids) n += g[0] * g[1] * g[2];
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    return at::empty({n, 1176}, at::kFloat).normal_(0.0, 1.0, gen);
}

// text_before, <|vision_start|>, pads for one image of `grid`, <|vision_end|>, text_after.
inline std::vector<int64_t> image_prompt(const ModelConfig& c, const std::vector<int64_t>& before,
                                         const GridThw& grid, const std::vector<int64_t>& after) {
    std::vector<int64_t> ids = before;
    ids.push_back(c.vision_start_token_id);
    const int64_t m = c.vision.spatial_merge_size;
    for (int64_t i = 0; i < grid[0] * grid[1] * grid[2] / (m * m); ++i)
        ids.push_back(c.image_token_id);
    ids.push_back(c.vision_end_token_id);
    ids.insert(ids.end(), after.begin(), after.end());
    return ids;
}

inline VlmInputs inputs(const at::Tensor& ids, const at::Tensor& mask = {},
                        const at::Tensor& pixels = {}, const std::vector<GridThw>& grids = {},
                        int64_t rows_per_image_group = 1) {
    VlmInputs in;
    in.input_ids = ids;
    in.attention_mask = mask;
    in.pixel_values = pixels;
    in.image_grids = grids;
    in.rows_per_image_group = rows_per_image_group;
    return in;
}

inline at::Tensor row(const std::vector<int64_t>& ids) {
    return at::tensor(ids, at::TensorOptions().dtype(at::kLong)).view({1, -1});
}

inline double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kFloat) - b.to(at::kFloat)).abs().max().item<double>();
}

}  // namespace mmupt::test
