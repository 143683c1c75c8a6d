// Majority vote over one group of extracted answers (MM-UPT's self-reward label): answers are
// clustered by an equivalence function, the largest cluster is the pseudo-label, and each trained
// response earns 1 (or its cluster's share, "soft") when it sits in that cluster.
// Torch-free and label-free: gold labels never enter this file (see label_diagnostics.h).
// Deliberately not here: answer extraction (core/answer) and the equivalence itself (core/grading).
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mmupt {

// Are two extracted answers the same? Must be symmetric-ish and side-effect free; the vote calls
// it as eq(candidate, cluster_representative). Defaults to mmupt::answers_equivalent.
using EquivalenceFn = std::function<bool(const std::string&, const std::string&)>;
EquivalenceFn default_equivalence();

enum class VotePolicy {
    // Default. Clusters by equivalence; a response without an answer abstains: it is in no
    // cluster, can never be the majority and earns 0. Nobody answered -> no majority, all 0.
    kAbstain,
    // Replicates the MM-UPT reference code: the vote counts raw strings, a missing answer votes
    // as the string "None" (and can win), and a response earns 1 when its (possibly "None")
    // answer is *equivalent* to the winning string.
    kReference,
};

struct VoteOptions {
    VotePolicy policy = VotePolicy::kAbstain;
    // SRT's agreement threshold tau in [0, 1]: when majority_ratio < tau the group gets no label
    // and every reward is 0. 0 disables it.
    double agreement_threshold = 0.0;
    // Soft reward (SRT/TTRL variant): a response earns the share of voters in its cluster
    // (size / M) instead of 1-if-majority. Abstainers still earn 0.
    bool soft_reward = false;
    // TTRL: the vote uses all M answers given, rewards only the first num_trained (G <= M).
    // -1 = every voter is trained (G = M).
    int num_trained = -1;
};

struct VoteCluster {
    std::string answer;        // the first member's answer (its representative)
    std::vector<int> members;  // voter indices, ascending; members[0] was sampled first
};

struct VoteResult {
    int64_t group_id = 0;                             // carried from the caller, never inferred
    std::vector<std::optional<std::string>> answers;  // (M) extracted answers, nullopt = none
    std::vector<VoteCluster> clusters;                // in order of first appearance
    std::vector<int> cluster_of;                      // (M) cluster index per voter, -1 = abstained
    // Index into `clusters` of the winning cluster; nullopt when nobody answered (abstain policy)
    // or the agreement threshold was not met (then `below_threshold` is true).
    std::optional<int> majority_cluster;
    int plurality_size = 0;       // size of the largest cluster, even when below the threshold
    double majority_ratio = 0.0;  // plurality_size / M (abstainers count in M); 0 if no cluster
    bool below_threshold = false;
    int num_abstained = 0;  // voters without an answer (always 0 under kReference)
    // Vote entropy in nats. `vote_entropy`: over clusters, among answering voters only
    // (p_c = |c| / answered; 0 when nobody answered). `vote_entropy_with_abstain`: abstention is
    // one more outcome (p_c = |c| / M, p_abstain = abstained / M).
    double vote_entropy = 0.0;
    double vote_entropy_with_abstain = 0.0;
    std::vector<double> rewards;  // (G) one per trained response, in [0, 1]

    int num_voters() const { return static_cast<int>(answers.size()); }
    int num_clusters() const { return static_cast<int>(clusters.size()); }
    // The majority answer, or nullopt when there is none.
    std::optional<std::string> majority_answer() const;
    // The voter index of the first member of the majority cluster, or nullopt.
    std::optional<int> majority_index() const;
};

// Votes over already-extracted answers (M voters). Throws ConfigError when num_trained is not in
// [1, M] (or -1) or agreement_threshold is outside [0, 1]. An empty group gives an empty result.
VoteResult majority_vote(int64_t group_id, const std::vector<std::optional<std::string>>& answers,
                         const VoteOptions& options = {},
                         const EquivalenceFn& equivalent = default_equivalence());

}  // namespace mmupt
