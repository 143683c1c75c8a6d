// Majority vote: clustering, tie-breaking, abstention, threshold, soft and TTRL-style rewards.
// Rewards follow cluster membership (not a second equivalence call against the winner), so the
// counts that chose the majority are exactly the responses that earn it, even when a
// non-transitive equivalence would also match an earlier cluster.
#include "core/reward/majority_vote.h"

#include <cmath>

#include "core/grading/grader.h"
#include "core/util/errors.h"

namespace mmupt {

namespace {

const char* const kReferenceNoAnswer = "None";  // what the reference code votes for a missing box

double entropy_nats(const std::vector<int>& counts, int total) {
    if (total <= 0) return 0.0;
    double h = 0.0;
    for (int c : counts) {
        if (c <= 0) continue;
        double p = static_cast<double>(c) / total;
        h -= p * std::log(p);
    }
    return h;
}

void validate(const VoteOptions& options, int num_voters) {
    if (!(options.agreement_threshold >= 0.0 && options.agreement_threshold <= 1.0))
        throw ConfigError("vote agreement_threshold must be in [0, 1], got " +
                          std::to_string(options.agreement_threshold));
    if (options.num_trained != -1 && (options.num_trained < 1 || options.num_trained > num_voters))
        throw ConfigError("vote num_trained must be -1 (all) or in [1, " +
                          std::to_string(num_voters) + "] (the number of voters), got " +
                          std::to_string(options.num_trained));
}

// Puts every voter into a cluster (or leaves it at -1 = abstained).
void cluster_answers(VoteResult& r, VotePolicy policy, const EquivalenceFn& equivalent) {
    const int m = r.num_voters();
    r.cluster_of.assign(m, -1);
    for (int i = 0; i < m; ++i) {
        std::string vote;
        if (r.answers[i]) {
            vote = *r.answers[i];
        } else if (policy == VotePolicy::kReference) {
            vote = kReferenceNoAnswer;
        } else {
            ++r.num_abstained;
            continue;
        }
        int found = -1;
        for (int k = 0; k < r.num_clusters() && found < 0; ++k) {
            const std::string& rep = r.clusters[k].answer;
            bool same = policy == VotePolicy::kReference ? vote == rep : equivalent(vote, rep);
            if (same) found = k;
        }
        if (found < 0) {
            found = r.num_clusters();
            r.clusters.push_back({vote, {}});
        }
        r.clusters[found].members.push_back(i);
        r.cluster_of[i] = found;
    }
}

}  // namespace

EquivalenceFn default_equivalence() {
    return [](const std::string& a, const std::string& b) { return answers_equivalent(a, b); };
}

std::optional<std::string> VoteResult::majority_answer() const {
    if (!majority_cluster) return std::nullopt;
    return clusters[*majority_cluster].answer;
}

std::optional<int> VoteResult::majority_index() const {
    if (!majority_cluster) return std::nullopt;
    return clusters[*majority_cluster].members.front();
}

VoteResult majority_vote(int64_t group_id, const std::vector<std::optional<std::string>>& answers,
                         const VoteOptions& options, const EquivalenceFn& equivalent) {
    const int m = static_cast<int>(answers.size());
    validate(options, m);
    VoteResult r;
    r.group_id = group_id;
    r.answers = answers;
    cluster_answers(r, options.policy, equivalent);

    // Largest cluster; clusters are in order of first appearance, so a strict '>' keeps the
    // cluster whose first member was sampled first on ties.
    int best = -1;
    std::vector<int> counts;
    for (int k = 0; k < r.num_clusters(); ++k) {
        int size = static_cast<int>(r.clusters[k].members.size());
        counts.push_back(size);
        if (best < 0 || size > r.plurality_size) {
            best = k;
            r.plurality_size = size;
        }
    }
    r.majority_ratio = m > 0 ? static_cast<double>(r.plurality_size) / m : 0.0;
    if (best >= 0) {
        r.below_threshold = r.majority_ratio < options.agreement_threshold;
        if (!r.below_threshold) r.majority_cluster = best;
    }

    r.vote_entropy = entropy_nats(counts, m - r.num_abstained);
    std::vector<int> with_abstain = counts;
    with_abstain.push_back(r.num_abstained);
    r.vote_entropy_with_abstain = entropy_nats(with_abstain, m);

    const int g = options.num_trained < 0 ? m : options.num_trained;
    r.rewards.assign(g, 0.0);
    if (!r.majority_cluster) return r;
    const std::string& winner = r.clusters[*r.majority_cluster].answer;
    for (int i = 0; i < g; ++i) {
        const int k = r.cluster_of[i];
        if (options.soft_reward) {
            if (k >= 0) r.rewards[i] = static_cast<double>(r.clusters[k].members.size()) / m;
        } else if (options.policy == VotePolicy::kReference) {
            // The reference rewards by equivalence to the winning string, "None" included.
            r.rewards[i] =
                equivalent(r.answers[i].value_or(kReferenceNoAnswer), winner) ? 1.0 : 0.0;
        } else {
            r.rewards[i] = k == *r.majority_cluster ? 1.0 : 0.0;
        }
    }
    return r;
}

}  // namespace mmupt
