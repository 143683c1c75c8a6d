// LoRA checkpoint export (lora_export.h).
#include "core/trainer/lora_export.h"

#include <ATen/ATen.h>

#include <filesystem>

#include "core/model/lora_io.h"
#include "core/model/model_dir.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;

void export_lora_checkpoint(const std::string& checkpoint, const std::string& out_dir, bool merge) {
    if (!is_adapter_dir(checkpoint))
        throw CheckpointError(checkpoint + ": not a LoRA checkpoint (no " +
                              std::string(kAdapterConfigFile) + ")");
    if (fs::exists(out_dir) && fs::equivalent(fs::absolute(checkpoint), fs::absolute(out_dir)))
        throw CheckpointError("export: the output directory is the checkpoint itself");
    if (merge) {
        ModelOptions o;  // fp32 on the CPU: the merge is done once, at full precision
        LoadedModel m = load_adapted_model(checkpoint, o);
        SaveModelOptions save;
        save.dtype = at::kBFloat16;
        save_model_dir(out_dir, m.model, m.dir, save);
        return;
    }
    read_adapter_config(checkpoint);  // refuse to copy something PEFT would not load
    fs::create_directories(out_dir);
    for (const char* f : {kAdapterConfigFile, kAdapterWeightsFile})
        fs::copy_file(fs::path(checkpoint) / f, fs::path(out_dir) / f,
                      fs::copy_options::overwrite_existing);
}

}  // namespace mmupt
