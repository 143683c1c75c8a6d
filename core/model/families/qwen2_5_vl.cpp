// Qwen2.5-VL: RMSNorm + SwiGLU (with bias) vision blocks, window attention except in
// `fullatt_block_indexes`, time-scaled temporal M-RoPE, and its vision_config naming
// (`hidden_size` = ViT width, `out_hidden_size` = merger output = LLM width).
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/model/families/model_family.h"
#include "core/model/json_fields.h"

namespace mmupt {
namespace {

void parse_vision(const JsonFields& f, VisionConfig& v) {
    v.depth = f.get_int("depth");
    v.width = f.get_int("hidden_size");
    v.out_hidden_size = f.get_int("out_hidden_size");
    v.num_heads = f.get_int("num_heads");
    v.intermediate_size = f.get_int("intermediate_size");
    v.hidden_act = f.get_string("hidden_act", "silu");
    v.patch_size = f.get_int("patch_size", 14);
    v.temporal_patch_size = f.get_int("temporal_patch_size", 2);
    v.spatial_merge_size = f.get_int("spatial_merge_size", 2);
    v.in_channels = f.get_int("in_channels", 3);
    v.window_size = f.get_int("window_size");
    v.fullatt_block_indexes = f.get_int_list("fullatt_block_indexes");
    v.tokens_per_second = f.get_double("tokens_per_second");  // required: class default is 4
}

void vision_to_json(const VisionConfig& v, nlohmann::json& out) {
    out["depth"] = v.depth;
    out["hidden_size"] = v.width;
    out["out_hidden_size"] = v.out_hidden_size;
    out["num_heads"] = v.num_heads;
    out["intermediate_size"] = v.intermediate_size;
    out["hidden_act"] = v.hidden_act;
    out["patch_size"] = v.patch_size;
    out["spatial_patch_size"] = v.patch_size;
    out["temporal_patch_size"] = v.temporal_patch_size;
    out["spatial_merge_size"] = v.spatial_merge_size;
    out["in_channels"] = v.in_channels;
    out["in_chans"] = v.in_channels;
    out["window_size"] = v.window_size;
    out["fullatt_block_indexes"] = v.fullatt_block_indexes;
    // Integral rates are written as integers, as in the Hub files.
    if (v.tokens_per_second == std::floor(v.tokens_per_second))
        out["tokens_per_second"] = static_cast<int64_t>(v.tokens_per_second);
    else
        out["tokens_per_second"] = v.tokens_per_second;
}

}  // namespace

const ModelFamily& qwen2_5_vl_family() {
    static const ModelFamily family{ModelArch::qwen2_5_vl,
                                    "qwen2_5_vl",
                                    "qwen2_5_vl_text",
                                    "Qwen2_5_VLForConditionalGeneration",
                                    /*rms_norm=*/true,
                                    /*gated_mlp=*/true,
                                    /*window_attention=*/true,
                                    /*scaled_temporal_rope=*/true,
                                    parse_vision,
                                    vision_to_json};
    return family;
}

}  // namespace mmupt
