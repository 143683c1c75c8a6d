// ModelConfig: the Qwen2-VL / Qwen2.5-VL config.json, parsed from both on-disk layouts (legacy
// top-level text fields, and transformers >= 4.5x nested `text_config` / `rope_parameters`),
// validated against the constraints the model code relies on, and written back as config.json.
// Torch-free. Does not read preprocessor_config.json or generation_config.json.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace mmupt {

enum class ModelArch { qwen2_vl, qwen2_5_vl };

// Text decoder (Qwen2). D = hidden_size, H = heads, KV = kv heads, hd = D / H.
struct TextConfig {
    int64_t vocab_size = 0;
    int64_t hidden_size = 0;        // D
    int64_t intermediate_size = 0;  // I, SwiGLU width
    int64_t num_hidden_layers = 0;  // L
    int64_t num_attention_heads = 0;
    int64_t num_key_value_heads = 0;
    std::string hidden_act = "silu";
    double rms_norm_eps = 1e-6;  // required in the file: the class default (1e-5) is a trap
    double rope_theta = 1e6;
    std::vector<int64_t> mrope_section;  // [t, h, w] frequency-pair counts, sum = hd / 2
    bool tie_word_embeddings = false;
    int64_t max_position_embeddings = 32768;  // positions (tokens), checked at forward
    int64_t head_dim() const { return num_attention_heads ? hidden_size / num_attention_heads : 0; }
};

// Vision tower. `width` is the ViT width (v2 `embed_dim`, 2.5 `hidden_size`); `out_hidden_size`
// is the merger output (v2 `hidden_size`, 2.5 `out_hidden_size`) and equals the text D.
struct VisionConfig {
    int64_t depth = 0;
    int64_t width = 0;  // E
    int64_t num_heads = 0;
    int64_t intermediate_size = 0;  // MLP width (v2: width * mlp_ratio)
    double mlp_ratio = 4.0;         // v2 only (kept for serialisation)
    std::string hidden_act;         // v2 default quick_gelu, 2.5 silu
    int64_t patch_size = 14;
    int64_t temporal_patch_size = 2;
    int64_t spatial_merge_size = 2;
    int64_t in_channels = 3;
    int64_t out_hidden_size = 0;
    // Qwen2.5-VL only:
    int64_t window_size = 0;  // pixels
    std::vector<int64_t> fullatt_block_indexes;
    double tokens_per_second = 0;  // Hub files say 2; the class default 4 is a trap
    int64_t head_dim() const { return num_heads ? width / num_heads : 0; }
    // Input row width: C * Tp * P * P (1176 for the shipped models).
    int64_t patch_dim() const {
        return in_channels * temporal_patch_size * patch_size * patch_size;
    }
};

struct ModelConfig {
    ModelArch arch = ModelArch::qwen2_vl;
    TextConfig text;
    VisionConfig vision;
    int64_t image_token_id = 151655;
    int64_t video_token_id = 151656;
    int64_t vision_start_token_id = 151652;
    int64_t vision_end_token_id = 151653;
    int64_t bos_token_id = 151643;
    int64_t eos_token_id = 151645;
    std::string torch_dtype = "bfloat16";  // dtype the checkpoint was saved in (informational)

    // Parses a config.json object (either layout). `source` names the file in error messages.
    // Throws FormatError (missing / mistyped field) or ModelError (unsupported architecture,
    // violated constraint); each message names the field.
    static ModelConfig from_json(const nlohmann::json& j,
                                 const std::string& source = "config.json");
    static ModelConfig from_file(const std::string& path);

    // Throws ModelError naming the field on the first violated constraint (QWEN2-VL.md §1.5).
    void validate() const;

    enum class Layout { legacy, nested };
    // Legacy (top-level text fields) is readable by every transformers version.
    nlohmann::json to_json(Layout layout = Layout::legacy) const;
    void save(const std::string& path, Layout layout = Layout::legacy) const;

    const char* model_type() const;
    const char* architecture() const;
};

// The tiny config of QWEN2-VL.md §1.5 (D=32, L=2, vocab 99, vision width 32, depth 2).
ModelConfig tiny_model_config(ModelArch arch);

}  // namespace mmupt
