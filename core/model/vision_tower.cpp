// Vision tower forward (QWEN2-VL.md §3): embed, rotary angles, optional window permutation of
// whole 2x2 groups, blocks (window or full segments per fullatt_block_indexes), merger with exact
// erf GELU, un-permute. Attention is computed per segment, never with an N x N mask.
#include "core/model/vision_tower.h"

#include <algorithm>

#include "core/model/attention.h"
#include "core/model/families/model_family.h"
#include "core/model/half_matmul.h"
#include "core/model/recompute.h"
#include "core/model/rotary.h"

namespace mmupt {
namespace {

// x (..., in) -> (..., out) through linear_any (fp32 products for bf16 on the CPU).
at::Tensor dense(const torch::nn::Linear& l, const at::Tensor& x) {
    return linear_any(x, l->weight, l->bias);
}

torch::nn::Linear linear(int64_t in, int64_t out, bool bias) {
    return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
}

}  // namespace

VisionBlockImpl::VisionBlockImpl(const VisionBlockOptions& o) : options(o) {
    const int64_t E = o.width;
    NormOptions norm_opts{E, 1e-6, o.rms_norm};
    norm1 = register_module("norm1", Norm(norm_opts));
    norm2 = register_module("norm2", Norm(norm_opts));
    auto attn = register_module("attn", std::make_shared<torch::nn::Module>("attn"));
    qkv = attn->register_module("qkv", linear(E, 3 * E, true));
    proj = attn->register_module("proj", linear(E, E, true));
    auto m = register_module("mlp", std::make_shared<torch::nn::Module>("mlp"));
    if (o.gated_mlp) {
        gate = m->register_module("gate_proj", linear(E, o.mlp_width, true));
        up = m->register_module("up_proj", linear(E, o.mlp_width, true));
        down = m->register_module("down_proj", linear(o.mlp_width, E, true));
    } else {
        fc1 = m->register_module("fc1", linear(E, o.mlp_width, true));
        fc2 = m->register_module("fc2", linear(o.mlp_width, E, true));
    }
}

at::Tensor VisionBlockImpl::attention(const at::Tensor& x, const at::Tensor& cos,
                                      const at::Tensor& sin, const std::vector<int64_t>& cu) {
    const int64_t N = x.size(0), h = options.heads, hd = options.width / h;
    at::Tensor qkv_rows = dense(qkv, x).view({N, 3, h, hd});              // (N, 3, h, hd) q, k, v
    at::Tensor q = apply_vision_rotary(qkv_rows.select(1, 0), cos, sin);  // (N, h, hd)
    at::Tensor k = apply_vision_rotary(qkv_rows.select(1, 1), cos, sin);
    at::Tensor v = qkv_rows.select(1, 2);
    at::Tensor o = segment_attention(q, k, v, cu);  // (N, h, hd)
    return dense(proj, o.reshape({N, options.width}));
}

at::Tensor VisionBlockImpl::mlp(const at::Tensor& x) {
    if (options.gated_mlp)
        return dense(down, activation(dense(gate, x), options.act) * dense(up, x));
    return dense(fc2, activation(dense(fc1, x), options.act));
}

at::Tensor VisionBlockImpl::forward(const at::Tensor& x, const at::Tensor& cos,
                                    const at::Tensor& sin, const std::vector<int64_t>& cu) {
    at::Tensor h = x + attention(norm1->forward(x), cos, sin, cu);  // (N, E)
    return h + mlp(norm2->forward(h));
}

VisionTowerImpl::VisionTowerImpl(const ModelConfig& c, at::TensorOptions place) : config(c) {
    const auto dtype = c10::typeMetaToScalarType(place.dtype());
    const VisionConfig& v = c.vision;
    const ModelFamily& family = model_family(c.arch);
    auto pe = register_module("patch_embed", std::make_shared<torch::nn::Module>("patch_embed"));
    auto pe_proj = pe->register_module("proj", std::make_shared<torch::nn::Module>("proj"));
    patch_embed_weight = pe_proj->register_parameter(
        "weight",
        (at::randn({v.width, v.in_channels, v.temporal_patch_size, v.patch_size, v.patch_size}) *
         0.02)
            .to(place.device(), dtype));
    blocks = register_module("blocks", torch::nn::ModuleList());
    VisionBlockOptions bo{v.width,      v.num_heads,     v.intermediate_size,
                          v.hidden_act, family.rms_norm, family.gated_mlp};
    for (int64_t i = 0; i < v.depth; ++i) {
        VisionBlock block(bo);
        block->to(place.device(), dtype);
        blocks->push_back(block);
    }
    const int64_t unit = v.spatial_merge_size * v.spatial_merge_size;
    auto merger = register_module("merger", std::make_shared<torch::nn::Module>("merger"));
    ln_q = merger->register_module("ln_q", Norm(NormOptions{v.width, 1e-6, family.rms_norm}));
    auto mlp = merger->register_module("mlp", std::make_shared<torch::nn::Module>("mlp"));
    merger_fc1 = mlp->register_module("0", linear(unit * v.width, unit * v.width, true));
    merger_fc2 = mlp->register_module("2", linear(unit * v.width, v.out_hidden_size, true));
}

VisionTowerImpl::Output VisionTowerImpl::forward(const at::Tensor& pixel_values,
                                                 const std::vector<GridThw>& grids) {
    const VisionConfig& v = config.vision;
    const ModelFamily& family = model_family(config.arch);
    const int64_t unit = v.spatial_merge_size * v.spatial_merge_size;
    const int64_t window =
        family.window_attention ? v.window_size / v.patch_size / v.spatial_merge_size : 0;
    VisionLayout layout = make_vision_layout(grids, v.spatial_merge_size, window);
    const int64_t N = layout.num_patches, M = layout.num_merged, E = v.width;
    TORCH_CHECK(pixel_values.dim() == 2 && pixel_values.size(0) == N &&
                    pixel_values.size(1) == v.patch_dim(),
                "vision tower: expected pixel_values (", N, ", ", v.patch_dim(),
                ") for the given grids, got ", pixel_values.sizes());
    const auto device = patch_embed_weight.device();
    // Conv3d with stride = kernel over (C, Tp, P, P) == a linear map over the flattened row.
    at::Tensor x = linear_any(pixel_values.to(device, patch_embed_weight.scalar_type()),
                              patch_embed_weight.reshape({E, v.patch_dim()}));  // (N, E)
    at::Tensor ang = vision_rotary_angles(layout.pos_y, layout.pos_x, v.head_dim(), device);
    at::Tensor widx;  // (M) window permutation of merged groups
    if (window > 0) {
        widx = at::tensor(layout.window_index, at::TensorOptions().dtype(at::kLong)).to(device);
        x = x.view({M, unit, E}).index_select(0, widx).view({N, E});
        ang = ang.view({M, unit, -1}).index_select(0, widx).view({N, -1});
    }
    at::Tensor emb = at::cat({ang, ang}, -1);  // (N, hd) fp32
    at::Tensor cos = emb.cos(), sin = emb.sin();
    for (int64_t i = 0; i < v.depth; ++i) {
        const bool full = window == 0 || std::count(v.fullatt_block_indexes.begin(),
                                                    v.fullatt_block_indexes.end(), i) > 0;
        const std::vector<int64_t>& cu = full ? layout.cu_seqlens : layout.cu_window_seqlens;
        auto block = blocks[i]->as<VisionBlock>();
        // Captures copies: with checkpointing, fn runs again in backward after forward returned.
        LayerFn fn = [block, cos, sin, cu](const at::Tensor& h) {
            return block->forward(h, cos, sin, cu);
        };
        x = gradient_checkpointing && is_training() ? checkpointed(fn, x) : fn(x);
    }
    at::Tensor merged = ln_q->forward(x).view({M, unit * E});                 // (M, 4E)
    at::Tensor out = dense(merger_fc2, at::gelu(dense(merger_fc1, merged)));  // (M, O)
    if (window > 0) {
        at::Tensor inv = at::argsort(widx);  // (M)
        out = out.index_select(0, inv);
        x = x.view({M, unit, E}).index_select(0, inv).view({N, E});
    }
    return {out, x};
}

}  // namespace mmupt
