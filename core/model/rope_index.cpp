// 3-D M-RoPE positions (get_rope_index). Text runs advance all three axes together; an image of
// merged grid (gt, gh, gw) starting at base b takes (b + tau(it), b + iy, b + ix), and the text
// after it continues from the largest position used + 1. Videos follow the same rule; for
// Qwen2.5-VL tau = trunc(it * second_per_grid_t * tokens_per_second) (float product truncated;
// equal to transformers' newer int-first form for integral second_per_grid_t).
#include "core/model/rope_index.h"

#include <algorithm>
#include <string>

#include "core/model/families/model_family.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

struct ItemCursor {
    size_t image = 0, video = 0;
};

// Positions of one row's unpadded tokens; appends to `pos3` (3 x n).
void row_positions(const ModelConfig& c, const RopeIndexInputs& in, const std::vector<int64_t>& ids,
                   int64_t row, ItemCursor& cur, std::vector<int64_t> pos3[3]) {
    const int64_t n = static_cast<int64_t>(ids.size());
    const int64_t merge = c.vision.spatial_merge_size;
    int64_t images = 0, videos = 0;
    for (int64_t i = 0; i + 1 < n; ++i) {
        if (ids[i] != c.vision_start_token_id) continue;
        images += ids[i + 1] == c.image_token_id;
        videos += ids[i + 1] == c.video_token_id;
    }
    int64_t st = 0, next = 0;
    auto push = [&](int64_t t, int64_t h, int64_t w) {
        pos3[0].push_back(t), pos3[1].push_back(h), pos3[2].push_back(w);
    };
    while (images + videos > 0) {
        int64_t ed_img = n, ed_vid = n;
        if (images > 0)
            ed_img = std::find(ids.begin() + st, ids.end(), c.image_token_id) - ids.begin();
        if (videos > 0)
            ed_vid = std::find(ids.begin() + st, ids.end(), c.video_token_id) - ids.begin();
        const bool is_image = ed_img <= ed_vid;
        const int64_t ed = is_image ? ed_img : ed_vid;
        const std::vector<GridThw>& grids = is_image ? in.image_grids : in.video_grids;
        size_t& k = is_image ? cur.image : cur.video;
        const char* kind = is_image ? "image" : "video";
        if (k >= grids.size())
            throw ModelError("input_ids row " + std::to_string(row) + " holds more " + kind +
                             "s than the " + std::to_string(grids.size()) + " given " + kind +
                             "_grid_thw rows");
        const GridThw g = grids[k];
        if (g[1] % merge || g[2] % merge || g[0] <= 0)
            throw ModelError(std::string(kind) + " grid " + std::to_string(k) +
                             ": h and w must be divisible by spatial_merge_size");
        const int64_t gt = g[0], gh = g[1] / merge, gw = g[2] / merge;
        const int64_t count = gt * gh * gw;
        const int64_t pad_id = is_image ? c.image_token_id : c.video_token_id;
        if (ed >= n || ed + count > n ||
            std::any_of(ids.begin() + ed, ids.begin() + ed + count,
                        [&](int64_t t) { return t != pad_id; }))
            throw ModelError(std::string(kind) + " " + std::to_string(k) + " (grid " +
                             std::to_string(g[0]) + "x" + std::to_string(g[1]) + "x" +
                             std::to_string(g[2]) + ") needs " + std::to_string(count) +
                             " consecutive placeholder tokens (id " + std::to_string(pad_id) +
                             ") in input_ids row " + std::to_string(row));
        for (int64_t i = 0; i < ed - st; ++i) push(next + i, next + i, next + i);
        const int64_t b = next + (ed - st);
        double scale = 1.0;
        if (model_family(c.arch).scaled_temporal_rope)
            scale = is_image ? 0.0
                             : (k < in.second_per_grid_ts.size() ? in.second_per_grid_ts[k] : 1.0) *
                                   c.vision.tokens_per_second;
        int64_t top = b;
        for (int64_t it = 0; it < gt; ++it) {
            const int64_t tau = model_family(c.arch).scaled_temporal_rope
                                    ? static_cast<int64_t>(static_cast<double>(it) * scale)
                                    : it;
            for (int64_t iy = 0; iy < gh; ++iy)
                for (int64_t ix = 0; ix < gw; ++ix) push(b + tau, b + iy, b + ix);
            top = std::max({top, b + tau, b + gh - 1, b + gw - 1});
        }
        next = top + 1;
        st = ed + count;
        ++k;
        (is_image ? images : videos) -= 1;
    }
    for (int64_t i = 0; i < n - st; ++i) push(next + i, next + i, next + i);
}

}  // namespace

RopeIndex get_rope_index(const ModelConfig& c, const RopeIndexInputs& in) {
    TORCH_CHECK(in.input_ids.dim() == 2, "get_rope_index: input_ids must be (B, S), got ",
                in.input_ids.sizes());
    const at::Tensor ids = in.input_ids.to(at::kCPU, at::kLong).contiguous();  // (B, S)
    const int64_t B = ids.size(0), S = ids.size(1);
    at::Tensor mask = in.attention_mask.defined()
                          ? in.attention_mask.to(at::kCPU, at::kLong).contiguous()
                          : at::ones({B, S}, at::kLong);  // (B, S)
    TORCH_CHECK(mask.sizes() == ids.sizes(), "get_rope_index: attention_mask must be ", ids.sizes(),
                ", got ", mask.sizes());
    at::Tensor pos = at::ones({3, B, S}, at::kLong);  // (3, B, S) padded slots stay 1
    at::Tensor deltas = at::zeros({B, 1}, at::kLong);
    auto ida = ids.accessor<int64_t, 2>();
    auto ma = mask.accessor<int64_t, 2>();
    auto pa = pos.accessor<int64_t, 3>();
    auto da = deltas.accessor<int64_t, 2>();
    ItemCursor cur;
    for (int64_t b = 0; b < B; ++b) {
        std::vector<int64_t> row, slots;
        for (int64_t s = 0; s < S; ++s)
            if (ma[b][s] != 0) row.push_back(ida[b][s]), slots.push_back(s);
        std::vector<int64_t> p[3];
        row_positions(c, in, row, b, cur, p);
        int64_t top = -1;
        for (size_t i = 0; i < slots.size(); ++i)
            for (int a = 0; a < 3; ++a) {
                pa[a][b][slots[i]] = p[a][i];
                top = std::max(top, p[a][i]);
            }
        da[b][0] = top + 1 - S;  // pads (position 1) do not count, as in transformers' image path
    }
    if (cur.image != in.image_grids.size() || cur.video != in.video_grids.size())
        throw ModelError("input_ids hold " + std::to_string(cur.image) +
                         " image(s) (<|vision_start|> followed by <|image_pad|>) but " +
                         std::to_string(in.image_grids.size()) +
                         " image_grid_thw rows were given (videos: " + std::to_string(cur.video) +
                         " vs " + std::to_string(in.video_grids.size()) +
                         "); every image needs its placeholder tokens in the prompt");
    return {pos.to(in.input_ids.device()), deltas.to(in.input_ids.device())};
}

}  // namespace mmupt
