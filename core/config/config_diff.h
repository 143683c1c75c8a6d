// What changed between the config a run was trained with and the config it is resumed with
// (`mmupt train --resume`), and which changes alter its trajectory. Resume-safe keys (run
// length, saving, logging, validation, threads, device) may change freely; every other key
// changes what the run computes and needs --allow-config-change. Throws nothing.
#pragma once
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

namespace mmupt {

struct ConfigChange {
    std::string key;            // "rollout.n"
    std::string before, after;  // JSON text of the values
    bool alters_trajectory = true;
};

// Keys whose values differ between two to_json(RunConfig) objects, in schema order. A key
// missing from `before` (a config saved by an older mmupt) is not compared.
std::vector<ConfigChange> diff_configs(const nlohmann::json& before, const nlohmann::json& after);

// False for the keys a resume may change without altering the trajectory.
bool alters_trajectory(const std::string& key);

// "rollout.n: 8 -> 4, trainer.max_steps: 2 -> 4".
std::string describe(const std::vector<ConfigChange>& changes);

}  // namespace mmupt
