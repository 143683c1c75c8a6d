// `mmupt train ... --nproc N`: N local worker processes of this same binary, one rank each
// (docs/distributed.md). The launcher sets MASTER_ADDR=127.0.0.1, a free MASTER_PORT (unless
// one is set), WORLD_SIZE, RANK and LOCAL_RANK per worker, forwards SIGINT / SIGTERM to them (a
// first one stops every rank after the step with a checkpoint, a second exits at once), and
// waits. When a worker fails, the others get `grace_s` to notice (they fail their next
// collective within trainer.dist_timeout_s) before they are killed; the exit code is the first
// failing rank's. Workers die with the launcher (PR_SET_PDEATHSIG). Linux only.
#pragma once
#include <string>
#include <vector>

namespace mmupt::cli {

// `worker_args`: the arguments after `mmupt` that each worker runs (`train ...`, no --nproc).
int launch_workers(int nproc, const std::vector<std::string>& worker_args, double grace_s);

}  // namespace mmupt::cli
