// PEFT adapter directories (lora_io.h). Field names and defaults follow PEFT's LoraConfig
// (src/peft/tuners/lora/config.py) and tensor names its get_peft_model_state_dict
// (src/peft/utils/save_and_load.py); see tests/data/peft_adapter/SOURCE.md.
#include "core/model/lora_io.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/io/atomic_file.h"
#include "core/io/safetensors_torch.h"
#include "core/io/safetensors_writer.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kPeftPrefix = "base_model.model.";

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// "m.lora_A.weight" -> "m"; "" when not a LoRA tensor name.
std::string module_of(const std::string& name) {
    for (const char* tail : {".lora_A.weight", ".lora_B.weight"})
        if (ends_with(name, tail)) return name.substr(0, name.size() - std::string(tail).size());
    return "";
}

}  // namespace

bool is_adapter_dir(const std::string& dir) {
    std::error_code ec;
    return fs::is_regular_file(fs::path(dir) / kAdapterConfigFile, ec);
}

std::string peft_tensor_name(const std::string& ours) {
    return kPeftPrefix + legacy_weight_name(ours);
}

std::string our_tensor_name(const std::string& peft) {
    std::string n = peft;
    if (n.rfind(kPeftPrefix, 0) == 0) n = n.substr(std::string(kPeftPrefix).size());
    if (module_of(n).empty()) return "";
    return canonical_weight_name(n);
}

AdapterConfig read_adapter_config(const std::string& dir) {
    const std::string path = (fs::path(dir) / kAdapterConfigFile).string();
    std::ifstream in(path);
    if (!in) throw FormatError(path + ": cannot read the adapter config");
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw FormatError(path + ": not a JSON object");
    auto bad = [&](const std::string& field, const std::string& why) {
        return FormatError(path + ": " + field + " " + why);
    };
    AdapterConfig c;
    try {
        if (j.value("peft_type", std::string("LORA")) != "LORA")
            throw bad("peft_type", "is '" + j["peft_type"].get<std::string>() +
                                       "'; only LoRA adapters (peft_type LORA) are supported");
        if (!j.contains("r")) throw bad("r", "is missing (the LoRA rank)");
        c.lora.rank = j.at("r").get<int64_t>();
        c.lora.alpha = j.value("lora_alpha", 8.0);  // PEFT's defaults
        c.lora.dropout = j.value("lora_dropout", 0.0);
        if (j.contains("target_modules") && j["target_modules"].is_string())
            c.lora.target_modules = j["target_modules"].get<std::string>();
        else
            c.lora.target_modules =
                "";  // a list: the tensors say which modules (read_adapter_weights)
        if (j.contains("base_model_name_or_path") && j["base_model_name_or_path"].is_string())
            c.base_model = j["base_model_name_or_path"].get<std::string>();
        for (const char* flag : {"use_dora", "use_rslora", "fan_in_fan_out"})
            if (j.value(flag, false))
                throw bad(flag,
                          "is true; only plain LoRA (alpha / r scaling, no DoRA) is supported");
        if (j.value("bias", std::string("none")) != "none")
            throw bad("bias",
                      "is '" + j["bias"].get<std::string>() + "'; only \"none\" is supported");
        for (const char* pattern : {"rank_pattern", "alpha_pattern"})
            if (j.contains(pattern) && j[pattern].is_object() && !j[pattern].empty())
                throw bad(pattern, "is set; per-module ranks / alphas are not supported");
        if (j.contains("modules_to_save") && !j["modules_to_save"].is_null() &&
            !j["modules_to_save"].empty())
            throw bad("modules_to_save",
                      "is set; adapters with fully trained modules are not "
                      "supported");
    } catch (const json::exception& e) {
        throw FormatError(path + ": malformed adapter config (" + e.what() + ")");
    }
    if (c.lora.rank < 1) throw bad("r", "= " + std::to_string(c.lora.rank) + ": must be >= 1");
    return c;
}

WeightMap read_adapter_weights(const std::string& dir) {
    const std::string path = (fs::path(dir) / kAdapterWeightsFile).string();
    if (!fs::exists(path))
        throw FormatError(path +
                          ": missing (adapter.bin from older PEFT is not read; save with "
                          "safe_serialization=True)");
    WeightMap out;
    for (auto& [name, t] : load_safetensors(path, ReadMode::kStream)) {
        const std::string ours = our_tensor_name(name);
        if (ours.empty())
            throw FormatError(path + ": tensor '" + name +
                              "' is not a LoRA A / B weight (base_model.model.<module>.lora_A."
                              "weight); embeddings, biases or DoRA magnitudes are not supported");
        out[ours] = t;
    }
    if (out.empty()) throw FormatError(path + ": holds no tensors");
    return out;
}

