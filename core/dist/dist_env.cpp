// Reading the launcher's environment (dist_env.h).
#include "core/dist/dist_env.h"

#include <cstdlib>
#include <string>

namespace mmupt {
namespace {

// The value of the first of `names` that is set, or nullptr; `name` receives which one.
const char* first_set(const EnvLookup& get, std::initializer_list<const char*> names,
                      std::string& name) {
    for (const char* n : names)
        if (const char* v = get(n); v && *v) {
            name = n;
            return v;
        }
    return nullptr;
}

int parse_int(const std::string& name, const char* value, int lo, int hi) {
    std::string s(value);
    size_t used = 0;
    long v = 0;
    try {
        v = std::stol(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != s.size() || s.empty() || v < lo || v > hi)
        throw DistError(name + "='" + s + "': expected an integer in [" + std::to_string(lo) +
                        ", " + std::to_string(hi) + "]; unset it or fix the launcher");
    return static_cast<int>(v);
}

}  // namespace

DistEnv read_dist_env(const EnvLookup& lookup_in) {
    const EnvLookup get = lookup_in ? lookup_in : [](const char* n) { return std::getenv(n); };
    DistEnv env;
    std::string world_name, rank_name, local_name;
    const char* world = first_set(get, {"WORLD_SIZE", "SLURM_NTASKS"}, world_name);
    if (!world) return env;  // a single process, no group
    env.world_size = parse_int(world_name, world, 1, 65536);
    env.source = world_name == "WORLD_SIZE" ? "torchrun" : "slurm";
    // Slurm sets SLURM_NTASKS=1 for every plain job step: that is no distributed run.
    if (env.source == "slurm" && env.world_size == 1) return DistEnv{};
    env.enabled = true;
    const char* rank = env.source == "torchrun" ? first_set(get, {"RANK"}, rank_name)
                                                : first_set(get, {"SLURM_PROCID"}, rank_name);
    if (!rank && env.world_size > 1)
        throw DistError(world_name + "=" + std::to_string(env.world_size) + " but " +
                        (env.source == "torchrun" ? "RANK" : "SLURM_PROCID") +
                        " is not set; every process needs its rank (0 .. world size - 1)");
    if (rank) env.rank = parse_int(rank_name, rank, 0, env.world_size - 1);
    const char* local = env.source == "torchrun" ? first_set(get, {"LOCAL_RANK"}, local_name)
                                                 : first_set(get, {"SLURM_LOCALID"}, local_name);
    if (local) env.local_rank = parse_int(local_name, local, 0, 65535);
    std::string name;
    if (const char* addr = first_set(get, {"MASTER_ADDR"}, name)) {
        env.master_addr = addr;
    } else if (env.world_size > 1) {
        throw DistError(
            "MASTER_ADDR is not set: give the host of rank 0, e.g. in an sbatch script "
            "`export MASTER_ADDR=$(scontrol show hostnames $SLURM_JOB_NODELIST | head -n1)` "
            "(docs/distributed.md)");
    }
    if (const char* port = first_set(get, {"MASTER_PORT"}, name))
        env.master_port = parse_int("MASTER_PORT", port, 1, 65535);
    return env;
}

std::string describe(const DistEnv& env) {
    return "rank " + std::to_string(env.rank) + " of " + std::to_string(env.world_size) +
           " (local " + std::to_string(env.local_rank) + ") via " + env.master_addr + ":" +
           std::to_string(env.master_port);
}

}  // namespace mmupt
