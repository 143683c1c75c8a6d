// Majority vote: equivalence clustering, ties, abstention, the reference policy, tau, soft and
// TTRL rewards, entropy. The equivalence is injected so these tests do not depend on the grader.
#include "core/reward/majority_vote.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "core/util/errors.h"

namespace mmupt {
namespace {

using Answers = std::vector<std::optional<std::string>>;
const std::nullopt_t none = std::nullopt;

// "0.5", "1/2" and "\frac{1}{2}" are one answer; "3" and "3.0" are one answer.
bool toy_equivalent(const std::string& a, const std::string& b) {
    static const std::map<std::string, std::string> canon = {
        {"1/2", "0.5"}, {"\\frac{1}{2}", "0.5"}, {"3.0", "3"}};
    auto c = [](const std::string& s) {
        auto it = canon.find(s);
        return it == canon.end() ? s : it->second;
    };
    return c(a) == c(b);
}

VoteOptions with(VotePolicy policy) {
    VoteOptions o;
    o.policy = policy;
    return o;
}

TEST(MajorityVote, ClustersByEquivalenceNotRawStrings) {
    Answers a = {"3", "0.5", "1/2", "\\frac{1}{2}", "3"};
    VoteResult r = majority_vote(/*group_id=*/42, a, {}, toy_equivalent);
    EXPECT_EQ(r.group_id, 42);
    ASSERT_EQ(r.num_clusters(), 2);
    EXPECT_EQ(r.clusters[0].answer, "3");
    EXPECT_EQ(r.clusters[0].members, (std::vector<int>{0, 4}));
    EXPECT_EQ(r.clusters[1].answer, "0.5");
    EXPECT_EQ(r.clusters[1].members, (std::vector<int>{1, 2, 3}));
    ASSERT_TRUE(r.majority_cluster);
    EXPECT_EQ(*r.majority_cluster, 1);
    EXPECT_EQ(r.majority_index(), 1);
    EXPECT_EQ(r.majority_answer(), "0.5");
    EXPECT_DOUBLE_EQ(r.majority_ratio, 0.6);
    EXPECT_EQ(r.rewards, (std::vector<double>{0, 1, 1, 1, 0}));
    EXPECT_EQ(r.cluster_of, (std::vector<int>{0, 1, 1, 1, 0}));
}

TEST(MajorityVote, ComparesWithEachClustersFirstMember) {
    std::set<std::string> seconds;
    auto recording = [&](const std::string& a, const std::string& b) {
        seconds.insert(b);
        return toy_equivalent(a, b);
    };
    majority_vote(0, {"3", "1/2", "3.0", "0.5", "\\frac{1}{2}", "7"}, {}, recording);
    // Only representatives (first members) are ever compared against.
    EXPECT_EQ(seconds, (std::set<std::string>{"3", "1/2"}));
}

TEST(MajorityVote, TieGoesToTheClusterSampledFirst) {
    VoteResult ab = majority_vote(0, {"a", "b", "b", "a"}, {}, toy_equivalent);
    EXPECT_EQ(ab.majority_answer(), "a");
    EXPECT_EQ(ab.rewards, (std::vector<double>{1, 0, 0, 1}));
    VoteResult ba = majority_vote(0, {"b", "a", "a", "b"}, {}, toy_equivalent);
    EXPECT_EQ(ba.majority_answer(), "b");
    // An abstainer sampled first does not make its neighbours' cluster "first".
    VoteResult c = majority_vote(0, {none, "x", "y", "y", "x"}, {}, toy_equivalent);
    EXPECT_EQ(c.majority_answer(), "x");
    EXPECT_EQ(c.majority_index(), 1);
}

TEST(MajorityVote, AbstainersNeverWinAndEarnZero) {
    VoteResult r = majority_vote(0, {none, none, none, "x"}, {}, toy_equivalent);
    EXPECT_EQ(r.num_abstained, 3);
    EXPECT_EQ(r.majority_answer(), "x");
    EXPECT_DOUBLE_EQ(r.majority_ratio, 0.25);  // abstainers count in G
    EXPECT_EQ(r.rewards, (std::vector<double>{0, 0, 0, 1}));
    EXPECT_EQ(r.cluster_of, (std::vector<int>{-1, -1, -1, 0}));
}

TEST(MajorityVote, NobodyAnsweredMeansNoMajorityAndZeroRewards) {
    VoteResult r = majority_vote(0, {none, none, none}, {}, toy_equivalent);
    EXPECT_FALSE(r.majority_cluster);
    EXPECT_FALSE(r.majority_index());
    EXPECT_EQ(r.num_clusters(), 0);
    EXPECT_DOUBLE_EQ(r.majority_ratio, 0.0);
    EXPECT_FALSE(r.below_threshold);
    EXPECT_EQ(r.rewards, (std::vector<double>{0, 0, 0}));
    EXPECT_DOUBLE_EQ(r.vote_entropy, 0.0);
    EXPECT_DOUBLE_EQ(r.vote_entropy_with_abstain, 0.0);  // one outcome: abstain
}

TEST(MajorityVote, ReferencePolicyLetsNoneWinAndRewardsIt) {
    VoteResult r =
        majority_vote(0, {none, none, "3"}, with(VotePolicy::kReference), toy_equivalent);
    EXPECT_EQ(r.num_abstained, 0);
    EXPECT_EQ(r.majority_answer(), "None");
    EXPECT_EQ(r.majority_index(), 0);
    EXPECT_EQ(r.rewards, (std::vector<double>{1, 1, 0}));  // the reward-hacking route
    // The abstain policy on the same answers rewards the only real answer.
    VoteResult a = majority_vote(0, {none, none, "3"}, {}, toy_equivalent);
    EXPECT_EQ(a.rewards, (std::vector<double>{0, 0, 1}));
}

TEST(MajorityVote, ReferencePolicyVotesRawStringsButRewardsByEquivalence) {
    Answers a = {"3", "3.0", "4", "4"};
    VoteResult ref = majority_vote(0, a, with(VotePolicy::kReference), toy_equivalent);
    EXPECT_EQ(ref.num_clusters(), 3);  // "3" and "3.0" split the raw vote
    EXPECT_EQ(ref.majority_answer(), "4");
    EXPECT_EQ(ref.rewards, (std::vector<double>{0, 0, 1, 1}));
    VoteResult eq = majority_vote(0, a, {}, toy_equivalent);
    EXPECT_EQ(eq.num_clusters(), 2);  // tie 2-2: "3" was sampled first
    EXPECT_EQ(eq.majority_answer(), "3");
    EXPECT_EQ(eq.rewards, (std::vector<double>{1, 1, 0, 0}));
    // Raw "3" wins 2-1, and the "3.0" response is rewarded through equivalence.
    VoteResult r2 =
        majority_vote(0, {"3", "3.0", "3"}, with(VotePolicy::kReference), toy_equivalent);
    EXPECT_EQ(r2.num_clusters(), 2);
    EXPECT_EQ(r2.rewards, (std::vector<double>{1, 1, 1}));
}

TEST(MajorityVote, AgreementThresholdRemovesTheLabel) {
    Answers a = {"a", "a", "b", "c"};
    VoteOptions o;
    o.agreement_threshold = 0.6;
    VoteResult below = majority_vote(0, a, o, toy_equivalent);
    EXPECT_TRUE(below.below_threshold);
    EXPECT_FALSE(below.majority_cluster);
    EXPECT_EQ(below.plurality_size, 2);
    EXPECT_DOUBLE_EQ(below.majority_ratio, 0.5);
    EXPECT_EQ(below.rewards, (std::vector<double>{0, 0, 0, 0}));
    o.agreement_threshold = 0.5;  // ratio >= tau keeps the label
    VoteResult at = majority_vote(0, a, o, toy_equivalent);
    EXPECT_FALSE(at.below_threshold);
    EXPECT_EQ(at.rewards, (std::vector<double>{1, 1, 0, 0}));
}

TEST(MajorityVote, SoftRewardIsTheAnswersShare) {
    VoteOptions o;
    o.soft_reward = true;
    VoteResult r = majority_vote(0, {"a", "a", "b", none}, o, toy_equivalent);
    EXPECT_EQ(r.rewards, (std::vector<double>{0.5, 0.5, 0.25, 0.0}));
}

TEST(MajorityVote, VotesWithMoreSamplesThanTrained) {
    VoteOptions o;
    o.num_trained = 2;
    VoteResult r = majority_vote(0, {"a", "b", "b", "b", "a"}, o, toy_equivalent);
    EXPECT_EQ(r.majority_answer(), "b");
    EXPECT_DOUBLE_EQ(r.majority_ratio, 0.6);  // over all M = 5 voters
    EXPECT_EQ(r.rewards, (std::vector<double>{0, 1}));
    EXPECT_EQ(r.num_voters(), 5);
}

TEST(MajorityVote, EntropyWithAndWithoutAbstainMass) {
    VoteResult r = majority_vote(0, {"a", "a", "b", none}, {}, toy_equivalent);
    const double p = 2.0 / 3.0, q = 1.0 / 3.0;
    EXPECT_NEAR(r.vote_entropy, -(p * std::log(p) + q * std::log(q)), 1e-12);
    EXPECT_NEAR(r.vote_entropy_with_abstain, 1.5 * std::log(2.0), 1e-12);  // (.5, .25, .25)
    VoteResult unanimous = majority_vote(0, {"a", "a"}, {}, toy_equivalent);
    EXPECT_DOUBLE_EQ(unanimous.vote_entropy, 0.0);
}

TEST(MajorityVote, RejectsBadOptionsAndHandlesEmptyGroups) {
    VoteOptions o;
    o.num_trained = 3;
    EXPECT_THROW(majority_vote(0, {"a", "b"}, o, toy_equivalent), ConfigError);
    o.num_trained = 0;
    EXPECT_THROW(majority_vote(0, {"a", "b"}, o, toy_equivalent), ConfigError);
    VoteOptions t;
    t.agreement_threshold = 1.5;
    EXPECT_THROW(majority_vote(0, {"a"}, t, toy_equivalent), ConfigError);
    t.agreement_threshold = std::nan("");
    EXPECT_THROW(majority_vote(0, {"a"}, t, toy_equivalent), ConfigError);
    VoteResult empty = majority_vote(5, {}, {}, toy_equivalent);
    EXPECT_FALSE(empty.majority_cluster);
    EXPECT_TRUE(empty.rewards.empty());
    EXPECT_DOUBLE_EQ(empty.majority_ratio, 0.0);
}

TEST(MajorityVote, DefaultEquivalenceIsTheGrader) {
    // Whatever the grader decides, identical strings must be one cluster.
    VoteResult r = majority_vote(0, {"7", "7", "8"});
    EXPECT_EQ(r.majority_answer(), "7");
    EXPECT_EQ(r.rewards, (std::vector<double>{1, 1, 0}));
}

}  // namespace
}  // namespace mmupt
