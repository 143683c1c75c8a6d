// Checkpoint contents: model directory, optimizer tensors, trainer_state.json.
#include "core/trainer/trainer_checkpoint.h"

#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/io/safetensors_torch.h"
#include "core/io/safetensors_writer.h"
#include "core/model/lora_io.h"
#include "core/session/run_files.h"
#include "core/trainer/ema_teacher.h"
#include "core/util/errors.h"
#include "core/util/test_pause.h"

namespace mmupt {
namespace fs = std::filesystem;
using nlohmann::json;

json to_json(const TrainerState& s) {
    json metrics = json::object();
    for (const auto& [k, v] : s.metrics)
        if (std::isfinite(v)) metrics[k] = v;
    json j = {{"step", s.step},
              {"optimizer_steps", s.optimizer_steps},
              {"data_cursor",
               {{"seed", s.cursor.seed},
                {"epoch", s.cursor.epoch},
                {"position", s.cursor.position},
                {"dataset_size", s.cursor.dataset_size},
                {"shuffle", s.cursor.shuffle}}},
              {"rng",
               {{"sampling_seed", s.sampling_seed},
                {"scheme", "counter-based draws keyed by (seed, step, prompt, sample, position)"}}},
              {"elapsed_s", s.elapsed_s},
              {"bad_steps", s.bad_steps},
              {"collapse", to_json(s.collapse)},
              {"metrics", metrics}};
    if (s.best) j["best"] = to_json(*s.best);
    return j;
}

TrainerState trainer_state_from_json(const json& j, const std::string& source) {
    auto need = [&](const json& obj, const char* key) -> const json& {
        if (!obj.is_object() || !obj.contains(key))
            throw CheckpointError(source + ": missing field '" + key +
                                  "' (not a checkpoint written by mmupt train?)");
        return obj.at(key);
    };
    TrainerState s;
    try {
        s.step = need(j, "step").get<int>();
        s.optimizer_steps = need(j, "optimizer_steps").get<long long>();
        const json& c = need(j, "data_cursor");
        s.cursor.seed = need(c, "seed").get<uint64_t>();
        s.cursor.epoch = need(c, "epoch").get<int64_t>();
        s.cursor.position = need(c, "position").get<int64_t>();
        s.cursor.dataset_size = need(c, "dataset_size").get<int64_t>();
        s.cursor.shuffle = need(c, "shuffle").get<bool>();
        s.sampling_seed = need(need(j, "rng"), "sampling_seed").get<uint64_t>();
        s.elapsed_s = j.value("elapsed_s", 0.0);
        s.bad_steps = j.value("bad_steps", 0);
        if (j.contains("collapse"))  // absent in checkpoints written before the alarm existed
            s.collapse = collapse_state_from_json(j["collapse"], source);
        if (j.contains("best"))  // absent before best-checkpoint selection, or none yet
            s.best = best_checkpoint_from_json(j["best"], source + " (\"best\")");
        if (j.contains("metrics") && j["metrics"].is_object())
            for (auto it = j["metrics"].begin(); it != j["metrics"].end(); ++it)
                if (it->is_number()) s.metrics[it.key()] = it->get<double>();
    } catch (const json::exception& e) {
        throw CheckpointError(source + ": malformed trainer state (" + e.what() + ")");
    }
    return s;
}

CheckpointInfo write_checkpoint(CheckpointStore& store, const TrainerState& state,
                                const VlmModel& policy, const ModelDir& source,
                                const AdamW& optimizer, const LoraModel* lora,
                                const std::string& lora_base,
                                const std::map<std::string, at::Tensor>* teacher_ema) {
    const std::string tmp = store.begin(state.step);
    try {
        if (lora) {
            save_adapter_dir(tmp, *lora, lora_base.empty() ? source.path : lora_base,
                             policy->options().dtype);
        } else {
            SaveModelOptions save;
            save.dtype = policy->options().dtype;  // exact weights: a resume continues bit for bit
            save_model_dir(tmp, policy, source, save);
        }
        save_safetensors((fs::path(tmp) / kOptimizerFile).string(), optimizer.state_tensors());
        if (teacher_ema) save_safetensors((fs::path(tmp) / kTeacherEmaFile).string(), *teacher_ema);
        json j = to_json(state);
        if (!state.config_json.empty()) j["config"] = json::parse(state.config_json);
        return store.commit(state.step, j);
    } catch (...) {
        store.abort(state.step);
        throw;
    }
}

namespace {

json read_state_json(const std::string& checkpoint_dir, std::string& path) {
    path = (fs::path(checkpoint_dir) / kTrainerStateFile).string();
    std::ifstream in(path);
    if (!in) throw CheckpointError(path + ": cannot read the trainer state");
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded()) throw CheckpointError(path + ": not valid JSON");
    return j;
}

void copy_into(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec)
        throw CheckpointError("cannot copy '" + from.string() + "' to '" + to.string() +
                              "': " + ec.message() + " (is the disk full?)");
}

}  // namespace

TrainerState read_trainer_state(const std::string& checkpoint_dir) {
    std::string path;
    const json j = read_state_json(checkpoint_dir, path);
    return trainer_state_from_json(j, path);
}

json read_checkpoint_config(const std::string& checkpoint_dir) {
    std::string path;
    const json j = read_state_json(checkpoint_dir, path);
    if (!j.is_object() || !j.contains("config") || !j["config"].is_object()) return nullptr;
    return j["config"];
}

std::string ensure_run_model_files(const std::string& run_dir, const std::string& source_dir) {
    const fs::path dst = fs::path(run_dir) / run_files::kModelFiles;
    std::error_code ec;
    if (fs::is_directory(dst, ec)) return dst.string();
    const fs::path tmp = fs::path(run_dir) / (std::string(".tmp-") + run_files::kModelFiles);
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec)
        throw CheckpointError("cannot create '" + tmp.string() + "': " + ec.message() +
                              " (is the disk full or read-only?)");
    for (const std::string& name : model_side_files())
        if (fs::is_regular_file(fs::path(source_dir) / name, ec))
            copy_into(fs::path(source_dir) / name, tmp / name);
    test_pause_point("model-files");
    fs::rename(tmp, dst, ec);
    if (ec) throw CheckpointError("cannot move '" + tmp.string() + "' into place: " + ec.message());
    return dst.string();
}

std::map<std::string, at::Tensor> read_optimizer_state(const std::string& checkpoint_dir) {
    const std::string path = (fs::path(checkpoint_dir) / kOptimizerFile).string();
    if (!fs::exists(path)) throw CheckpointError(path + ": the optimizer state is missing");
    try {
        return load_safetensors(path, ReadMode::kStream);
    } catch (const FormatError& e) {
        throw CheckpointError(path + ": " + e.what());
    }
}

std::optional<std::map<std::string, at::Tensor>> read_teacher_ema(
    const std::string& checkpoint_dir) {
    const std::string path = (fs::path(checkpoint_dir) / kTeacherEmaFile).string();
    if (!fs::exists(path)) return std::nullopt;
    try {
        return load_safetensors(path, ReadMode::kStream);
    } catch (const FormatError& e) {
        throw CheckpointError(path + ": " + e.what());
    }
}

}  // namespace mmupt
