// Prompt sharding by mini-batch slices (prompt_shard.h).
#include "core/dist/prompt_shard.h"

#include <string>

#include "core/util/errors.h"

namespace mmupt {

void check_shardable(int64_t B, int64_t M, int W) {
    if (M % W != 0)
        throw ConfigError("trainer.mini_batch_size = " + std::to_string(M) +
                          " does not split evenly over " + std::to_string(W) +
                          " ranks: each optimizer update's prompts are divided among the ranks; "
                          "make trainer.mini_batch_size (and so trainer.rollout_batch_size) a "
                          "multiple of the number of ranks");
    if (B % M != 0)
        throw ConfigError("trainer.rollout_batch_size = " + std::to_string(B) +
                          " is not a multiple of trainer.mini_batch_size = " + std::to_string(M));
}

std::vector<int64_t> shard_prompts(int64_t B, int64_t M, int W, int rank) {
    check_shardable(B, M, W);
    const int64_t slice = M / W;
    std::vector<int64_t> out;
    for (int64_t m0 = 0; m0 < B; m0 += M)
        for (int64_t i = 0; i < slice; ++i) out.push_back(m0 + rank * slice + i);
    return out;
}

}  // namespace mmupt
