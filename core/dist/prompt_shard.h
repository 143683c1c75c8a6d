// Which of a step's B prompts each rank trains on. Every rank draws the same B prompts from the
// global data cursor (so the cursor, and a resume, never depend on the world size); rank r keeps
// the r-th of W equal slices of every mini-batch of M prompts, so each optimizer update sees
// the same prompts as in one process and its loss can be normalised by the global token count.
// All G samples of a prompt stay on its rank: the vote stays local. Torch-free.
#pragma once
#include <cstdint>
#include <vector>

namespace mmupt {

// ConfigError unless M divides into W equal slices (B % M == 0 is validate()'s rule already).
void check_shardable(int64_t rollout_batch_size, int64_t mini_batch_size, int world_size);

// Global indices in [0, B) of rank `rank`'s prompts, ascending: for mini-batch m,
// [m*M + rank*M/W, m*M + (rank+1)*M/W).
std::vector<int64_t> shard_prompts(int64_t rollout_batch_size, int64_t mini_batch_size,
                                   int world_size, int rank);

}  // namespace mmupt
