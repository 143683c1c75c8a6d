// config.json parsing (legacy and nested layouts), validation and serialisation for the two
// Qwen VL families. Field lookup rules follow QWEN2-VL.md §1.1; the vision naming trap is
// delegated to families/*.cpp.
#include "core/model/model_config.h"

#include <fstream>
#include <numeric>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "core/model/families/model_family.h"
#include "core/model/json_fields.h"
#include "core/util/errors.h"
#include "core/util/log.h"

namespace mmupt {
namespace {

using nlohmann::json;

const json* object_or_null(const json& j, const char* key) {
    auto it = j.find(key);
    return (it != j.end() && it->is_object()) ? &*it : nullptr;
}

const ModelFamily& detect_family(const json& j, const std::string& source) {
    const ModelFamily* family = nullptr;
    std::string seen;
    if (j.contains("model_type") && j["model_type"].is_string()) {
        seen = j["model_type"].get<std::string>();
        family = find_model_family(seen);
        if (!family)
            throw ModelError(source + ": unsupported model_type \"" + seen +
                             "\"; supported: " + supported_model_families());
    }
    if (j.contains("architectures") && j["architectures"].is_array()) {
        for (const auto& a : j["architectures"]) {
            std::string name = a.is_string() ? a.get<std::string>() : a.dump();
            const ModelFamily* f = find_model_family(name);
            if (!f)
                throw ModelError(source + ": unsupported architectures entry \"" + name +
                                 "\"; supported: " + supported_model_families());
            if (family && f != family)
                throw ModelError(source + ": architectures entry \"" + name +
                                 "\" contradicts model_type \"" + seen + "\"");
            family = f;
        }
    }
    if (!family)
        throw ModelError(source +
                         ": neither `model_type` nor `architectures` names a model; "
                         "supported: " +
                         supported_model_families());
    return *family;
}

// mrope_section and rope_theta: rope_parameters (v5), rope_scaling (legacy / 4.5x), text_config.
void parse_rope(const json& top, const json* text, const std::string& source, TextConfig& t) {
    const json* rope = nullptr;
    std::string rope_name;
    for (const json* obj : {text, &top}) {
        if (!obj || rope) continue;
        for (const char* key : {"rope_parameters", "rope_scaling"}) {
            if (const json* r = object_or_null(*obj, key); r && !rope) {
                rope = r;
                rope_name = std::string(obj == text ? "text_config." : "") + key;
            }
        }
    }
    if (!rope)
        throw FormatError(source + ": field `rope_scaling` (with `mrope_section`) is missing");
    JsonFields rf(rope, nullptr, rope_name + ".", source);
    std::string type = rf.get_string("rope_type", rf.get_string("type", "default"));
    if (type != "default" && type != "mrope")
        throw ModelError(source + ": field `" + rope_name + ".rope_type` is \"" + type +
                         "\"; only default / mrope RoPE is supported");
    t.mrope_section = rf.get_int_list("mrope_section");
    JsonFields tf(text, &top, "", source);
    t.rope_theta = rf.get_double("rope_theta", tf.get_double("rope_theta", 1e6));
}

void parse_text(const json& top, const json* text, const std::string& source, TextConfig& t) {
    JsonFields f(text, &top, text ? "text_config." : "", source);
    t.vocab_size = f.get_int("vocab_size");
    t.hidden_size = f.get_int("hidden_size");
    t.intermediate_size = f.get_int("intermediate_size");
    t.num_hidden_layers = f.get_int("num_hidden_layers");
    t.num_attention_heads = f.get_int("num_attention_heads");
    t.num_key_value_heads = f.get_int("num_key_value_heads", t.num_attention_heads);
    t.hidden_act = f.get_string("hidden_act", "silu");
    t.rms_norm_eps = f.get_double("rms_norm_eps");
    t.max_position_embeddings = f.get_int("max_position_embeddings", 32768);
    parse_rope(top, text, source, t);
    t.tie_word_embeddings = f.get_bool("tie_word_embeddings", false);
    if (text && text->contains("tie_word_embeddings") && top.contains("tie_word_embeddings") &&
        (*text)["tie_word_embeddings"] != top["tie_word_embeddings"])
        log_warning(source +
                    ": text_config.tie_word_embeddings and tie_word_embeddings differ; "
                    "using text_config's value");
}

void check(bool ok, const std::string& field, const std::string& what) {
    if (!ok) throw ModelError("model config: `" + field + "` " + what);
}

std::string str(int64_t v) { return std::to_string(v); }

}  // namespace

ModelConfig ModelConfig::from_json(const json& j, const std::string& source) {
    if (!j.is_object()) throw FormatError(source + ": expected a JSON object at the top level");
    const ModelFamily& family = detect_family(j, source);
    ModelConfig c;
    c.arch = family.arch;
    const json* text = object_or_null(j, "text_config");
    parse_text(j, text, source, c.text);
    const json* vision = object_or_null(j, "vision_config");
    if (!vision) throw FormatError(source + ": field `vision_config` is missing (an object)");
    family.parse_vision(JsonFields(vision, nullptr, "vision_config.", source), c.vision);
    JsonFields ids(&j, text, "", source);
    c.image_token_id = ids.get_int("image_token_id", 151655);
    c.video_token_id = ids.get_int("video_token_id", 151656);
    c.vision_start_token_id = ids.get_int("vision_start_token_id", 151652);
    c.vision_end_token_id = ids.get_int("vision_end_token_id", 151653);
    c.bos_token_id = ids.get_int("bos_token_id", 151643);
    if (ids.has("eos_token_id") && ids.at("eos_token_id").is_number_integer())
        c.eos_token_id = ids.get_int("eos_token_id");
    c.torch_dtype = ids.get_string("torch_dtype", ids.get_string("dtype", "bfloat16"));
    c.validate();
    return c;
}

ModelConfig ModelConfig::from_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw FormatError(path + ": cannot open the model config (is the model dir right?)");
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        throw FormatError(path + ": invalid JSON: " + e.what());
    }
    return from_json(j, path);
}

