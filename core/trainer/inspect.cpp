// Model / dataset summaries (with the memory planner's peak) and checkpoint export (inspect.h).
#include "core/trainer/inspect.h"

#include <ATen/ATen.h>

#include <filesystem>

#include "core/config/config_io.h"
#include "core/data/dataset.h"
#include "core/io/export_target.h"
#include "core/io/safetensors_file.h"
#include "core/model/lora_io.h"
#include "core/model/model_dir.h"
#include "core/session/best_checkpoint.h"
#include "core/session/run_files.h"
#include "core/session/run_lock.h"
#include "core/trainer/memory_plan.h"
#include "core/trainer/trainer.h"
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

std::string find_best_checkpoint(const std::string& run_dir) {
    const std::optional<BestCheckpoint> best = read_best_checkpoint(run_dir);
    if (!best)
        throw CheckpointError("'" + run_dir + "' has no " + run_files::kBest +
                              ": the best checkpoint is chosen by validation, which needs "
                              "data.val_files and trainer.val_every > 0 (and trainer.best_metric "
                              "other than none); export a step with --step N or the newest "
                              "without --step");
    for (const auto& c : list_checkpoints(run_dir))
        if (c.step == best->step) return c.path;
    throw CheckpointError("'" + run_dir + "': " + run_files::kBest + " names " + best->checkpoint +
                          ", which is not a complete checkpoint (deleted by hand?); export "
                          "another step with --step N");
}

namespace {

// checkpoints/step-N -> the run directory, when `model_dir` is a checkpoint of a run.
std::optional<fs::path> run_of_checkpoint(const std::string& model_dir) {
    const fs::path dir = fs::absolute(model_dir).lexically_normal();
    const fs::path run = dir.parent_path().parent_path();
    std::error_code ec;
    if (dir.parent_path().filename() == run_files::kCheckpoints &&
        fs::is_regular_file(run / run_files::kConfig, ec))
        return run;
    return std::nullopt;
}

// The dtype of the stored floating-point weights (the first one found in the headers).
at::ScalarType stored_dtype(const std::string& model_dir) {
    SafetensorsCheckpoint ckpt = open_checkpoint(model_dir);
    for (const auto& shard : ckpt.shards)
        for (const auto& t : shard.header().tensors) {
            if (t.dtype == StDtype::F32) return at::kFloat;
            if (t.dtype == StDtype::BF16) return at::kBFloat16;
            if (t.dtype == StDtype::F16) return at::kHalf;
        }
    return at::kFloat;
}

uint64_t directory_bytes(const fs::path& dir) {
    uint64_t bytes = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file(ec)) bytes += e.file_size(ec);
    return bytes;
}

}  // namespace

std::vector<std::string> export_protected_dirs(const std::string& model_dir) {
    std::vector<std::string> dirs = {model_dir};
    if (auto run = run_of_checkpoint(model_dir)) {
        dirs.push_back(run->string());
        try {
            dirs.push_back(load_config((*run / run_files::kConfig).string(), {}).model.path);
        } catch (const Error&) {  // an unreadable config.yaml: the run directory still counts
        }
    }
    return dirs;
}

ExportReport export_model(const std::string& model_dir, const std::string& out_dir,
                          const ExportOptions& options) {
    std::vector<fs::path> protect;
    for (const auto& d : export_protected_dirs(model_dir)) protect.emplace_back(d);
    const ExportTarget target = inspect_export_target(out_dir, protect);
    if (target.kind == ExportTargetKind::Refused)
        throw CheckpointError("export refused: " + target.reason);
    if (target.kind == ExportTargetKind::EarlierExport && !options.force)
        throw CheckpointError("export: " + target.reason + "; add --force to replace it");
    const bool adapter = is_adapter_dir(model_dir);  // a LoRA run's checkpoint
    if (options.merge && !adapter)
        throw CheckpointError("export --merge applies to LoRA runs; " + model_dir +
                              " holds the full model (drop --merge)");
    std::optional<RunLock> lock;  // rotation must not delete the checkpoint while it is read
    if (auto run = run_of_checkpoint(model_dir)) lock.emplace(run->string(), "mmupt export");
    const fs::path out = fs::weakly_canonical(fs::absolute(out_dir));
    const std::string source = fs::absolute(model_dir).lexically_normal().string();
    ExportReport report;
    report.out_dir = out.string();
    if (adapter && !options.merge) {  // the PEFT adapter directory as trained
        if (options.dtype)
            throw CheckpointError(
                "export --dtype applies to full models; a LoRA adapter is "
                "exported as trained (add --merge for a full model)");
        read_adapter_config(model_dir);  // refuse to copy something PEFT would not load
        fs::create_directories(out);
        for (const char* f : {kAdapterConfigFile, kAdapterWeightsFile})
            fs::copy_file(fs::path(model_dir) / f, out / f, fs::copy_options::overwrite_existing);
        lock.reset();
        report.dtype = "adapter";
        report.tensors = static_cast<int64_t>(read_adapter_weights(out.string()).size());
        write_export_marker(out, source, report.dtype);
        report.bytes = directory_bytes(out);
        return report;
    }
    // A merged LoRA export keeps the base model's dtype (the adapter's product folds into it).
    const std::string weights_dir = adapter ? read_adapter_config(model_dir).base_model : model_dir;
    const at::ScalarType dtype =
        options.dtype ? to_scalar_type(*options.dtype) : stored_dtype(weights_dir);
    ModelOptions o;  // fp32 on the CPU: exact for any stored dtype, and for the LoRA merge
    LoadedModel m = adapter ? load_adapted_model(model_dir, o) : load_model(model_dir, o);
    lock.reset();
    SaveModelOptions save;
    save.dtype = dtype;
    save_model_dir(out.string(), m.model, m.dir, save);
    report.dtype = dtype == at::kFloat      ? "float32"
                   : dtype == at::kBFloat16 ? "bfloat16"
                                            : "float16";
    write_export_marker(out, source, report.dtype);
    report.tensors = static_cast<int64_t>(m.model->state_dict().size());
    report.bytes = directory_bytes(out);
    return report;
}

}  // namespace mmupt
