// Reading a model directory: generation_config.json (optional, typed and range-checked),
// config.json, the tokenizer, preprocessor_config.json, the chat template check, and the
// cross-file checks (special ids, vocab size, patch / merge sizes); load_model adds the weights.
// Saving lives in model_dir_save.cpp.
#include "core/model/model_dir.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include "core/io/json_strict.h"
#include "core/io/safetensors_torch.h"
#include "core/model/lora_io.h"
#include "core/model/weight_shape_check.h"
#include "core/tokenizer/chat_template.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& file, const std::string& field, const std::string& what) {
    throw FormatError(file + ": field `" + field + "` " + what);
}

double read_number(const json& j, const std::string& file, const char* key, double def) {
    if (!j.contains(key) || j[key].is_null()) return def;
    if (!j[key].is_number()) bad(file, key, "must be a number, got " + j[key].dump());
    return j[key].get<double>();
}

int64_t read_id(const json& v, const std::string& file, const char* key) {
    if (!v.is_number_integer() || v.get<int64_t>() < 0)
        bad(file, key, "must hold non-negative integer token ids, got " + v.dump());
    return v.get<int64_t>();
}

// A model error from config.json validation names the field but not the file: add it.
ModelConfig read_config(const fs::path& dir) {
    const std::string path = (dir / "config.json").string();
    try {
        return ModelConfig::from_file(path);
    } catch (const ModelError& e) {
        const std::string what = e.what();
        if (what.find(path) != std::string::npos) throw;
        throw ModelError(path + ": " + what);
    }
}

ImageProcessor read_image_processor(const fs::path& dir) {
    const fs::path path = dir / "preprocessor_config.json";
    if (!fs::is_regular_file(path))
        throw FormatError(path.string() + ": missing (every model directory needs the image " +
                          "processor config; copy Qwen's preprocessor_config.json)");
    try {
        return ImageProcessor::from_pretrained(path.string());
    } catch (const ConfigError& e) {  // a field out of range: the message names the file
        throw FormatError(e.what());
    }
}

// The three files describe one model: their ids and sizes must agree.
void check_consistency(const ModelDir& m) {
    const SpecialTokenIds& s = m.tokenizer.special_ids();
    const ModelConfig& c = m.config;
    const std::string cfg = (fs::path(m.path) / "config.json").string();
    auto same_id = [&](const char* field, int64_t id, int32_t tok, const char* token) {
        if (tok >= 0 && tok != id)
            throw ModelError(cfg + ": `" + field + "` is " + std::to_string(id) +
                             " but the tokenizer's " + token + " is " + std::to_string(tok) +
                             "; the tokenizer does not belong to this model");
    };
    same_id("image_token_id", c.image_token_id, s.image_pad, "<|image_pad|>");
    same_id("vision_start_token_id", c.vision_start_token_id, s.vision_start, "<|vision_start|>");
    same_id("vision_end_token_id", c.vision_end_token_id, s.vision_end, "<|vision_end|>");
    if (m.tokenizer.vocab_size() > c.text.vocab_size)
        throw ModelError(cfg + ": vocab_size " + std::to_string(c.text.vocab_size) +
                         " is smaller than the tokenizer's " +
                         std::to_string(m.tokenizer.vocab_size()) + " ids");
    const ImageProcessorConfig& p = m.image_processor.config();
    if (p.patch_size != c.vision.patch_size || p.merge_size != c.vision.spatial_merge_size ||
        p.temporal_patch_size != c.vision.temporal_patch_size)
        throw ModelError(
            (fs::path(m.path) / "preprocessor_config.json").string() +
            ": patch_size / merge_size / temporal_patch_size (" + std::to_string(p.patch_size) +
            ", " + std::to_string(p.merge_size) + ", " + std::to_string(p.temporal_patch_size) +
            ") differ from config.json's vision_config (" + std::to_string(c.vision.patch_size) +
            ", " + std::to_string(c.vision.spatial_merge_size) + ", " +
            std::to_string(c.vision.temporal_patch_size) + ")");
}

}  // namespace

