// The preset table (tiny, small, demo) and the parameter count formula. Dimensions keep Qwen's
// ratios where they matter: head_dim 2:3:3 M-RoPE split, GQA 2:1, tied embeddings (as the 2B /
// 3B models), Qwen2.5-VL's window attention with some full-attention blocks.
#include "core/model/model_presets.h"

#include "core/util/errors.h"

namespace mmupt {
namespace {

struct Dims {
    int64_t d, inter, layers, heads, kv_heads;
    std::vector<int64_t> mrope;
    int64_t v_depth, v_width, v_heads, v_inter;
    std::vector<int64_t> fullatt;
};

ModelConfig from_dims(ModelArch arch, const PresetVocab& vocab, const Dims& x) {
    ModelConfig c;
    c.arch = arch;
    TextConfig& t = c.text;
    t.vocab_size = (vocab.tokenizer_size + kVocabMultiple - 1) / kVocabMultiple * kVocabMultiple;
    t.hidden_size = x.d;
    t.intermediate_size = x.inter;
    t.num_hidden_layers = x.layers;
    t.num_attention_heads = x.heads;
    t.num_key_value_heads = x.kv_heads;
    t.rms_norm_eps = 1e-6;
    t.rope_theta = 1e6;
    t.mrope_section = x.mrope;
    t.tie_word_embeddings = true;
    t.max_position_embeddings = 32768;
    VisionConfig& v = c.vision;
    v.depth = x.v_depth;
    v.width = x.v_width;
    v.num_heads = x.v_heads;
    v.intermediate_size = x.v_inter;
    v.out_hidden_size = x.d;
    if (arch == ModelArch::qwen2_vl) {
        v.mlp_ratio = static_cast<double>(x.v_inter) / static_cast<double>(x.v_width);
        v.hidden_act = "quick_gelu";
    } else {
        v.hidden_act = "silu";
        v.window_size = 112;
        v.fullatt_block_indexes = x.fullatt;
        v.tokens_per_second = 2;
    }
    c.image_token_id = vocab.image_pad;
    c.video_token_id = vocab.video_pad;
    c.vision_start_token_id = vocab.vision_start;
    c.vision_end_token_id = vocab.vision_end;
    c.bos_token_id = vocab.endoftext;
    c.eos_token_id = vocab.im_end;
    c.torch_dtype = "float32";
    c.validate();
    return c;
}

// Seconds on CPU: for tests and the quickest demos.
ModelConfig tiny(ModelArch arch, const PresetVocab& vocab) {
    return from_dims(arch, vocab, {64, 128, 2, 4, 2, {2, 3, 3}, 2, 64, 4, 256, {1}});
}

// ~47.5M parameters with the Qwen tokenizer (38.8M of them the tied embedding), ~8.7M with a
// few-hundred-token demo tokenizer.
ModelConfig small(ModelArch arch, const PresetVocab& vocab) {
    return from_dims(arch, vocab, {256, 1024, 4, 4, 2, {8, 12, 12}, 4, 256, 4, 1024, {1, 3}});
}

// The built-in demo's model (`mmupt demo`): ~1.0M parameters with the demo tokenizer, sized so
// that SFT plus two GRPO runs fit in minutes on 2 CPU cores; 112 px images = 16 image tokens.
ModelConfig demo(ModelArch arch, const PresetVocab& vocab) {
    return from_dims(arch, vocab, {128, 256, 4, 4, 2, {4, 6, 6}, 2, 64, 4, 256, {1}});
}

int64_t need(int32_t id, const char* token) {
    if (id < 0)
        throw ModelError(std::string("the tokenizer has no ") + token +
                         " token; a Qwen2-VL model needs the Qwen2-VL special tokens");
    return id;
}

}  // namespace

PresetVocab preset_vocab(const Tokenizer& tokenizer) {
    const SpecialTokenIds& s = tokenizer.special_ids();
    PresetVocab v;
    v.tokenizer_size = tokenizer.vocab_size();
    v.endoftext = need(s.endoftext, "<|endoftext|>");
    v.im_end = need(s.im_end, "<|im_end|>");
    v.image_pad = need(s.image_pad, "<|image_pad|>");
    v.video_pad = need(s.video_pad, "<|video_pad|>");
    v.vision_start = need(s.vision_start, "<|vision_start|>");
    v.vision_end = need(s.vision_end, "<|vision_end|>");
    return v;
}

PresetVocab qwen2_vl_vocab() {
    PresetVocab v;
    v.tokenizer_size = 151665;
    v.endoftext = 151643;
    v.im_end = 151645;
    v.vision_start = 151652;
    v.vision_end = 151653;
    v.image_pad = 151655;
    v.video_pad = 151656;
    return v;
}

const std::vector<ModelPreset>& model_presets() {
    static const std::vector<ModelPreset> table = {
        {"tiny", "D=64, 2 layers, vision depth 2 width 64; seconds on CPU", &tiny, 64},
        {"small", "D=256, 4 layers, vision depth 4 width 256; ~47M parameters with Qwen's vocab",
         &small, 256},
        {"demo", "D=128, 4 layers, vision depth 2 width 64; the built-in demo's model (~1M)", &demo,
         16},
    };
    return table;
}

std::string model_preset_names() {
    std::string out;
    for (const auto& p : model_presets()) out += (out.empty() ? "" : ", ") + std::string(p.name);
    return out;
}

const ModelPreset& find_model_preset(const std::string& name) {
    for (const auto& p : model_presets())
        if (name == p.name) return p;
    throw ConfigError("unknown model preset '" + name + "'; known: " + model_preset_names());
}

ModelConfig preset_model_config(const ModelPreset& preset, ModelArch arch,
                                const PresetVocab& vocab) {
    return preset.make(arch, vocab);
}

ImageProcessorConfig preset_image_processor_config(const ModelPreset& preset) {
    ImageProcessorConfig c;  // Qwen's patch / merge sizes and CLIP normalisation
    const int64_t unit = int64_t{c.factor()} * c.factor();
    c.min_pixels = 4 * unit;  // 56 x 56: Qwen's own minimum
    c.max_pixels = preset.max_image_tokens * unit;
    c.validate();
    return c;
}

int64_t count_parameters(const ModelConfig& config) {
    const TextConfig& t = config.text;
    const VisionConfig& v = config.vision;
    const int64_t D = t.hidden_size, kv = t.num_key_value_heads * t.head_dim();
    const int64_t attn = (D * D + D) + 2 * (D * kv + kv) + D * D;  // q, k, v with bias; o none
    const int64_t layer = attn + 3 * D * t.intermediate_size + 2 * D;
    int64_t text = t.vocab_size * D + t.num_hidden_layers * layer + D;
    if (!t.tie_word_embeddings) text += t.vocab_size * D;

    const int64_t E = v.width, F = v.intermediate_size, O = v.out_hidden_size;
    const bool v2 = config.arch == ModelArch::qwen2_vl;
    const int64_t norm = v2 ? 2 * E : E;  // LayerNorm with bias (v2) or RMSNorm (2.5)
    const int64_t mlp = v2 ? 2 * E * F + F + E : 3 * E * F + 2 * F + E;
    const int64_t block = 2 * norm + (3 * E * E + 3 * E) + (E * E + E) + mlp;
    const int64_t merged = E * v.spatial_merge_size * v.spatial_merge_size;
    const int64_t merger = norm + (merged * merged + merged) + (O * merged + O);
    const int64_t vision = E * v.patch_dim() + v.depth * block + merger;
    return text + vision;
}

}  // namespace mmupt
