// Diagnostics of the self-reward: label-free vote statistics per step, and hidden-label checks
// (label accuracy, reward accuracy, pass@G) for datasets that carry labels the trainer must not
// see. The hidden-label functions read a finished VoteResult and return plain numbers; nothing
// here produces or changes a reward, so labels cannot flow back into training. Torch-free.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/reward/majority_vote.h"

namespace mmupt {

// Label-free, averaged over the groups of one step (0 everywhere when there are no groups).
struct VoteSummary {
    int num_groups = 0;
    double mean_reward = 0.0;          // over all trained responses
    double mean_majority_ratio = 0.0;  // plurality share, abstainers in the denominator
    double mean_vote_entropy = 0.0;    // nats, among answering voters
    double mean_num_clusters = 0.0;
    double no_answer_rate = 0.0;       // voters with no extractable answer / all voters
    double zero_variance_share = 0.0;  // groups whose trained rewards are all equal
    double labeled_share = 0.0;        // groups with a majority (someone answered, >= tau)
};
VoteSummary summarize_votes(const std::vector<VoteResult>& votes);

// One group checked against its hidden gold label.
struct HiddenLabelDiagnostics {
    int64_t group_id = 0;
    bool has_majority = false;
    bool label_correct = false;  // the majority answer is equivalent to the label
    int num_trained = 0;         // G
    int num_correct = 0;         // trained responses whose answer is equivalent to the label
    // Trained responses whose self-reward equals their true reward. Self-reward is binarised as
    // "in the majority cluster" (exact for the default hard reward; soft rewards and the
    // reference policy's equivalence-based reward are read this way too). True reward: the
    // response's answer is equivalent to the label; no answer = 0.
    int reward_agreements = 0;
    double reward_accuracy() const;  // reward_agreements / G (0 when G = 0)
    bool pass_at_g() const { return num_correct > 0; }
};
HiddenLabelDiagnostics hidden_label_diagnostics(
    const VoteResult& vote, const std::string& label,
    const EquivalenceFn& equivalent = default_equivalence());

struct HiddenLabelSummary {
    int num_groups = 0;
    double label_accuracy = 0.0;   // share of groups whose majority matches the label
    double reward_accuracy = 0.0;  // over all trained responses of all groups
    double pass_at_g = 0.0;        // share of groups with at least one correct trained response
};
HiddenLabelSummary summarize_hidden_labels(const std::vector<HiddenLabelDiagnostics>& groups);

}  // namespace mmupt
