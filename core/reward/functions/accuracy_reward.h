// The supervised GRPO reward: 1 when a response's extracted answer is equivalent to the gold
// label, else 0 (no answer = 0). Only reachable through make_supervised_reward(); it is the
// one reward whose signature takes a label.
#pragma once
#include <string>

#include "core/reward/reward_function.h"

namespace mmupt {

// Returns task_rewards (G) for the first G responses; `rewards` equals task_rewards; no vote.
// Throws ConfigError when num_trained is not -1 or in [1, M].
GroupRewards accuracy_reward(const RewardGroup& group, const std::string& label,
                             const RewardOptions& options);

}  // namespace mmupt
