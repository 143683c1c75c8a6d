// Host-side vision index bookkeeping: patch coordinates in the processor's (t, hb, wb, mh, mw)
// row order, per-slice segments, and Qwen2.5-VL's window permutation.
#include "core/model/vision_layout.h"

#include <algorithm>
#include <string>

#include "core/util/errors.h"

namespace mmupt {
namespace {

void check_grid(const GridThw& g, size_t i, int64_t merge) {
    std::string where = "image_grid_thw[" + std::to_string(i) + "] = (" + std::to_string(g[0]) +
                        ", " + std::to_string(g[1]) + ", " + std::to_string(g[2]) + ")";
    if (g[0] <= 0 || g[1] <= 0 || g[2] <= 0)
        throw ModelError(where + ": every grid entry must be positive");
    if (g[1] % merge != 0 || g[2] % merge != 0)
        throw ModelError(where + ": h and w must be divisible by spatial_merge_size " +
                         std::to_string(merge) + " (use the Qwen image processor's smart_resize)");
}

// Appends one image's windows: visit windows row-major, cells row-major inside each window.
void append_windows(const GridThw& g, int64_t merge, int64_t vw, int64_t base, VisionLayout& out) {
    const int64_t lh = g[1] / merge, lw = g[2] / merge;
    // A remainder of 0 pads a whole empty row / column of windows, as transformers does; the
    // empty windows add nothing and are dropped below.
    const int64_t nwh = (lh + vw - lh % vw) / vw, nww = (lw + vw - lw % vw) / vw;
    for (int64_t t = 0; t < g[0]; ++t) {
        for (int64_t wy = 0; wy < nwh; ++wy) {
            for (int64_t wx = 0; wx < nww; ++wx) {
                int64_t count = 0;
                for (int64_t y = wy * vw; y < std::min(lh, (wy + 1) * vw); ++y) {
                    for (int64_t x = wx * vw; x < std::min(lw, (wx + 1) * vw); ++x) {
                        out.window_index.push_back(base + t * lh * lw + y * lw + x);
                        ++count;
                    }
                }
                if (count > 0)
                    out.cu_window_seqlens.push_back(out.cu_window_seqlens.back() +
                                                    count * merge * merge);
            }
        }
    }
}

}  // namespace

VisionLayout make_vision_layout(const std::vector<GridThw>& grids, int64_t merge,
                                int64_t window_merged) {
    VisionLayout out;
    out.cu_seqlens.push_back(0);
    out.cu_window_seqlens.push_back(0);
    for (size_t i = 0; i < grids.size(); ++i) {
        const GridThw& g = grids[i];
        check_grid(g, i, merge);
        const int64_t hb = g[1] / merge, wb = g[2] / merge;
        for (int64_t t = 0; t < g[0]; ++t) {
            for (int64_t by = 0; by < hb; ++by)
                for (int64_t bx = 0; bx < wb; ++bx)
                    for (int64_t my = 0; my < merge; ++my)
                        for (int64_t mx = 0; mx < merge; ++mx) {
                            out.pos_y.push_back(by * merge + my);
                            out.pos_x.push_back(bx * merge + mx);
                        }
            out.cu_seqlens.push_back(out.cu_seqlens.back() + g[1] * g[2]);
        }
        const int64_t base = out.num_merged;
        out.num_patches += g[0] * g[1] * g[2];
        out.num_merged += g[0] * hb * wb;
        if (window_merged > 0) append_windows(g, merge, window_merged, base, out);
    }
    if (window_merged <= 0) {
        for (int64_t m = 0; m < out.num_merged; ++m) out.window_index.push_back(m);
        out.cu_window_seqlens = out.cu_seqlens;
    }
    return out;
}

}  // namespace mmupt
