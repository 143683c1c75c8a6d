// Vote summaries and hidden-label diagnostics; plain arithmetic over VoteResult.
#include "core/reward/reward_diagnostics.h"

namespace mmupt {

VoteSummary summarize_votes(const std::vector<VoteResult>& votes) {
    VoteSummary s;
    s.num_groups = static_cast<int>(votes.size());
    if (votes.empty()) return s;
    double reward_sum = 0.0;
    long trained = 0, voters = 0, no_answer = 0;
    for (const auto& v : votes) {
        for (double r : v.rewards) reward_sum += r;
        trained += static_cast<long>(v.rewards.size());
        voters += v.num_voters();
        for (const auto& a : v.answers) no_answer += a ? 0 : 1;
        s.mean_majority_ratio += v.majority_ratio;
        s.mean_vote_entropy += v.vote_entropy;
        s.mean_num_clusters += v.num_clusters();
        bool all_equal = true;
        for (double r : v.rewards) all_equal = all_equal && r == v.rewards.front();
        s.zero_variance_share += all_equal ? 1.0 : 0.0;
        s.labeled_share += v.majority_cluster ? 1.0 : 0.0;
    }
    const double n = s.num_groups;
    s.mean_reward = trained > 0 ? reward_sum / trained : 0.0;
    s.no_answer_rate = voters > 0 ? static_cast<double>(no_answer) / voters : 0.0;
    s.mean_majority_ratio /= n;
    s.mean_vote_entropy /= n;
    s.mean_num_clusters /= n;
    s.zero_variance_share /= n;
    s.labeled_share /= n;
    return s;
}

double HiddenLabelDiagnostics::reward_accuracy() const {
    return num_trained > 0 ? static_cast<double>(reward_agreements) / num_trained : 0.0;
}

HiddenLabelDiagnostics hidden_label_diagnostics(const VoteResult& vote, const std::string& label,
                                                const EquivalenceFn& equivalent) {
    HiddenLabelDiagnostics d;
    d.group_id = vote.group_id;
    d.has_majority = vote.majority_cluster.has_value();
    if (auto majority = vote.majority_answer(); majority && vote.answers[*vote.majority_index()])
        d.label_correct = equivalent(*majority, label);  // a winning "None" (reference) is wrong
    d.num_trained = static_cast<int>(vote.rewards.size());
    for (int i = 0; i < d.num_trained; ++i) {
        const auto& answer = vote.answers[i];
        const bool truly_correct = answer && equivalent(*answer, label);
        const bool self_correct = d.has_majority && vote.cluster_of[i] == *vote.majority_cluster;
        d.num_correct += truly_correct ? 1 : 0;
        d.reward_agreements += truly_correct == self_correct ? 1 : 0;
    }
    return d;
}

HiddenLabelSummary summarize_hidden_labels(const std::vector<HiddenLabelDiagnostics>& groups) {
    HiddenLabelSummary s;
    s.num_groups = static_cast<int>(groups.size());
    if (groups.empty()) return s;
    long agreements = 0, trained = 0;
    for (const auto& g : groups) {
        s.label_accuracy += g.label_correct ? 1.0 : 0.0;
        s.pass_at_g += g.pass_at_g() ? 1.0 : 0.0;
        agreements += g.reward_agreements;
        trained += g.num_trained;
    }
    s.label_accuracy /= s.num_groups;
    s.pass_at_g /= s.num_groups;
    s.reward_accuracy = trained > 0 ? static_cast<double>(agreements) / trained : 0.0;
    return s;
}

}  // namespace mmupt
