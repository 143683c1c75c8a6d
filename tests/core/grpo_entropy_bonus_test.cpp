// The entropy bonus (algorithm.entropy_coef) on synthetic logits: coef 0 leaves the loss and its
// gradient exactly as they were, coef > 0 subtracts coef x the entropy aggregated like the loss,
// the extra gradient is -coef x the entropy's gradient (a descent step raises the entropy),
// coef < 0 (entropy minimisation) lowers it, and the config and the loss reject a non-finite or
// out-of-range coefficient.
#include <gtest/gtest.h>

#include <cmath>

#include <ATen/ATen.h>

#include "core/config/config_schema.h"
#include "core/grpo/grpo_loss.h"
#include "core/grpo/token_entropy.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

double val(const at::Tensor& t) { return t.item<double>(); }

// A tiny policy: logits z (N, T, V) over fixed sampled tokens, in double precision.
struct Synthetic {
    at::Tensor z0, targets, old, adv, mask;  // (N,T,V), (N,T), (N,T), (N), (N,T)
    Synthetic() {
        at::manual_seed(11);
        const int64_t n = 3, t = 4, v = 6;
        z0 = at::randn({n, t, v}, at::kDouble);
        targets = at::randint(v, {n, t}, at::kLong);
        old = log_probs(z0).detach() + 0.05 * at::randn({n, t}, at::kDouble);
        adv = at::randn({n}, at::kDouble);
        mask = at::ones({n, t}, at::kDouble);
        mask[2][3] = 0.0;  // a padded token
    }
    at::Tensor log_probs(const at::Tensor& z) const {  // (N, T)
        return at::log_softmax(z, -1).gather(2, targets.unsqueeze(2)).squeeze(2);
    }
    // The loss and d loss / d z at z0; `with_entropy`: pass the (graph-carrying) entropies.
    std::pair<GrpoLossOutput, at::Tensor> run(const GrpoLossOptions& o, bool with_entropy) const {
        at::Tensor z = z0.clone().requires_grad_(true);
        GrpoLossInputs in;
        in.log_probs = log_probs(z);
        in.old_log_probs = old;
        in.advantages = adv;
        in.response_mask = mask;
        if (with_entropy) in.entropy = token_entropy(z);
        GrpoLossOutput out = grpo_loss(in, o);
        out.loss.backward();
        return {out, z.grad()};
    }
};

GrpoLossOptions options(LossAggregation agg, double entropy_coef) {
    GrpoLossOptions o;
    o.kl_coef = 0.0;
    o.aggregation = agg;
    o.entropy_coef = entropy_coef;
    return o;
}

TEST(GrpoEntropyBonus, CoefZeroIsExactlyTheOldLoss) {
    const Synthetic s;
    auto [plain, g_plain] = s.run(options(LossAggregation::kTokenMean, 0.0), false);
    auto [zero, g_zero] = s.run(options(LossAggregation::kTokenMean, 0.0), true);
    EXPECT_EQ(val(zero.loss), val(plain.loss));
    EXPECT_TRUE(at::equal(g_zero, g_plain));  // the reported entropy adds no gradient
    EXPECT_EQ(zero.metrics.entropy_loss, 0.0);
    EXPECT_GT(zero.metrics.entropy, 0.0);  // still reported
}

TEST(GrpoEntropyBonus, SubtractsTheAggregatedEntropyAndRaisesIt) {
    const Synthetic s;
    const double coef = 0.3;
    for (auto agg : {LossAggregation::kTokenMean, LossAggregation::kSeqMeanTokenMean,
                     LossAggregation::kSeqMeanTokenSumNorm}) {
        auto [off, g_off] = s.run(options(agg, 0.0), true);
        auto [on, g_on] = s.run(options(agg, coef), true);
        // The same token weighting as the loss: the entropy aggregated in the loss's mode.
        const at::Tensor h = token_entropy(s.z0);  // (N, T)
        const double h_agg = val(aggregate_loss(h, s.mask, agg));
        EXPECT_NEAR(on.metrics.entropy_loss, h_agg, 1e-12) << to_string(agg);
        EXPECT_NEAR(val(on.loss), val(off.loss) - coef * h_agg, 1e-12) << to_string(agg);
        EXPECT_NEAR(on.metrics.loss, on.metrics.pg_loss - coef * on.metrics.entropy_loss, 1e-12);
        // The extra gradient is -coef x d(aggregated entropy)/dz ...
        at::Tensor z = s.z0.clone().requires_grad_(true);
        aggregate_loss(token_entropy(z), s.mask, agg).backward();
        at::Tensor extra = g_on - g_off;
        EXPECT_TRUE(at::allclose(extra, -coef * z.grad(), 1e-10, 1e-12)) << to_string(agg);
        // ... so a small descent step on the bonus alone raises the entropy.
        at::Tensor stepped = s.z0 - 0.1 * extra;
        EXPECT_GT(val(aggregate_loss(token_entropy(stepped), s.mask, agg)), h_agg)
            << to_string(agg);
        // The padded token gets no gradient from the bonus.
        EXPECT_EQ(val(extra[2][3].abs().sum()), 0.0) << to_string(agg);
    }
}

TEST(GrpoEntropyBonus, ANegativeCoefficientAddsTheEntropyAndLowersIt) {
    const Synthetic s;
    const double coef = -0.3;  // entropy minimisation
    for (auto agg : {LossAggregation::kTokenMean, LossAggregation::kSeqMeanTokenSumNorm}) {
        auto [off, g_off] = s.run(options(agg, 0.0), true);
        auto [on, g_on] = s.run(options(agg, coef), true);
        const double h_agg = val(aggregate_loss(token_entropy(s.z0), s.mask, agg));
        EXPECT_NEAR(val(on.loss), val(off.loss) + 0.3 * h_agg, 1e-12) << to_string(agg);
        // A small descent step on the penalty alone lowers the aggregated entropy.
        at::Tensor stepped = s.z0 - 0.1 * (g_on - g_off);
        EXPECT_LT(val(aggregate_loss(token_entropy(stepped), s.mask, agg)), h_agg)
            << to_string(agg);
    }
}

TEST(GrpoEntropyBonus, RejectsANonFiniteCoefficientAndMissingEntropy) {
    const Synthetic s;
    EXPECT_THROW(s.run(options(LossAggregation::kTokenMean, std::nan("")), true), ConfigError);
    EXPECT_THROW(s.run(options(LossAggregation::kTokenMean, 0.1), false), ModelError);
    EXPECT_THROW(s.run(options(LossAggregation::kTokenMean, -0.1), false), ModelError);
    RunConfig c;
    c.algorithm.entropy_coef = -11;  // outside the schema's [-10, 10]
    bool named = false;
    for (const ConfigIssue& i : check_config(c)) named = named || i.key == "algorithm.entropy_coef";
    EXPECT_TRUE(named);
    RunConfig sft;
    sft.algorithm.reward = RewardKind::sft;
    sft.algorithm.entropy_coef = -0.01;  // sft has no GRPO loss to add it to
    named = false;
    for (const ConfigIssue& i : check_config(sft))
        named = named || i.key == "algorithm.entropy_coef";
    EXPECT_TRUE(named);
    c.algorithm.entropy_coef = 0.01;
    EXPECT_TRUE(check_config(c).empty());
    c.algorithm.entropy_coef = -0.05;
    EXPECT_TRUE(check_config(c).empty());
}

}  // namespace
}  // namespace mmupt
