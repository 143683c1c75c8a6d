// Model / dataset summaries (with the memory planner's peak) and checkpoint export (inspect.h).
#include "core/trainer/inspect.h"

#include <ATen/ATen.h>

#include <filesystem>

#include "core/data/dataset.h"
#include "core/io/safetensors_file.h"
#include "core/model/model_dir.h"
#include "core/session/run_files.h"
#include "core/trainer/memory_plan.h"
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;

ModelSummary summarize_model(const std::string& model_dir, const RunConfig& config) {
    ModelDir dir = read_model_dir(model_dir);
    ModelSummary s;
    s.path = model_dir;
    s.architecture = dir.config.architecture();
    s.model_type = dir.config.model_type();
    s.dtype = dir.config.torch_dtype;
    SafetensorsCheckpoint ckpt = open_checkpoint(model_dir);
    for (const auto& shard : ckpt.shards)
        for (const auto& t : shard.header().tensors)
            s.num_parameters += static_cast<long long>(t.numel());
    MemoryPlanOptions plan;
    plan.cuda = config.model.device.rfind("cuda", 0) == 0;
    s.estimated_memory_gb = plan_memory(dir.config, config, plan).full.peak / 1e9;
    if (config.model.dtype == Dtype::float16)
        s.warnings.push_back("float16 training overflows easily; bfloat16 is the safer choice");
    return s;
}

DatasetSummary summarize_dataset(const RunConfig& config) {
    Dataset data = load_dataset(config.data.train_files, config.data);
    DatasetSummary s;
    for (const auto& f : config.data.train_files) s.path += (s.path.empty() ? "" : ", ") + f;
    s.examples = static_cast<int>(data.report.examples);
    s.images_ok = static_cast<int>(data.report.images_ok);
    s.images_skipped = static_cast<int>(data.report.images_missing + data.report.images_corrupt +
                                        data.report.images_oversized);
    s.labelled = static_cast<int>(data.report.labelled);
    s.warnings = data.report.warnings;
    for (const auto& ex : data.examples) {
        if (s.first_image_paths.size() >= 8) break;
        if (!ex.image_paths.empty()) s.first_image_paths.push_back(ex.image_paths.front());
    }
    return s;
}

std::string find_checkpoint(const std::string& run_dir, int step) {
    auto all = list_checkpoints(run_dir);
    if (all.empty())
        throw CheckpointError("'" + run_dir +
                              "' holds no complete checkpoint (checkpoints/step-N "
                              "with trainer_state.json)");
    if (step < 0) return all.back().path;
    for (const auto& c : all)
        if (c.step == step) return c.path;
    std::string have;
    for (const auto& c : all) have += (have.empty() ? "" : ", ") + std::to_string(c.step);
    throw CheckpointError("'" + run_dir + "' has no checkpoint of step " + std::to_string(step) +
                          " (have: " + have + ")");
}

void export_model(const std::string& model_dir, const std::string& out_dir) {
    if (fs::exists(out_dir) && !fs::is_empty(out_dir) &&
        fs::equivalent(fs::absolute(model_dir), fs::absolute(out_dir)))
        throw CheckpointError("export: the output directory is the source itself");
    ModelOptions o;  // fp32 on the CPU: exact for any stored dtype
    LoadedModel m = load_model(model_dir, o);
    SaveModelOptions save;
    save.dtype = at::kBFloat16;
    save_model_dir(out_dir, m.model, m.dir, save);
}

}  // namespace mmupt
