// majority_vote reward: extraction with the group's question, then the vote.
#include "core/reward/functions/majority_vote_reward.h"

namespace mmupt {

GroupRewards majority_vote_reward(const RewardGroup& group, const RewardOptions& options) {
    ExtractOptions extract = options.extract;
    extract.question = group.question;
    std::vector<std::optional<std::string>> answers;
    answers.reserve(group.responses.size());
    for (const auto& response : group.responses)
        answers.push_back(extract_answer(response, extract));

    VoteOptions vote_options = options.vote;
    vote_options.num_trained = group.num_trained;
    GroupRewards out;
    out.group_id = group.group_id;
    out.vote = majority_vote(group.group_id, answers, vote_options,
                             options.equivalent ? options.equivalent : default_equivalence());
    out.task_rewards = out.vote->rewards;
    out.rewards = out.task_rewards;
    return out;
}

}  // namespace mmupt
