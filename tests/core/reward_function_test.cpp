// Reward registry and functions: majority_vote (label-free by type), accuracy (supervised only),
// the format-weight mix, and group ids carried through.
#include "core/reward/reward_function.h"

#include <gtest/gtest.h>

#include <type_traits>

#include "core/reward/functions/format_reward.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

// Compile-time guards on the structure that keeps labels out of unsupervised rewards.
template <class T, class = void>
struct has_label_field : std::false_type {};
template <class T>
struct has_label_field<T, std::void_t<decltype(std::declval<T>().label)>> : std::true_type {};
static_assert(!has_label_field<RewardGroup>::value, "RewardGroup must not carry a label");
static_assert(std::is_invocable_r_v<GroupRewards, UnsupervisedRewardFn, const RewardGroup&>);
static_assert(!std::is_invocable_v<UnsupervisedRewardFn, const RewardGroup&, std::string>,
              "unsupervised rewards must not accept a label");

RewardGroup group(int64_t id, std::vector<std::string> responses, int num_trained = -1) {
    RewardGroup g;
    g.group_id = id;
    g.responses = std::move(responses);
    g.num_trained = num_trained;
    return g;
}

TEST(RewardFunction, RegistryListsBothFunctions) {
    auto names = reward_function_names();
    ASSERT_EQ(names.size(), 2u);
    EXPECT_EQ(names[0].name, "majority_vote");
    EXPECT_FALSE(names[0].needs_label);
    EXPECT_EQ(names[1].name, "accuracy");
    EXPECT_TRUE(names[1].needs_label);
}

TEST(RewardFunction, MajorityVoteIsTheDefault) {
    auto fn = make_unsupervised_reward({});
    GroupRewards r = fn(group(17, {"so \\boxed{5}", "\\boxed{6}", "\\boxed{5}", "no box"}));
    EXPECT_EQ(r.group_id, 17);
    ASSERT_TRUE(r.vote);
    EXPECT_EQ(r.vote->group_id, 17);
    EXPECT_EQ(r.vote->majority_answer(), "5");
    EXPECT_EQ(r.rewards, (std::vector<double>{1, 0, 1, 0}));
    EXPECT_EQ(r.task_rewards, r.rewards);
    EXPECT_EQ(r.format_scores, (std::vector<double>{1, 1, 1, 0}));
}

TEST(RewardFunction, UsesTheInjectedEquivalenceAndNumTrained) {
    RewardOptions o;
    o.equivalent = [](const std::string& a, const std::string& b) {
        return a.substr(0, 1) == b.substr(0, 1);  // "5" ~ "5.0"
    };
    auto fn = make_unsupervised_reward(o);
    GroupRewards r = fn(group(1, {"\\boxed{7}", "\\boxed{5.0}", "\\boxed{5}"}, /*num_trained=*/2));
    EXPECT_EQ(r.vote->majority_answer(), "5.0");
    EXPECT_EQ(r.rewards, (std::vector<double>{0, 1}));
}

TEST(RewardFunction, FormatWeightMixesIn) {
    RewardOptions o;
    o.format_weight = 0.25;
    auto fn = make_unsupervised_reward(o);
    GroupRewards r = fn(group(0, {"\\boxed{1}", "\\boxed{1}", "\\boxed{2}", "1"}));
    EXPECT_EQ(r.task_rewards, (std::vector<double>{1, 1, 0, 0}));
    EXPECT_EQ(r.format_scores, (std::vector<double>{1, 1, 1, 0}));
    EXPECT_EQ(r.rewards, (std::vector<double>{1, 1, 0.25, 0}));
}

TEST(RewardFunction, AccuracyNeedsLabelsAndIsRefusedUnsupervised) {
    RewardOptions o;
    o.name = "accuracy";
    EXPECT_THROW(make_unsupervised_reward(o), ConfigError);
    auto fn = make_supervised_reward(o);
    GroupRewards r = fn(group(3, {"\\boxed{5}", "\\boxed{6}", "5", "\\boxed{5}"}), "5");
    EXPECT_EQ(r.group_id, 3);
    EXPECT_FALSE(r.vote);
    EXPECT_EQ(r.rewards, (std::vector<double>{1, 0, 0, 1}));
    GroupRewards two = fn(group(3, {"\\boxed{5}", "\\boxed{6}", "\\boxed{5}"}, 2), "5");
    EXPECT_EQ(two.rewards, (std::vector<double>{1, 0}));
    EXPECT_THROW(fn(group(3, {"\\boxed{5}"}, 2), "5"), ConfigError);
}

TEST(RewardFunction, SupervisedModeAcceptsMajorityVoteAndIgnoresTheLabel) {
    auto fn = make_supervised_reward({});
    auto g = group(0, {"\\boxed{1}", "\\boxed{1}", "\\boxed{2}"});
    EXPECT_EQ(fn(g, "1").rewards, fn(g, "2").rewards);
    EXPECT_EQ(fn(g, "2").rewards, (std::vector<double>{1, 1, 0}));
}

TEST(RewardFunction, RejectsUnknownNamesAndBadWeights) {
    RewardOptions o;
    o.name = "helpfulness";
    EXPECT_THROW(make_unsupervised_reward(o), ConfigError);
    EXPECT_THROW(make_supervised_reward(o), ConfigError);
    RewardOptions w;
    w.format_weight = 1.5;
    EXPECT_THROW(make_unsupervised_reward(w), ConfigError);
    w.format_weight = -0.1;
    EXPECT_THROW(make_supervised_reward(w), ConfigError);
}

TEST(RewardFunction, FormatScoreNeedsABalancedBox) {
    EXPECT_EQ(format_score("\\boxed{x}"), 1.0);
    EXPECT_EQ(format_score("\\boxed{x"), 0.0);
    EXPECT_EQ(format_score("\\boxed{}"), 0.0);
    EXPECT_EQ(format_score("the answer is 3"), 0.0);
    EXPECT_EQ(format_scores({"\\boxed{1}", "no", "\\boxed{2}"}, 2), (std::vector<double>{1, 0}));
}

}  // namespace
}  // namespace mmupt
