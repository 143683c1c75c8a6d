// A pseudo-label from a teacher's samples (Co-rewarding; algorithm.vote_source = reference): the
// frozen initial model's M answers vote, and each of the policy's G trained responses earns 1
// when its answer is equivalent to the teacher's majority (abstainers 0). The teacher never
// trains, so the label cannot drift towards whatever the policy has started to repeat.
// Torch-free and label-free, like majority_vote.h.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/reward/majority_vote.h"

namespace mmupt {

// The result reads like a vote over the policy's answers (clusters, cluster_of, rewards, over the
// G policy responses) whose winner is the policy cluster equivalent to the teacher's majority
// (nullopt when the teacher has none, is below the agreement threshold, or no policy answer
// matches it). majority_ratio and below_threshold are the teacher's. `options.soft_reward`: a
// response earns the share of teacher voters whose answer is equivalent to its own.
VoteResult teacher_vote(int64_t group_id,
                        const std::vector<std::optional<std::string>>& policy_answers,
                        const std::vector<std::optional<std::string>>& teacher_answers,
                        const VoteOptions& options = {},
                        const EquivalenceFn& equivalent = default_equivalence());

}  // namespace mmupt
