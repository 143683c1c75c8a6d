// `mmupt export` of a LoRA run's checkpoint (a PEFT adapter directory): the adapter as PEFT
// writes it (adapter_config.json + adapter_model.safetensors, for PeftModel.from_pretrained),
// or with `merge` the base model with W + s*B*A folded in, as a full Hugging Face model
// directory in bfloat16. Full-weight checkpoints go through export_model (inspect.h).
#pragma once
#include <string>

namespace mmupt {

// Throws CheckpointError / FormatError naming the file; the output directory is created.
void export_lora_checkpoint(const std::string& checkpoint_dir, const std::string& out_dir,
                            bool merge);

}  // namespace mmupt
