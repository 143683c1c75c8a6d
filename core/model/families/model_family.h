// ModelFamily: what differs between Qwen2-VL and Qwen2.5-VL, as one table entry per
// architecture (families/qwen2_vl.cpp, families/qwen2_5_vl.cpp): names in config.json, the
// vision config fields (the `hidden_size` naming trap lives here), and the vision block kind.
// The shared blocks read these traits; nothing here touches tensors.
#pragma once
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "core/model/model_config.h"

namespace mmupt {

class JsonFields;

struct ModelFamily {
    ModelArch arch;
    const char* model_type;       // "qwen2_vl"
    const char* text_model_type;  // nested layout's text_config.model_type
    const char* architecture;     // "Qwen2VLForConditionalGeneration"
    // Vision block traits.
    bool rms_norm;              // RMSNorm (2.5) instead of LayerNorm with bias (v2)
    bool gated_mlp;             // SwiGLU gate/up/down with bias (2.5) instead of fc1/act/fc2 (v2)
    bool window_attention;      // window attention + fullatt_block_indexes (2.5)
    bool scaled_temporal_rope;  // LLM temporal position = it * second_per_grid_t * tps (2.5)
    // Reads the vision_config fields into `out` (throws FormatError naming the field).
    void (*parse_vision)(const JsonFields& fields, VisionConfig& out);
    // Writes the vision_config object as transformers expects it for this family.
    void (*vision_to_json)(const VisionConfig& v, nlohmann::json& out);
};

const ModelFamily& qwen2_vl_family();
const ModelFamily& qwen2_5_vl_family();
const ModelFamily& model_family(ModelArch arch);
// Matches a model_type ("qwen2_vl") or an architectures entry; nullptr when unknown.
const ModelFamily* find_model_family(const std::string& name);
// "qwen2_vl (Qwen2VLForConditionalGeneration), qwen2_5_vl (...)" for error messages.
std::string supported_model_families();

}  // namespace mmupt
