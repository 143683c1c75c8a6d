// Where this process sits in a data-parallel run: the rendezvous address and its rank, read from
// the environment torchrun and `mmupt train --nproc` set (MASTER_ADDR, MASTER_PORT, WORLD_SIZE,
// RANK, LOCAL_RANK), with Slurm's SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID as fallbacks so
// `srun mmupt train ...` works unchanged. Torch-free; nothing here connects (process_group.h).
#pragma once
#include <functional>
#include <string>

#include "core/util/errors.h"

namespace mmupt {

// A failed rendezvous or collective; the text names the rank(s) involved and what to check.
class DistError : public Error {
  public:
    using Error::Error;
};

struct DistEnv {
    bool enabled = false;  // WORLD_SIZE set (even to 1), or SLURM_NTASKS > 1
    std::string master_addr = "127.0.0.1";
    int master_port = 29500;  // torchrun's default
    int world_size = 1;
    int rank = 0;
    int local_rank = 0;  // the GPU index on this node (cuda:LOCAL_RANK)
    std::string source;  // "torchrun" (the MASTER_* / RANK variables) or "slurm", for messages
};

using EnvLookup = std::function<const char*(const char*)>;

// Reads the variables through `lookup` (std::getenv by default). Throws DistError naming the
// variable when one is malformed, out of range, or when MASTER_ADDR is missing for a
// multi-process run.
DistEnv read_dist_env(const EnvLookup& lookup = {});

// "rank 1 of 2 (local 1) via 127.0.0.1:29500", for logs.
std::string describe(const DistEnv& env);

}  // namespace mmupt
