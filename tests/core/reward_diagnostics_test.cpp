// Label-free vote summaries and hidden-label diagnostics (label accuracy, reward accuracy,
// pass@G), hand-computed on small groups.
#include "core/reward/reward_diagnostics.h"

#include <gtest/gtest.h>

namespace mmupt {
namespace {

const std::nullopt_t none = std::nullopt;
bool exact(const std::string& a, const std::string& b) { return a == b; }

TEST(HiddenLabelDiagnostics, ConsistentButWrongMajority) {
    VoteResult v = majority_vote(9, {"4", "4", "4", "3", none}, {}, exact);
    HiddenLabelDiagnostics d = hidden_label_diagnostics(v, "3", exact);
    EXPECT_EQ(d.group_id, 9);
    EXPECT_TRUE(d.has_majority);
    EXPECT_FALSE(d.label_correct);
    EXPECT_EQ(d.num_trained, 5);
    EXPECT_EQ(d.num_correct, 1);
    EXPECT_TRUE(d.pass_at_g());
    // self [1,1,1,0,0] vs true [0,0,0,1,0]: only the abstainer agrees.
    EXPECT_EQ(d.reward_agreements, 1);
    EXPECT_DOUBLE_EQ(d.reward_accuracy(), 0.2);
}

TEST(HiddenLabelDiagnostics, CorrectMajority) {
    VoteResult v = majority_vote(0, {"4", "4", "4", "3", none}, {}, exact);
    HiddenLabelDiagnostics d = hidden_label_diagnostics(v, "4", exact);
    EXPECT_TRUE(d.label_correct);
    EXPECT_EQ(d.num_correct, 3);
    EXPECT_DOUBLE_EQ(d.reward_accuracy(), 1.0);
}

TEST(HiddenLabelDiagnostics, OnlyTrainedResponsesCountAndNoneNeverMatches) {
    VoteOptions o;
    o.num_trained = 2;
    VoteResult v = majority_vote(0, {"1", "1", "2", "2", "2"}, o, exact);
    HiddenLabelDiagnostics d = hidden_label_diagnostics(v, "2", exact);
    EXPECT_TRUE(d.label_correct);
    EXPECT_EQ(d.num_trained, 2);
    EXPECT_EQ(d.num_correct, 0);  // pass@G over the trained G, not the M voters
    EXPECT_FALSE(d.pass_at_g());
    EXPECT_DOUBLE_EQ(d.reward_accuracy(), 1.0);  // both: self 0, true 0

    VoteOptions ref;
    ref.policy = VotePolicy::kReference;
    VoteResult hacked = majority_vote(0, {none, none, "3"}, ref, exact);
    HiddenLabelDiagnostics h = hidden_label_diagnostics(hacked, "None", exact);
    EXPECT_FALSE(h.label_correct);  // a missing answer is never the right answer
    EXPECT_EQ(h.num_correct, 0);
    EXPECT_NEAR(h.reward_accuracy(), 1.0 / 3.0, 1e-12);  // "3": self 0, true 0
}

TEST(HiddenLabelDiagnostics, NoMajorityIsNeverCorrect) {
    VoteOptions o;
    o.agreement_threshold = 0.9;
    VoteResult v = majority_vote(0, {"1", "1", "2"}, o, exact);
    HiddenLabelDiagnostics d = hidden_label_diagnostics(v, "1", exact);
    EXPECT_FALSE(d.has_majority);
    EXPECT_FALSE(d.label_correct);
    EXPECT_EQ(d.num_correct, 2);
    EXPECT_NEAR(d.reward_accuracy(), 1.0 / 3.0, 1e-12);  // self all 0, true [1,1,0]
}

TEST(HiddenLabelSummary, AveragesGroupsAndResponses) {
    HiddenLabelDiagnostics a, b;
    a.label_correct = true, a.num_trained = 4, a.num_correct = 4, a.reward_agreements = 4;
    b.label_correct = false, b.num_trained = 2, b.num_correct = 0, b.reward_agreements = 1;
    HiddenLabelSummary s = summarize_hidden_labels({a, b});
    EXPECT_EQ(s.num_groups, 2);
    EXPECT_DOUBLE_EQ(s.label_accuracy, 0.5);
    EXPECT_DOUBLE_EQ(s.pass_at_g, 0.5);
    EXPECT_DOUBLE_EQ(s.reward_accuracy, 5.0 / 6.0);
    EXPECT_EQ(summarize_hidden_labels({}).num_groups, 0);
}

TEST(VoteSummary, LabelFreeStatistics) {
    VoteResult mixed = majority_vote(0, {"a", "a", "b", none}, {}, exact);  // rewards 1,1,0,0
    VoteResult flat = majority_vote(1, {"c", "c"}, {}, exact);              // rewards 1,1
    VoteResult silent = majority_vote(2, {none, none}, {}, exact);          // rewards 0,0
    VoteSummary s = summarize_votes({mixed, flat, silent});
    EXPECT_EQ(s.num_groups, 3);
    EXPECT_DOUBLE_EQ(s.mean_reward, 4.0 / 8.0);
    EXPECT_DOUBLE_EQ(s.mean_majority_ratio, (0.5 + 1.0 + 0.0) / 3.0);
    EXPECT_DOUBLE_EQ(s.mean_num_clusters, (2 + 1 + 0) / 3.0);
    EXPECT_DOUBLE_EQ(s.no_answer_rate, 3.0 / 8.0);
    EXPECT_DOUBLE_EQ(s.zero_variance_share, 2.0 / 3.0);
    EXPECT_DOUBLE_EQ(s.labeled_share, 2.0 / 3.0);
    EXPECT_NEAR(s.mean_vote_entropy, mixed.vote_entropy / 3.0, 1e-12);
    EXPECT_EQ(summarize_votes({}).num_groups, 0);
}

}  // namespace
}  // namespace mmupt