void save_adapter_dir(const std::string& dir, const LoraModel& lora, const std::string& base_model,
                      at::ScalarType dtype) {
    fs::create_directories(dir);
    TensorMap tensors;
    for (const auto& [name, t] : lora.state_dict()) tensors[peft_tensor_name(name)] = t.to(dtype);
    save_safetensors((fs::path(dir) / kAdapterWeightsFile).string(), tensors);
    const LoraOptions& o = lora.options();
    // The fields PEFT's LoraConfig reads; the rest take its defaults.
    json c = {{"peft_type", "LORA"},
              {"task_type", "CAUSAL_LM"},
              {"base_model_name_or_path", base_model},
              {"r", o.rank},
              {"lora_alpha", o.alpha},
              {"lora_dropout", o.dropout},
              {"target_modules", o.target_modules},
              {"bias", "none"},
              {"fan_in_fan_out", false},
              {"use_rslora", false},
              {"use_dora", false},
              {"init_lora_weights", true},
              {"inference_mode", true},
              {"modules_to_save", nullptr},
              {"rank_pattern", json::object()},
              {"alpha_pattern", json::object()},
              {"layers_to_transform", nullptr},
              {"layers_pattern", nullptr},
              {"revision", nullptr}};
    const std::string text = c.dump(2) + "\n";
    AtomicFile f((fs::path(dir) / kAdapterConfigFile).string());
    f.write(text.data(), text.size());
    f.commit();
}

void check_adapter_matches(const AdapterConfig& a, const WeightMap& weights, const LoraModel& run,
                           const std::string& dir) {
    const std::string file = (fs::path(dir) / kAdapterConfigFile).string();
    const LoraOptions& o = run.options();
    if (a.lora.rank != o.rank)
        throw ConfigError(file + ": r = " + std::to_string(a.lora.rank) +
                          " but model.lora.rank = " + std::to_string(o.rank) +
                          "; set model.lora.rank=" + std::to_string(a.lora.rank));
    if (a.lora.alpha != o.alpha)
        throw ConfigError(file + ": lora_alpha = " + std::to_string(a.lora.alpha) +
                          " but model.lora.alpha = " + std::to_string(o.alpha) +
                          "; set model.lora.alpha to the adapter's value");
    std::set<std::string> theirs, ours;
    for (const auto& [name, t] : weights) theirs.insert(module_of(name));
    for (const auto& [name, ad] : run.adapters()) ours.insert(name);
    for (const auto& m : theirs)
        if (!ours.count(m))
            throw ConfigError(file + ": the adapter has weights for '" + m +
                              "', which model.lora.target_modules = '" + o.target_modules +
                              "' does not select; set target_modules to the adapter's (" +
                              (a.lora.target_modules.empty() ? "a list" : a.lora.target_modules) +
                              ")");
    for (const auto& m : ours)
        if (!theirs.count(m))
            throw ConfigError(file + ": model.lora.target_modules = '" + o.target_modules +
                              "' selects '" + m +
                              "', for which the adapter has no weights; set "
                              "target_modules to the adapter's");
}

LoadedModel load_adapted_model(const std::string& adapter_dir, const ModelOptions& options,
                               const std::string& base_dir) {
    AdapterConfig a = read_adapter_config(adapter_dir);
    const std::string base = base_dir.empty() ? a.base_model : base_dir;
    if (base.empty() || !fs::is_directory(base))
        throw FormatError((fs::path(adapter_dir) / kAdapterConfigFile).string() +
                          ": base_model_name_or_path = '" + a.base_model +
                          "' is not a model directory on this machine; load the base model "
                          "directory and apply the adapter to it");
    WeightMap weights = read_adapter_weights(adapter_dir);
    LoadedModel m = load_model(base, options);
    LoraOptions o = a.lora;
    o.target_modules.clear();
    for (const auto& [name, t] : weights) o.target_names.insert(module_of(name));
    {
        LoraModel lora(m.model, o);
        lora.load_state_dict(weights);
        lora.merge();
    }  // the adapters detach; their product stays in the weights
    return m;
}

}  // namespace mmupt
