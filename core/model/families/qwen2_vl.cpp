// Qwen2-VL: LayerNorm + quick_gelu fc1/fc2 vision blocks, full attention per image, and its
// vision_config naming (`embed_dim` = ViT width, `hidden_size` = merger output = LLM width,
// `mlp_ratio`, Hub `in_chans` ignored as transformers ignores it).
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/model/families/model_family.h"
#include "core/model/json_fields.h"

namespace mmupt {
namespace {

void parse_vision(const JsonFields& f, VisionConfig& v) {
    v.depth = f.get_int("depth");
    v.width = f.get_int("embed_dim");
    v.out_hidden_size = f.get_int("hidden_size");
    v.num_heads = f.get_int("num_heads");
    v.mlp_ratio = f.get_double("mlp_ratio", 4.0);
    v.intermediate_size = static_cast<int64_t>(static_cast<double>(v.width) * v.mlp_ratio);
    v.hidden_act = f.get_string("hidden_act", "quick_gelu");  // absent from Hub files
    v.patch_size = f.get_int("patch_size", 14);
    v.temporal_patch_size = f.get_int("temporal_patch_size", 2);
    v.spatial_merge_size = f.get_int("spatial_merge_size", 2);
    v.in_channels = f.get_int("in_channels", 3);  // Hub `in_chans` is ignored by transformers
}

void vision_to_json(const VisionConfig& v, nlohmann::json& out) {
    out["depth"] = v.depth;
    out["embed_dim"] = v.width;
    out["hidden_size"] = v.out_hidden_size;
    out["num_heads"] = v.num_heads;
    if (v.mlp_ratio == std::floor(v.mlp_ratio))
        out["mlp_ratio"] = static_cast<int64_t>(v.mlp_ratio);
    else
        out["mlp_ratio"] = v.mlp_ratio;
    out["hidden_act"] = v.hidden_act;
    out["patch_size"] = v.patch_size;
    out["spatial_patch_size"] = v.patch_size;
    out["temporal_patch_size"] = v.temporal_patch_size;
    out["spatial_merge_size"] = v.spatial_merge_size;
    out["in_channels"] = v.in_channels;
    out["in_chans"] = v.in_channels;
}

}  // namespace

const ModelFamily& qwen2_vl_family() {
    static const ModelFamily family{ModelArch::qwen2_vl,
                                    "qwen2_vl",
                                    "qwen2_vl_text",
                                    "Qwen2VLForConditionalGeneration",
                                    /*rms_norm=*/false,
                                    /*gated_mlp=*/false,
                                    /*window_attention=*/false,
                                    /*scaled_temporal_rope=*/false,
                                    parse_vision,
                                    vision_to_json};
    return family;
}

}  // namespace mmupt
