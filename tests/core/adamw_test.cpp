// Our AdamW against libtorch's own torch::optim::AdamW (an implementation no one here wrote),
// clipping, skipping non-finite steps, bf16 master weights and state round trips.
#include <gtest/gtest.h>
#include <torch/optim/adamw.h>

#include <cmath>

#include "core/trainer/adamw.h"
#include "core/util/errors.h"

using namespace mmupt;

namespace {
at::Tensor fake_grad(int step, at::IntArrayRef shape, int which) {
    at::manual_seed(1000 * step + which);
    return at::randn(shape, at::kDouble) * (which + 1);
}
}  // namespace

TEST(AdamW, MatchesTorchAdamWWithClipping) {
    at::manual_seed(0);
    at::Tensor a0 = at::randn({4, 3}), b0 = at::randn({5});
    at::Tensor a = a0.clone().requires_grad_(), b = b0.clone().requires_grad_();
    at::Tensor ra = a0.clone().requires_grad_(), rb = b0.clone().requires_grad_();
    AdamWOptions o;
    o.weight_decay = 0.05;
    o.max_grad_norm = 1.5;
    AdamW ours({{"a", a}, {"b", b}}, o);
    torch::optim::AdamW ref(
        {ra, rb},
        torch::optim::AdamWOptions(1e-2).betas({0.9, 0.999}).eps(1e-8).weight_decay(0.05));
    for (int step = 0; step < 6; ++step) {
        at::Tensor ga = fake_grad(step, {4, 3}, 0).to(at::kFloat),
                   gb = fake_grad(step, {5}, 1).to(at::kFloat);
        a.mutable_grad() = ga.clone();
        b.mutable_grad() = gb.clone();
        ra.mutable_grad() = ga.clone();
        rb.mutable_grad() = gb.clone();
        // Reference clipping, as torch.nn.utils.clip_grad_norm_ defines it.
        double ref_norm = at::stack({ga.norm(), gb.norm()}).norm().item<double>();
        if (ref_norm > 1.5) {
            ra.mutable_grad().mul_(1.5 / (ref_norm + 1e-6));
            rb.mutable_grad().mul_(1.5 / (ref_norm + 1e-6));
        }
        auto r = ours.step(1e-2);
        ref.step();
        EXPECT_NEAR(r.grad_norm, ref_norm, 1e-4 * ref_norm);
        EXPECT_FALSE(r.skipped);
        EXPECT_TRUE(at::allclose(a, ra, 1e-5, 1e-6)) << "step " << step;
        EXPECT_TRUE(at::allclose(b, rb, 1e-5, 1e-6)) << "step " << step;
    }
    EXPECT_EQ(ours.steps_taken(), 6);
}

TEST(AdamW, NonFiniteGradientSkipsTheStep) {
    at::Tensor p = at::ones({3}).requires_grad_();
    AdamW opt({{"p", p}}, {});
    p.mutable_grad() = at::tensor({1.0f, NAN, 0.0f});
    auto r = opt.step(0.1);
    EXPECT_TRUE(r.skipped);
    EXPECT_TRUE(std::isnan(r.grad_norm));
    EXPECT_TRUE(at::equal(p, at::ones({3})));
    EXPECT_EQ(opt.steps_taken(), 0);
    EXPECT_TRUE(at::equal(p.grad(), at::zeros({3})));  // gradients cleared for the next step
}

TEST(AdamW, Bf16ParametersUpdateThroughFp32Master) {
    // lr 1e-6 on bf16 weights of ~1 would vanish without a master copy (bf16 eps ~ 8e-3).
    at::Tensor p = at::ones({8}, at::kBFloat16).requires_grad_();
    AdamWOptions o;
    o.weight_decay = 0.0;
    AdamW opt({{"p", p}}, o);
    for (int i = 0; i < 3; ++i) {
        p.mutable_grad() = at::ones({8}, at::kBFloat16);
        opt.step(1e-6);
    }
    auto state = opt.state_tensors();
    ASSERT_TRUE(state.count("p.master"));
    EXPECT_NEAR(state["p.master"][0].item<float>(), 1.0f - 3e-6f, 1e-7);
}

TEST(AdamW, StateRoundTripContinuesIdentically) {
    auto make = [] { return at::arange(6, at::kFloat).reshape({2, 3}).requires_grad_(); };
    at::Tensor p1 = make(), p2;
    AdamW o1({{"w", p1}}, {});
    for (int s = 0; s < 3; ++s) {
        p1.mutable_grad() = fake_grad(s, {2, 3}, 0).to(at::kFloat);
        o1.step(1e-2);
    }
    p2 = p1.detach().clone().requires_grad_();
    AdamW o2({{"w", p2}}, {});
    o2.load_state(o1.state_tensors(), o1.steps_taken());
    for (int s = 3; s < 5; ++s) {
        at::Tensor g = fake_grad(s, {2, 3}, 0).to(at::kFloat);
        p1.mutable_grad() = g.clone();
        p2.mutable_grad() = g.clone();
        o1.step(1e-2);
        o2.step(1e-2);
    }
    EXPECT_TRUE(at::equal(p1, p2));
    std::map<std::string, at::Tensor> bad = o1.state_tensors();
    bad.erase("w.exp_avg");
    EXPECT_THROW(o2.load_state(bad, 5), CheckpointError);
}

TEST(AdamW, WarmupThenConstant) {
    EXPECT_DOUBLE_EQ(warmup_constant_lr(1e-3, 0, 4), 2.5e-4);
    EXPECT_DOUBLE_EQ(warmup_constant_lr(1e-3, 3, 4), 1e-3);
    EXPECT_DOUBLE_EQ(warmup_constant_lr(1e-3, 100, 4), 1e-3);
    EXPECT_DOUBLE_EQ(warmup_constant_lr(1e-3, 0, 0), 1e-3);
}