void ModelConfig::validate() const {
    const TextConfig& t = text;
    const VisionConfig& v = vision;
    for (auto [name, value] : {std::pair{"vocab_size", t.vocab_size},
                               {"hidden_size", t.hidden_size},
                               {"intermediate_size", t.intermediate_size},
                               {"num_hidden_layers", t.num_hidden_layers},
                               {"num_attention_heads", t.num_attention_heads},
                               {"num_key_value_heads", t.num_key_value_heads},
                               {"max_position_embeddings", t.max_position_embeddings},
                               {"vision_config.depth", v.depth},
                               {"vision_config width", v.width},
                               {"vision_config.num_heads", v.num_heads},
                               {"vision_config MLP width", v.intermediate_size},
                               {"vision_config.patch_size", v.patch_size},
                               {"vision_config.temporal_patch_size", v.temporal_patch_size},
                               {"vision_config.spatial_merge_size", v.spatial_merge_size},
                               {"vision_config.in_channels", v.in_channels}})
        check(value > 0, name, "must be positive, got " + str(value));
    // Sane upper bounds (far above any Qwen VL model), so an absurd size such as 1e12 is a
    // clean error here instead of a failed multi-terabyte allocation in libtorch.
    constexpr int64_t kMaxVocab = int64_t{1} << 24, kMaxWidth = int64_t{1} << 16,
                      kMaxMlp = int64_t{1} << 20, kMaxCount = 1024;
    for (auto [name, value, limit] :
         {std::tuple{"vocab_size", t.vocab_size, kMaxVocab},
          {"hidden_size", t.hidden_size, kMaxWidth},
          {"intermediate_size", t.intermediate_size, kMaxMlp},
          {"num_hidden_layers", t.num_hidden_layers, kMaxCount},
          {"num_attention_heads", t.num_attention_heads, kMaxCount},
          {"num_key_value_heads", t.num_key_value_heads, kMaxCount},
          {"max_position_embeddings", t.max_position_embeddings, int64_t{1} << 24},
          {"vision_config.depth", v.depth, kMaxCount},
          {"vision_config width", v.width, kMaxWidth},
          {"vision_config.num_heads", v.num_heads, kMaxCount},
          {"vision_config MLP width", v.intermediate_size, kMaxMlp},
          {"vision_config.patch_size", v.patch_size, int64_t{1024}},
          {"vision_config.temporal_patch_size", v.temporal_patch_size, int64_t{64}},
          {"vision_config.spatial_merge_size", v.spatial_merge_size, int64_t{64}},
          {"vision_config.in_channels", v.in_channels, int64_t{64}},
          {"vision_config merger output width", v.out_hidden_size, kMaxWidth}})
        check(value <= limit, name,
              "is " + str(value) + ", above the supported maximum of " + str(limit) +
                  " (a typo in config.json?)");
    check(t.hidden_size % t.num_attention_heads == 0, "hidden_size",
          "(" + str(t.hidden_size) + ") must be divisible by num_attention_heads (" +
              str(t.num_attention_heads) + ")");
    check(t.num_attention_heads % t.num_key_value_heads == 0, "num_attention_heads",
          "(" + str(t.num_attention_heads) + ") must be divisible by num_key_value_heads (" +
              str(t.num_key_value_heads) + ")");
    check(t.mrope_section.size() == 3, "mrope_section", "must have 3 entries [t, h, w]");
    int64_t msum = std::accumulate(t.mrope_section.begin(), t.mrope_section.end(), int64_t{0});
    check(msum == t.head_dim() / 2 && t.head_dim() % 2 == 0, "mrope_section",
          "must sum to head_dim/2 = " + str(t.head_dim() / 2) + ", got " + str(msum));
    for (int64_t s : t.mrope_section) check(s >= 0, "mrope_section", "entries must be >= 0");
    check(t.rms_norm_eps > 0, "rms_norm_eps", "must be positive");
    check(t.rope_theta > 0, "rope_theta", "must be positive");
    check(t.hidden_act == "silu", "hidden_act", "\"" + t.hidden_act + "\" unsupported (silu)");
    check(v.width % v.num_heads == 0, "vision_config width",
          "(" + str(v.width) + ") must be divisible by vision_config.num_heads");
    check(v.head_dim() % 4 == 0, "vision_config.num_heads",
          "gives vision head dim " + str(v.head_dim()) + ", which must be divisible by 4");
    check(v.out_hidden_size == t.hidden_size, "vision_config merger output width",
          str(v.out_hidden_size) + " must equal the text hidden_size " + str(t.hidden_size));
    const ModelFamily& family = model_family(arch);
    if (family.gated_mlp) {
        check(v.hidden_act == "silu", "vision_config.hidden_act",
              "\"" + v.hidden_act + "\" unsupported for " + family.model_type + " (silu)");
    } else {
        check(v.hidden_act == "quick_gelu" || v.hidden_act == "gelu" || v.hidden_act == "silu",
              "vision_config.hidden_act",
              "\"" + v.hidden_act + "\" unsupported (quick_gelu, gelu, silu)");
    }
    if (family.window_attention) {
        int64_t unit = v.patch_size * v.spatial_merge_size;
        check(v.window_size > 0 && v.window_size % unit == 0, "vision_config.window_size",
              "(" + str(v.window_size) +
                  ") must be a positive multiple of patch_size * "
                  "spatial_merge_size = " +
                  str(unit));
        for (int64_t i : v.fullatt_block_indexes)
            check(i >= 0 && i < v.depth, "vision_config.fullatt_block_indexes",
                  "entry " + str(i) + " is outside [0, depth=" + str(v.depth) + ")");
        check(v.tokens_per_second > 0, "vision_config.tokens_per_second", "must be positive");
    }
    for (auto [name, id] : {std::pair{"image_token_id", image_token_id},
                            {"video_token_id", video_token_id},
                            {"vision_start_token_id", vision_start_token_id},
                            {"vision_end_token_id", vision_end_token_id}})
        check(id >= 0 && id < t.vocab_size, name,
              "(" + str(id) + ") must be in [0, vocab_size=" + str(t.vocab_size) + ")");
}

