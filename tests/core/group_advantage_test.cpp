// GRPO group advantages: hand-computed values, group ids instead of batch order, zero-variance
// flags, Dr. GRPO, and the optional group filters.
#include "core/grpo/group_advantage.h"

#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <cmath>

#include "core/util/errors.h"

namespace mmupt {
namespace {

at::Tensor doubles(std::vector<double> v) { return at::tensor(v, at::kDouble); }
at::Tensor ids(std::vector<int64_t> v) { return at::tensor(v, at::kLong); }
double at_(const at::Tensor& t, int64_t i) { return t[i].item<double>(); }
bool flag(const at::Tensor& t, int64_t i) { return t[i].item<bool>(); }

TEST(GroupAdvantage, InterleavedGroupsByIdMatchHandValues) {
    // Group 7 (positions 0,2,4,6) rewards 1,0,0,1; group 3 (positions 1,3,5,7) all 1.
    at::Tensor r = doubles({1, 1, 0, 1, 0, 1, 1, 1});  // (N)
    at::Tensor g = ids({7, 3, 7, 3, 7, 3, 7, 3});      // (N)
    GroupAdvantages a = compute_group_advantages(r, g);
    const double std7 = std::sqrt((4 * 0.25) / 3.0);  // unbiased
    const double expected = 0.5 / (std7 + 1e-6);
    EXPECT_NEAR(at_(a.advantages, 0), expected, 1e-12);
    EXPECT_NEAR(at_(a.advantages, 2), -expected, 1e-12);
    EXPECT_NEAR(at_(a.advantages, 4), -expected, 1e-12);
    EXPECT_NEAR(at_(a.advantages, 6), expected, 1e-12);
    for (int64_t i : {1, 3, 5, 7}) {
        EXPECT_EQ(at_(a.advantages, i), 0.0);
        EXPECT_TRUE(flag(a.zero_variance, i));
        EXPECT_TRUE(flag(a.keep, i));  // flagged, not dropped, by default
    }
    EXPECT_FALSE(flag(a.zero_variance, 0));
    EXPECT_EQ(a.num_groups, 2);
    EXPECT_EQ(a.num_zero_variance_groups, 1);
    EXPECT_EQ(a.num_dropped_groups, 0);
    EXPECT_EQ(a.advantages.scalar_type(), at::kDouble);
}

TEST(GroupAdvantage, PermutingTheBatchPermutesTheResult) {
    at::Tensor r = doubles({0.2, 0.9, 0.4, 0.1, 0.7, 0.3});
    at::Tensor g = ids({0, 1, 0, 1, 0, 1});
    at::Tensor perm = ids({5, 2, 0, 3, 1, 4});
    at::Tensor a = compute_group_advantages(r, g).advantages;
    at::Tensor b =
        compute_group_advantages(r.index_select(0, perm), g.index_select(0, perm)).advantages;
    EXPECT_TRUE(at::allclose(a.index_select(0, perm), b, 0, 1e-15));
    // Within a group the advantages sum to zero.
    EXPECT_NEAR((a * (g == 0)).sum().item<double>(), 0.0, 1e-12);
}

TEST(GroupAdvantage, NoStdIsDrGrpo) {
    AdvantageOptions o;
    o.normalize_by_std = false;
    at::Tensor a = compute_group_advantages(doubles({1, 0, 0, 0}), ids({0, 0, 0, 0}), o).advantages;
    EXPECT_NEAR(at_(a, 0), 0.75, 1e-12);
    EXPECT_NEAR(at_(a, 1), -0.25, 1e-12);
}

TEST(GroupAdvantage, EqualSoftRewardsAndSingletonsAreZeroVariance) {
    // 0.1 * 3 / 3 != 0.1 in floating point; the flag must not depend on that rounding.
    GroupAdvantages a = compute_group_advantages(doubles({0.1, 0.1, 0.1, 0.5}), ids({4, 4, 4, 9}));
    for (int64_t i = 0; i < 4; ++i) {
        EXPECT_TRUE(flag(a.zero_variance, i)) << i;
        EXPECT_EQ(at_(a.advantages, i), 0.0) << i;
    }
    EXPECT_EQ(a.num_zero_variance_groups, 2);
}

TEST(GroupAdvantage, OptionalFilters) {
    at::Tensor r = doubles({1, 0, 1, 1, 1, 0});
    at::Tensor g = ids({0, 0, 1, 1, 2, 2});
    AdvantageOptions o;
    o.drop_zero_variance = true;
    GroupAdvantages a = compute_group_advantages(r, g, o);
    EXPECT_EQ(a.num_dropped_groups, 1);
    EXPECT_TRUE(
        at::equal(a.keep, at::tensor(std::vector<int64_t>{1, 1, 0, 0, 1, 1}).to(at::kBool)));

    AdvantageOptions agree;
    agree.min_agreement = 0.6;
    at::Tensor ratio = doubles({0.5, 0.5, 1.0, 1.0, 0.7, 0.7});  // (N) group majority ratio
    GroupAdvantages b = compute_group_advantages(r, g, agree, ratio);
    EXPECT_EQ(b.num_dropped_groups, 1);
    EXPECT_FALSE(flag(b.keep, 0));
    EXPECT_EQ(at_(b.advantages, 0), 0.0);
    EXPECT_TRUE(flag(b.keep, 4));
    EXPECT_GT(at_(b.advantages, 4), 0.0);
    EXPECT_THROW(compute_group_advantages(r, g, agree), ModelError);  // no agreement given
}

TEST(GroupAdvantage, KeepsDtypeAndRejectsBadInputs) {
    at::Tensor r = at::tensor(std::vector<float>{1, 0}, at::kFloat);
    EXPECT_EQ(compute_group_advantages(r, ids({0, 0})).advantages.scalar_type(), at::kFloat);
    EXPECT_THROW(compute_group_advantages(r, ids({0})), ModelError);
    EXPECT_THROW(compute_group_advantages(r, doubles({0, 0})), ModelError);
    EXPECT_THROW(compute_group_advantages(doubles({1, std::nan("")}), ids({0, 0})), ModelError);
    AdvantageOptions o;
    o.eps = 0.0;
    EXPECT_THROW(compute_group_advantages(r, ids({0, 0}), o), ConfigError);
    GroupAdvantages empty = compute_group_advantages(doubles({}), ids({}));
    EXPECT_EQ(empty.advantages.numel(), 0);
    EXPECT_EQ(empty.num_groups, 0);
}

}  // namespace
}  // namespace mmupt