GenerationConfig load_generation_config(const std::string& model_dir) {
    GenerationConfig g;
    const fs::path path = fs::path(model_dir) / "generation_config.json";
    if (!fs::exists(path)) return g;
    const std::string file = path.string();
    std::ifstream in(path, std::ios::binary);
    if (!in) throw FormatError(file + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    const json j = parse_json_strict(text.str(), file, /*max_depth=*/16);
    if (!j.is_object()) throw FormatError(file + ": expected a JSON object at the top level");
    if (j.contains("eos_token_id") && !j["eos_token_id"].is_null()) {
        const json& e = j["eos_token_id"];
        if (e.is_array()) {
            for (const auto& v : e) g.eos_token_ids.push_back(read_id(v, file, "eos_token_id"));
        } else {
            g.eos_token_ids.push_back(read_id(e, file, "eos_token_id"));
        }
    }
    if (j.contains("pad_token_id") && !j["pad_token_id"].is_null())
        g.pad_token_id = read_id(j["pad_token_id"], file, "pad_token_id");
    g.temperature = read_number(j, file, "temperature", g.temperature);
    g.top_p = read_number(j, file, "top_p", g.top_p);
    g.repetition_penalty = read_number(j, file, "repetition_penalty", g.repetition_penalty);
    if (j.contains("top_k") && !j["top_k"].is_null()) {
        if (!j["top_k"].is_number_integer() || j["top_k"].get<int64_t>() < 0 ||
            j["top_k"].get<int64_t>() > (1 << 30))
            bad(file, "top_k", "must be a non-negative integer, got " + j["top_k"].dump());
        g.top_k = j["top_k"].get<int>();
    }
    if (!(g.temperature >= 0)) bad(file, "temperature", "must be >= 0");
    if (!(g.top_p > 0 && g.top_p <= 1)) bad(file, "top_p", "must be in (0, 1]");
    if (!(g.repetition_penalty > 0)) bad(file, "repetition_penalty", "must be positive");
    return g;
}

ModelDir read_model_dir(const std::string& dir) {
    const fs::path d(dir);
    if (!fs::is_directory(d))
        throw FormatError(dir + ": not a directory (expected a Hugging Face model directory)");
    // Tokenizer has no empty state, so the aggregate is built in one go.
    ModelDir m{dir, read_config(d), load_generation_config(dir), Tokenizer::load(dir),
               read_image_processor(d)};
    // Without a generation config, stop where the Instruct models do: <|im_end|>, <|endoftext|>.
    const SpecialTokenIds& s = m.tokenizer.special_ids();
    if (m.generation.eos_token_ids.empty()) {
        m.generation.eos_token_ids.push_back(m.config.eos_token_id);
        for (int32_t id : {s.im_end, s.endoftext})
            if (id >= 0 && id != m.config.eos_token_id) m.generation.eos_token_ids.push_back(id);
    }
    if (m.generation.pad_token_id < 0 && s.endoftext >= 0) m.generation.pad_token_id = s.endoftext;
    check_chat_template(dir);  // warns when the template differs from Qwen2-VL's
    check_consistency(m);
    return m;
}

LoadedModel load_model(const std::string& dir, const ModelOptions& options) {
    // A PEFT adapter directory (a LoRA run's checkpoint): its base with the adapter merged.
    if (is_adapter_dir(dir) && !fs::exists(fs::path(dir) / "config.json"))
        return load_adapted_model(dir, options);
    LoadedModel out{read_model_dir(dir), VlmModel(nullptr)};
    // Sizes against the header's shapes before the model allocates anything.
    check_config_matches_weights(out.dir.config, (fs::path(dir) / "config.json").string(), dir);
    out.model = VlmModel(out.dir.config, options);
    try {
        // Shard by shard from the mapped files: CPU parameters in the file's dtype alias the
        // mapping (kept alive by their storage), the others are filled chunk by chunk.
        out.model->load_weights(open_checkpoint(dir));
    } catch (const ModelError& e) {  // names the weight; add the directory
        throw ModelError(dir + ": " + e.what());
    }
    out.model->eval();
    return out;
}

}  // namespace mmupt