const char* ModelConfig::model_type() const { return model_family(arch).model_type; }
const char* ModelConfig::architecture() const { return model_family(arch).architecture; }

json ModelConfig::to_json(Layout layout) const {
    const ModelFamily& family = model_family(arch);
    json text_fields = {{"vocab_size", text.vocab_size},
                        {"hidden_size", text.hidden_size},
                        {"intermediate_size", text.intermediate_size},
                        {"num_hidden_layers", text.num_hidden_layers},
                        {"num_attention_heads", text.num_attention_heads},
                        {"num_key_value_heads", text.num_key_value_heads},
                        {"hidden_act", text.hidden_act},
                        {"rms_norm_eps", text.rms_norm_eps},
                        {"rope_theta", text.rope_theta},
                        {"max_position_embeddings", text.max_position_embeddings},
                        {"use_sliding_window", false},
                        {"attention_dropout", 0.0}};
    json rope = {
        {"type", "mrope"}, {"rope_type", "default"}, {"mrope_section", text.mrope_section}};
    json vision_json = json::object();
    family.vision_to_json(vision, vision_json);
    json j = {{"architectures", {family.architecture}},
              {"model_type", family.model_type},
              {"torch_dtype", torch_dtype},
              {"tie_word_embeddings", text.tie_word_embeddings},
              {"image_token_id", image_token_id},
              {"video_token_id", video_token_id},
              {"vision_start_token_id", vision_start_token_id},
              {"vision_end_token_id", vision_end_token_id},
              {"bos_token_id", bos_token_id},
              {"eos_token_id", eos_token_id},
              {"vision_config", vision_json}};
    if (layout == Layout::legacy) {
        j.update(text_fields);
        j["rope_scaling"] = rope;
    } else {
        text_fields["model_type"] = family.text_model_type;
        text_fields["rope_scaling"] = rope;
        text_fields["tie_word_embeddings"] = text.tie_word_embeddings;
        j["text_config"] = text_fields;
    }
    return j;
}

