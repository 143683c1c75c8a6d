// Label-free collapse signals on hand-built vote data, the reasoning/box contradiction check,
// and the teacher vote (Co-rewarding safeguard).
#include <gtest/gtest.h>

#include <cmath>

#include "core/reward/collapse_signals.h"
#include "core/reward/teacher_vote.h"

namespace mmupt {
namespace {

std::vector<PromptVote> votes(const std::vector<std::pair<std::string, std::string>>& v) {
    std::vector<PromptVote> out;
    for (const auto& [image, answer] : v) {
        PromptVote p;
        p.image_key = image;
        if (!answer.empty()) p.majority_answer = answer;
        out.push_back(p);
    }
    return out;
}

TEST(CollapseSignals, EntropyDistinctShareAndSameAnswerPairs) {
    // Answers 3, 5, 7, 7 on four images: p = 1/4, 1/4, 1/2 -> 1.5 bits, 3 distinct of 4.
    auto s = compute_collapse_signals(votes({{"a", "3"}, {"b", "5"}, {"c", "7"}, {"d", "7"}}), {});
    EXPECT_EQ(s.prompts_with_majority, 4);
    EXPECT_NEAR(s.answer_entropy, 1.5, 1e-12);
    EXPECT_NEAR(s.distinct_share, 0.75, 1e-12);
    EXPECT_NEAR(s.same_answer_rate, 1.0 / 6.0, 1e-12);  // (c, d) of 6 pairs
    EXPECT_TRUE(std::isnan(s.contradiction_rate));      // nothing checkable
}

TEST(CollapseSignals, OneAnswerForEveryImageIsZeroEntropyAndAllPairsSame) {
    auto s = compute_collapse_signals(votes({{"a", "9"}, {"b", "9"}, {"c", "9.0"}}), {});
    EXPECT_EQ(s.answer_entropy, 0.0);  // "9.0" is the same answer as "9"
    EXPECT_NEAR(s.distinct_share, 1.0 / 3.0, 1e-12);
    EXPECT_EQ(s.same_answer_rate, 1.0);
}

TEST(CollapseSignals, PairsOfOneImageAndPromptsWithoutMajorityDoNotCount) {
    // Two questions about image "a" may share an answer; "c" has no majority.
    auto s = compute_collapse_signals(votes({{"a", "4"}, {"a", "4"}, {"b", "6"}, {"c", ""}}), {});
    EXPECT_EQ(s.prompts_with_majority, 3);
    EXPECT_EQ(s.same_answer_rate, 0.0);  // pairs (a,b) twice, none the same
    auto none = compute_collapse_signals(votes({{"a", ""}, {"b", ""}}), {});
    EXPECT_TRUE(std::isnan(none.answer_entropy));
    EXPECT_TRUE(std::isnan(none.distinct_share));
    EXPECT_TRUE(std::isnan(none.same_answer_rate));
}

TEST(CollapseSignals, ContradictionRateOverCheckableResponsesOnly) {
    auto s = compute_collapse_signals({}, {true, false, std::nullopt, false, std::nullopt});
    EXPECT_EQ(s.checkable_responses, 3);
    EXPECT_NEAR(s.contradiction_rate, 1.0 / 3.0, 1e-12);
}

TEST(ContradictsReasoning, NumberInTheBoxAgainstTheLastNumberBeforeIt) {
    EXPECT_EQ(contradicts_reasoning("I count all the shapes: there are 8. \\boxed{9}"), true);
    EXPECT_EQ(contradicts_reasoning("I count all the shapes: there are 8. \\boxed{8}"), false);
    EXPECT_EQ(contradicts_reasoning("red: 2. blue: 5. In total 7 \\boxed{7.0}"), false);
    // The number after the box is not reasoning; a box without a number before it is unchecked.
    EXPECT_EQ(contradicts_reasoning("\\boxed{9} because 3"), std::nullopt);
    EXPECT_EQ(contradicts_reasoning("Most of the shapes are red. \\boxed{red}"), std::nullopt);
    EXPECT_EQ(contradicts_reasoning("there are 8"), std::nullopt);            // no box
    EXPECT_EQ(contradicts_reasoning("there are 8 \\boxed{9"), std::nullopt);  // unbalanced
}

TEST(ContradictsReasoning, ChoiceLetterWhenTheQuestionListsOptions) {
    const std::string q = "How many? A. 3 B. 5 C. 7";
    EXPECT_EQ(contradicts_reasoning("the answer is B. \\boxed{C}", q), true);
    EXPECT_EQ(contradicts_reasoning("the answer is B. \\boxed{B}", q), false);
    EXPECT_EQ(contradicts_reasoning("\\boxed{B}", q), std::nullopt);
}

TEST(TeacherVote, PolicyIsRewardedForTheTeachersMajority) {
    // The policy's own majority is "3"; the teacher's is "5": only the "5"s earn.
    VoteResult r = teacher_vote(7, {"3", "5", "3", std::nullopt}, {"5", "5", "3"});
    ASSERT_EQ(r.rewards.size(), 4u);
    EXPECT_EQ(r.rewards, (std::vector<double>{0, 1, 0, 0}));
    EXPECT_EQ(r.majority_answer(), "5");
    EXPECT_NEAR(r.majority_ratio, 2.0 / 3.0, 1e-12);
    EXPECT_EQ(r.group_id, 7);
}

TEST(TeacherVote, NoTeacherMajorityOrBelowThresholdRewardsNothing) {
    VoteResult none = teacher_vote(0, {"3", "3"}, {std::nullopt, std::nullopt});
    EXPECT_EQ(none.rewards, (std::vector<double>{0, 0}));
    EXPECT_FALSE(none.majority_cluster);
    VoteOptions o;
    o.agreement_threshold = 0.9;
    VoteResult low = teacher_vote(0, {"5", "3"}, {"5", "5", "3"}, o);
    EXPECT_EQ(low.rewards, (std::vector<double>{0, 0}));
    EXPECT_TRUE(low.below_threshold);
    // The teacher's label is absent from the policy's answers: no winner among them.
    VoteResult absent = teacher_vote(0, {"3", "4"}, {"5", "5"});
    EXPECT_EQ(absent.rewards, (std::vector<double>{0, 0}));
    EXPECT_FALSE(absent.majority_answer());
}

TEST(TeacherVote, SoftRewardIsTheTeachersShareOfTheAnswer) {
    VoteOptions o;
    o.soft_reward = true;
    VoteResult r = teacher_vote(0, {"5", "3", "8"}, {"5", "5", "3", "9"}, o);
    EXPECT_EQ(r.rewards, (std::vector<double>{0.5, 0.25, 0.0}));
}

}  // namespace
}  // namespace mmupt
