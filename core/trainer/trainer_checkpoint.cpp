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
#include "core/util/errors.h"

namespace mmupt {
namespace fs = std::filesystem;
using nlohmann::json;

json to_json(const TrainerState& s) {
    json metrics = json::object();
    for (const auto& [k, v] : s.metrics)
        if (std::isfinite(v)) metrics[k] = v;
    return {{"step", s.step},
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
            {"metrics", metrics}};
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
                                const AdamW& optimizer, const LoraModel* lora) {
    const std::string tmp = store.begin(state.step);
    try {
        if (lora) {
            save_adapter_dir(tmp, *lora, source.path, policy->options().dtype);
        } else {
            SaveModelOptions save;
            save.dtype = policy->options().dtype;  // exact weights: a resume continues bit for bit
            save_model_dir(tmp, policy, source, save);
        }
        save_safetensors((fs::path(tmp) / kOptimizerFile).string(), optimizer.state_tensors());
        return store.commit(state.step, to_json(state));
    } catch (...) {
        store.abort(state.step);
        throw;
    }
}

TrainerState read_trainer_state(const std::string& checkpoint_dir) {
    const std::string path = (fs::path(checkpoint_dir) / kTrainerStateFile).string();
    std::ifstream in(path);
    if (!in) throw CheckpointError(path + ": cannot read the trainer state");
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded()) throw CheckpointError(path + ": not valid JSON");
    return trainer_state_from_json(j, path);
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

}  // namespace mmupt