void ModelConfig::save(const std::string& path, Layout layout) const {
    std::ofstream out(path);
    if (!out) throw CheckpointError(path + ": cannot write the model config");
    out << to_json(layout).dump(2) << "\n";
    if (!out) throw CheckpointError(path + ": failed writing the model config");
}

ModelConfig tiny_model_config(ModelArch arch) {
    ModelConfig c;
    c.arch = arch;
    c.text.vocab_size = 99;
    c.text.hidden_size = 32;
    c.text.intermediate_size = 37;
    c.text.num_hidden_layers = 2;
    c.text.num_attention_heads = 4;
    c.text.num_key_value_heads = 2;
    c.text.rms_norm_eps = 1e-6;
    c.text.rope_theta = 1e4;
    c.text.mrope_section = {2, 1, 1};
    c.text.max_position_embeddings = 512;
    c.vision.depth = 2;
    c.vision.width = 32;
    c.vision.num_heads = 4;
    c.vision.out_hidden_size = 32;
    if (arch == ModelArch::qwen2_vl) {
        c.vision.mlp_ratio = 4.0;
        c.vision.intermediate_size = 128;
        c.vision.hidden_act = "quick_gelu";
    } else {
        c.vision.intermediate_size = 32;
        c.vision.hidden_act = "silu";
        c.vision.window_size = 56;
        c.vision.fullatt_block_indexes = {1};
        c.vision.tokens_per_second = 2;
    }
    c.image_token_id = 90;
    c.video_token_id = 91;
    c.vision_start_token_id = 92;
    c.vision_end_token_id = 93;
    c.bos_token_id = 94;
    c.eos_token_id = 95;
    c.torch_dtype = "float32";
    c.validate();
    return c;
}

}  // namespace mmupt
