// The MM-UPT self-reward: extract each response's answer, vote (core/reward/majority_vote.h),
// reward agreement with the majority. Label-free by signature. Does not mix in format rewards
// (reward_function.cpp does that for every reward).
#pragma once
#include "core/reward/reward_function.h"

namespace mmupt {

// Returns task_rewards (G) and the vote; `rewards` equals task_rewards. Throws ConfigError on
// bad vote options (see majority_vote).
GroupRewards majority_vote_reward(const RewardGroup& group, const RewardOptions& options);

}  // namespace mmupt
