// The reward registry: a fixed table (a static library would drop self-registering objects),
// option checks, and the format-weight mix shared by every reward function.
#include "core/reward/reward_function.h"

#include "core/reward/functions/accuracy_reward.h"
#include "core/reward/functions/format_reward.h"
#include "core/reward/functions/majority_vote_reward.h"
#include "core/util/errors.h"

namespace mmupt {

namespace {

const std::vector<RewardFunctionInfo>& table() {
    static const std::vector<RewardFunctionInfo> t = {
        {"majority_vote", false,
         "1 when the answer is equivalent to the group's majority (MM-UPT)"},
        {"accuracy", true, "1 when the answer is equivalent to the gold label (supervised GRPO)"},
    };
    return t;
}

const RewardFunctionInfo& find(const std::string& name) {
    std::string known;
    for (const auto& info : table()) {
        if (info.name == name) return info;
        known += (known.empty() ? "" : ", ") + info.name;
    }
    throw ConfigError("reward.name: unknown reward function '" + name + "' (known: " + known + ")");
}

void validate(const RewardOptions& options) {
    if (!(options.format_weight >= 0.0 && options.format_weight <= 1.0))
        throw ConfigError("reward.format_weight must be in [0, 1], got " +
                          std::to_string(options.format_weight));
}

// rewards = (1 - w) * task + w * format, over the trained responses.
GroupRewards mix_format(GroupRewards out, const RewardGroup& group, double w) {
    const int g = static_cast<int>(out.task_rewards.size());
    out.format_scores = format_scores(group.responses, g);
    out.rewards.resize(g);
    for (int i = 0; i < g; ++i)
        out.rewards[i] = (1.0 - w) * out.task_rewards[i] + w * out.format_scores[i];
    return out;
}

}  // namespace

std::vector<RewardFunctionInfo> reward_function_names() { return table(); }

UnsupervisedRewardFn make_unsupervised_reward(const RewardOptions& options) {
    validate(options);
    const RewardFunctionInfo& info = find(options.name);
    if (info.needs_label)
        throw ConfigError("reward.name '" + info.name +
                          "' needs gold labels, which unsupervised training never reads; use "
                          "'majority_vote' or switch to supervised GRPO");
    // Only label-free functions reach this point (today: majority_vote).
    return [options](const RewardGroup& group) {
        return mix_format(majority_vote_reward(group, options), group, options.format_weight);
    };
}

SupervisedRewardFn make_supervised_reward(const RewardOptions& options) {
    validate(options);
    const RewardFunctionInfo& info = find(options.name);
    if (!info.needs_label) {
        UnsupervisedRewardFn fn = make_unsupervised_reward(options);
        return [fn](const RewardGroup& group, const std::string&) { return fn(group); };
    }
    return [options](const RewardGroup& group, const std::string& label) {
        return mix_format(accuracy_reward(group, label, options), group, options.format_weight);
    };
}

}  // namespace mmupt
