// PEFT adapter directories: `adapter_config.json` + `adapter_model.safetensors`, as PEFT's
// `save_pretrained` writes them, so `PeftModel.from_pretrained(base, dir)` loads ours and we
// load theirs (LoRA on Linear layers, no DoRA / rsLoRA / bias / modules_to_save).
// Tensor names follow PEFT's `get_peft_model_state_dict`: the PeftModel's state-dict key
// `base_model.model.<module>.lora_A.<adapter>.weight` with the adapter name removed, i.e.
// `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight` for the Hub layout we
// write (PEFT maps it onto transformers >= 4.52's `model.language_model.*` through the model's
// _checkpoint_conversion_mapping). Reading accepts both layouts. Errors: FormatError /
// ModelError naming the file, key and the fix.
#pragma once
#include <string>

#include "core/model/lora.h"
#include "core/model/model_dir.h"

namespace mmupt {

inline constexpr const char* kAdapterConfigFile = "adapter_config.json";
inline constexpr const char* kAdapterWeightsFile = "adapter_model.safetensors";

struct AdapterConfig {
    LoraOptions lora;        // r, lora_alpha, lora_dropout, target_modules (seed unused)
    std::string base_model;  // base_model_name_or_path
};

bool is_adapter_dir(const std::string& dir);  // holds adapter_config.json
// Throws FormatError naming the file and the field for what we cannot honour (use_dora,
// use_rslora, bias != none, a target_modules list we cannot express, another peft_type).
AdapterConfig read_adapter_config(const std::string& dir);
// Adapter tensors under our names (model.language_model.layers.N....lora_A.weight).
WeightMap read_adapter_weights(const std::string& dir);
// Writes both files (tensors in `dtype`); `base_model` goes to base_model_name_or_path.
void save_adapter_dir(const std::string& dir, const LoraModel& lora, const std::string& base_model,
                      at::ScalarType dtype);

// PEFT tensor name <-> ours.
std::string peft_tensor_name(const std::string& ours);
std::string our_tensor_name(const std::string& peft);  // "" when not a LoRA A/B tensor

// An adapter directory as a plain model: the base (base_model_name_or_path, or `base_dir` when
// given) with the adapter merged into its weights. Tokenizer etc. come from the base.
LoadedModel load_adapted_model(const std::string& adapter_dir, const ModelOptions& options,
                               const std::string& base_dir = "");

// Checks that a PEFT adapter fits a run's LoRA settings (rank, alpha, targets); ConfigError
// naming the adapter_config.json field and the model.lora key that differ.
// `weights` from read_adapter_weights; `run` built from the run's model.lora settings.
void check_adapter_matches(const AdapterConfig& adapter, const WeightMap& weights,
                           const LoraModel& run, const std::string& adapter_dir);

}  // namespace mmupt
