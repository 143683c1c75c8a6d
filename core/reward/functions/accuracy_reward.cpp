// accuracy reward: extract, compare with the label through the equivalence function.
#include "core/reward/functions/accuracy_reward.h"

#include "core/util/errors.h"

namespace mmupt {

GroupRewards accuracy_reward(const RewardGroup& group, const std::string& label,
                             const RewardOptions& options) {
    const int m = static_cast<int>(group.responses.size());
    if (group.num_trained != -1 && (group.num_trained < 1 || group.num_trained > m))
        throw ConfigError("reward group " + std::to_string(group.group_id) +
                          ": num_trained must be -1 or in [1, " + std::to_string(m) + "], got " +
                          std::to_string(group.num_trained));
    const int g = group.num_trained < 0 ? m : group.num_trained;
    const EquivalenceFn eq = options.equivalent ? options.equivalent : default_equivalence();
    ExtractOptions extract = options.extract;
    extract.question = group.question;

    GroupRewards out;
    out.group_id = group.group_id;
    out.task_rewards.assign(g, 0.0);
    for (int i = 0; i < g; ++i) {
        auto answer = extract_answer(group.responses[i], extract);
        if (answer && eq(*answer, label)) out.task_rewards[i] = 1.0;
    }
    out.rewards = out.task_rewards;
    return out;
}

}  // namespace mmupt
