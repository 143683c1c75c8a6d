// Index bookkeeping for the vision tower, computed on the host from image grids (t, h, w in
// patches): per-patch (y, x) rotary coordinates, per-slice segments (`cu_seqlens`) and the
// Qwen2.5-VL window permutation (`window_index`, `cu_window_seqlens`; QWEN2-VL.md §3.2-3.6).
// Torch-free and allocation-light; it does not touch pixels or features.
#pragma once
#include <array>
#include <cstdint>
#include <vector>

namespace mmupt {

using GridThw = std::array<int64_t, 3>;  // (t, h, w) in patches

struct VisionLayout {
    std::vector<int64_t> pos_y, pos_x;       // (N) patch row / column of every patch row
    std::vector<int64_t> cu_seqlens;         // (segments + 1) one segment per temporal slice
    std::vector<int64_t> window_index;       // (M) merged-token permutation (2.5; else identity)
    std::vector<int64_t> cu_window_seqlens;  // (windows + 1) in patches, empty windows dropped
    int64_t num_patches = 0;                 // N
    int64_t num_merged = 0;                  // M = N / merge^2
};

// Throws ModelError when a grid is non-positive or h / w is not divisible by `merge`.
// `window_merged` = window_size / patch / merge merged tokens per window side; 0 disables windows.
VisionLayout make_vision_layout(const std::vector<GridThw>& grids, int64_t merge,
                                int64_t window_merged);

}  // namespace mmupt
