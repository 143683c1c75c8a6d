// Teacher pseudo-labels (teacher_vote.h).
#include "core/reward/teacher_vote.h"

namespace mmupt {

VoteResult teacher_vote(int64_t group_id,
                        const std::vector<std::optional<std::string>>& policy_answers,
                        const std::vector<std::optional<std::string>>& teacher_answers,
                        const VoteOptions& options, const EquivalenceFn& equivalent) {
    VoteOptions teacher_options = options;
    teacher_options.num_trained = -1;
    teacher_options.soft_reward = false;
    const VoteResult teacher =
        majority_vote(group_id, teacher_answers, teacher_options, equivalent);

    // The policy's own clusters (no threshold), then the winner replaced by the teacher's.
    VoteOptions own = options;
    own.num_trained = -1;
    own.agreement_threshold = 0.0;
    own.soft_reward = false;
    VoteResult r = majority_vote(group_id, policy_answers, own, equivalent);
    r.majority_cluster.reset();
    r.majority_ratio = teacher.majority_ratio;
    r.below_threshold = teacher.below_threshold;
    const std::optional<std::string> label = teacher.majority_answer();
    if (label)
        for (int k = 0; k < r.num_clusters() && !r.majority_cluster; ++k)
            if (equivalent(r.clusters[k].answer, *label)) r.majority_cluster = k;
    for (int i = 0; i < r.num_voters(); ++i) {
        const int k = r.cluster_of[i];
        double reward = 0.0;
        if (options.soft_reward && k >= 0 && teacher.num_voters() > 0) {
            int same = 0;
            for (const auto& t : teacher_answers) same += t && equivalent(*t, r.clusters[k].answer);
            reward = static_cast<double>(same) / teacher.num_voters();
        } else if (k >= 0 && r.majority_cluster && k == *r.majority_cluster) {
            reward = 1.0;
        }
        r.rewards[i] = reward;
    }
    return r;
}

}  // namespace mmupt
