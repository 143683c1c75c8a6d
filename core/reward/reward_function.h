// Reward functions for one group of responses, and the registry that builds them by name
// (`majority_vote`, the default and label-free; `accuracy`, supervised GRPO against a label),
// with an optional format-reward weight mixed in. Torch-free.
// Labels are kept out structurally: RewardGroup has no label field, and an unsupervised reward is
// a function of a RewardGroup alone; only make_supervised_reward() builds a function that takes
// a label. Hidden-label *diagnostics* live in reward_diagnostics.h and read the result, never feed
// it.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/answer/answer_extractor.h"
#include "core/reward/majority_vote.h"

namespace mmupt {

// What every reward function sees about one prompt. Deliberately has no label.
struct RewardGroup {
    int64_t group_id = 0;                // explicit prompt id from sampling; never the batch index
    std::string question;                // the prompt's question text (maps "B" to an option)
    std::vector<std::string> responses;  // (M) sampled responses; the first G are trained
    int num_trained = -1;                // G; -1 = all M (G = M)
};

struct GroupRewards {
    int64_t group_id = 0;
    std::vector<double> rewards;        // (G) final reward per trained response
    std::vector<double> task_rewards;   // (G) before the format mix (vote or accuracy reward)
    std::vector<double> format_scores;  // (G) 1 when the response holds a balanced \boxed{}
    std::optional<VoteResult> vote;     // set by vote-based rewards, for diagnostics
};

struct RewardOptions {
    std::string name = "majority_vote";  // see reward_function_names()
    VoteOptions vote;                    // majority_vote only
    ExtractOptions extract;              // `question` is taken from each RewardGroup
    // reward = (1 - w) * task_reward + w * format_score, w in [0, 1]. MM-UPT uses 0.
    double format_weight = 0.0;
    EquivalenceFn equivalent;  // empty = mmupt::answers_equivalent
};

using UnsupervisedRewardFn = std::function<GroupRewards(const RewardGroup&)>;
using SupervisedRewardFn =
    std::function<GroupRewards(const RewardGroup&, const std::string& label)>;

struct RewardFunctionInfo {
    std::string name;
    bool needs_label = false;
    std::string summary;
};
std::vector<RewardFunctionInfo> reward_function_names();

// Builds a label-free reward. Throws ConfigError on an unknown name, on a reward that needs
// labels ("accuracy": use make_supervised_reward), or a format_weight outside [0, 1].
UnsupervisedRewardFn make_unsupervised_reward(const RewardOptions& options);
// Builds a reward for supervised GRPO; label-free rewards are accepted and ignore the label.
// Throws ConfigError as above (except for label-needing names).
SupervisedRewardFn make_supervised_reward(const RewardOptions& options);

}  // namespace mmupt
