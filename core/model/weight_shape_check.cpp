// Header-only shape checks of config.json against the checkpoint (weight_shape_check.h). Shapes
// are those of our module tree (text_decoder.cpp, vision_tower.cpp): D hidden, V vocab, I MLP
// width, KV*hd k_proj rows, E vision width, C*Tp*P*P patch embedding, Iv vision MLP width.
// Names are compared in canonical form (canonical_weight_name), so both checkpoint layouts work.
#include "core/model/weight_shape_check.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "core/io/safetensors_file.h"
#include "core/model/weight_names.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

using Shape = std::vector<uint64_t>;

std::string shape_text(const Shape& s) {
    std::string out = "[";
    for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "]";
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

struct Weights {
    struct Entry {
        std::string name, file;  // as written in the checkpoint
        Shape shape;
    };
    std::map<std::string, Entry> by_canonical;
    const Entry* get(const std::string& canonical_name) const {
        auto it = by_canonical.find(canonical_name);
        return it == by_canonical.end() ? nullptr : &it->second;
    }
    // 1 + the largest N of "<prefix>N." names, or 0 when there are none.
    int64_t count_blocks(const std::string& prefix) const {
        int64_t n = 0;
        for (auto it = by_canonical.lower_bound(prefix);
             it != by_canonical.end() && starts_with(it->first, prefix); ++it) {
            const std::string rest = it->first.substr(prefix.size());
            size_t dot = rest.find('.');
            if (dot == 0 || dot == std::string::npos || dot > 9) continue;
            int64_t i = 0;
            bool digits = true;
            for (size_t k = 0; k < dot; ++k) {
                digits = digits && rest[k] >= '0' && rest[k] <= '9';
                i = i * 10 + (rest[k] - '0');
            }
            if (digits) n = std::max(n, i + 1);
        }
        return n;
    }
};

struct Checker {
    const Weights& w;
    std::string config_path;

    // One tensor: each dim either matches the config value of `keys[d]` or the error names it.
    // `expected` holds the config values, `layout` the symbolic shape ("[vocab_size, hidden]").
    void tensor(const std::string& name, const std::vector<std::pair<const char*, int64_t>>& dims,
                const std::string& layout) const {
        const Weights::Entry* e = w.get(name);
        if (!e) return;  // a missing tensor is the loader's message
        if (e->shape.size() != dims.size())
            throw ModelError(config_path + ": the checkpoint's " + e->name + " in " + e->file +
                             " has shape " + shape_text(e->shape) + ", expected " + layout);
        for (size_t d = 0; d < dims.size(); ++d) {
            const auto& [key, value] = dims[d];
            if (value >= 0 && e->shape[d] == static_cast<uint64_t>(value)) continue;
            throw ModelError(config_path + ": `" + key + "` is " + std::to_string(value) +
                             " but the checkpoint's " + e->name + " in " + e->file + " has shape " +
                             shape_text(e->shape) + " (" + layout +
                             "); config.json does not describe these weights");
        }
    }
    void count(const std::string& prefix, const char* key, int64_t value,
               const std::string& what) const {
        const int64_t n = w.count_blocks(prefix);
        if (n == 0 || n == value) return;
        throw ModelError(config_path + ": `" + key + "` is " + std::to_string(value) +
                         " but the checkpoint holds " + std::to_string(n) + " " + what +
                         "; config.json does not describe these weights");
    }
};

}  // namespace

void check_config_matches_weights(const ModelConfig& c, const std::string& config_path,
                                  const std::string& checkpoint_path) {
    const SafetensorsCheckpoint ck = open_checkpoint(checkpoint_path, ReadMode::kStream);
    Weights w;
    for (const auto& [name, shard] : ck.where) {
        const SafetensorsFile& f = ck.shards[shard];
        const TensorRecord* r = f.header().find(name);
        if (r) w.by_canonical[canonical_weight_name(name)] = {name, f.path(), r->shape};
    }
    const Checker ch{w, config_path};
    const TextConfig& t = c.text;
    const VisionConfig& v = c.vision;
    const int64_t kv_rows = t.num_key_value_heads * t.head_dim();
    const std::string L = "model.language_model.", V = "model.visual.";

    ch.tensor(L + "embed_tokens.weight",
              {{"vocab_size", t.vocab_size}, {"hidden_size", t.hidden_size}},
              "[vocab_size, hidden_size]");
    ch.tensor("lm_head.weight", {{"vocab_size", t.vocab_size}, {"hidden_size", t.hidden_size}},
              "[vocab_size, hidden_size]");
    ch.count(L + "layers.", "num_hidden_layers", t.num_hidden_layers, "decoder layers");
    ch.tensor(L + "layers.0.mlp.gate_proj.weight",
              {{"intermediate_size", t.intermediate_size}, {"hidden_size", t.hidden_size}},
              "[intermediate_size, hidden_size]");
    ch.tensor(L + "layers.0.self_attn.k_proj.weight",
              {{"num_key_value_heads * head_dim", kv_rows}, {"hidden_size", t.hidden_size}},
              "[num_key_value_heads * hidden_size / num_attention_heads = " +
                  std::to_string(kv_rows) + ", hidden_size]");

    ch.tensor(V + "patch_embed.proj.weight",
              {{"vision_config width", v.width},
               {"vision_config.in_channels", v.in_channels},
               {"vision_config.temporal_patch_size", v.temporal_patch_size},
               {"vision_config.patch_size", v.patch_size},
               {"vision_config.patch_size", v.patch_size}},
              "[width, in_channels, temporal_patch_size, patch_size, patch_size]");
    ch.count(V + "blocks.", "vision_config.depth", v.depth, "vision blocks");
    for (const char* mlp : {"blocks.0.mlp.fc1.weight", "blocks.0.mlp.gate_proj.weight"})
        ch.tensor(
            V + mlp,
            {{"vision_config MLP width", v.intermediate_size}, {"vision_config width", v.width}},
            "[vision MLP width, vision width]");
    const int64_t unit = v.spatial_merge_size * v.spatial_merge_size * v.width;
    ch.tensor(V + "merger.mlp.2.weight",
              {{"vision_config merger output width", v.out_hidden_size},
               {"vision_config.spatial_merge_size^2 * width", unit}},
              "[out_hidden_size, spatial_merge_size^2 * width = " + std::to_string(unit) + "]");
}

}  // namespace mmupt
