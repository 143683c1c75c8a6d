// The EMA teacher (algorithm.vote_source = ema): the decay arithmetic and the weight swap on toy
// parameters, then on the tiny model: one optimizer update moves the teacher to
// decay * initial + (1 - decay) * policy (full fine-tuning and LoRA), a resumed run equals an
// uninterrupted one (metrics, samples and the saved teacher), a collapse rollback brings the
// checkpoint's teacher back, and the config rejects the EMA teacher where it cannot vote.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <map>
#include <string>

#include "core/config/config_schema.h"
#include "core/io/safetensors_torch.h"
#include "core/trainer/ema_teacher.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"
#include "tests/core/trainer_resume_util.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {

using test::read_lines;
using test::sft_model;
using test::tiny_run_config;
using Tensors = std::map<std::string, at::Tensor>;

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
    return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}

TEST(EmaTeacher, UpdateFollowsTheFormula) {
    at::Tensor a = at::tensor({1.0f, 2.0f}).requires_grad_(true);
    at::Tensor b = at::tensor({3.0f}).view({1, 1}).requires_grad_(true);
    EmaTeacher t({{"a", a}, {"b", b}}, 0.9);
    EXPECT_TRUE(at::equal(t.state_tensors().at("a"), a.detach()));  // starts as the policy
    {
        at::NoGradGuard no_grad;
        a.add_(1.0);  // (2, 3)
        b.mul_(2.0);  // 6
    }
    t.update();
    Tensors s = t.state_tensors();
    EXPECT_TRUE(at::allclose(s.at("a"), at::tensor({0.9f * 1 + 0.1f * 2, 0.9f * 2 + 0.1f * 3})));
    EXPECT_NEAR(s.at("b").item<double>(), 0.9 * 3 + 0.1 * 6, 1e-6);
    t.update();  // the policy stayed: the teacher moves on towards it
    EXPECT_NEAR(t.state_tensors().at("b").item<double>(), 0.9 * 3.3 + 0.1 * 6, 1e-6);
    EXPECT_FALSE(s.at("a").requires_grad());
    t.reset();
    EXPECT_TRUE(at::equal(t.state_tensors().at("b"), b.detach()));
    EXPECT_THROW(EmaTeacher({{"a", a}}, 1.0), ConfigError);
    EXPECT_THROW(EmaTeacher({{"a", a}}, 0.0), ConfigError);
}

TEST(EmaTeacher, AveragesBf16ParametersInFp32) {
    // One bf16 ulp at 1.0 is 2^-7; 1% of it is far below half an ulp: a bf16 average would stay
    // at 1.0 forever.
    at::Tensor p = at::ones({4}, at::kBFloat16).requires_grad_(true);
    EmaTeacher t({{"p", p}}, 0.99);
    {
        at::NoGradGuard no_grad;
        p.add_(1.0 / 128);
    }
    t.update();
    const at::Tensor avg = t.state_tensors().at("p");
    EXPECT_EQ(avg.scalar_type(), at::kFloat);
    EXPECT_NEAR(avg[0].item<double>(), 1.0 + 0.01 / 128, 1e-7);
}

TEST(EmaTeacher, TeacherWeightsSwapInAndComeBackExactly) {
    at::Tensor f = at::tensor({1.0f, 2.0f}).requires_grad_(true);
    at::Tensor h = at::tensor({1.0f, 4.0f}).to(at::kBFloat16).requires_grad_(true);
    EmaTeacher t({{"f", f}, {"h", h}}, 0.5);
    {
        at::NoGradGuard no_grad;
        f.add_(2.0);  // (3, 4): teacher after the update (2, 3)
        h.add_(2.0);  // (3, 6): teacher (2, 5)
    }
    t.update();
    const void* f_data = f.data_ptr();
    const at::Tensor f_before = f.detach().clone(), h_before = h.detach().clone();
    {
        TeacherWeights swapped(t);
        EXPECT_TRUE(at::equal(f.detach(), at::tensor({2.0f, 3.0f})));
        EXPECT_EQ(h.scalar_type(), at::kBFloat16);
        EXPECT_TRUE(at::equal(h.detach().to(at::kFloat), at::tensor({2.0f, 5.0f})));
    }
    EXPECT_EQ(f.data_ptr(), f_data);  // the policy's own storage, not a copy
    EXPECT_TRUE(at::equal(f.detach(), f_before));
    EXPECT_TRUE(at::equal(h.detach(), h_before));
    EXPECT_TRUE(f.requires_grad());
    EXPECT_TRUE(at::equal(t.state_tensors().at("f"), at::tensor({2.0f, 3.0f})));  // untouched
}

TEST(EmaTeacher, StateRoundTripsAndRejectsAMismatch) {
    at::Tensor a = at::tensor({1.0f, 2.0f}).requires_grad_(true);
    EmaTeacher t({{"a", a}}, 0.9);
    EmaTeacher u({{"a", a}}, 0.9);
    {
        at::NoGradGuard no_grad;
        a.add_(1.0);
    }
    t.update();
    u.load_state(t.state_tensors(), "ckpt/teacher_ema.safetensors");
    EXPECT_TRUE(at::equal(u.state_tensors().at("a"), t.state_tensors().at("a")));
    auto message = [&](const Tensors& state) {
        try {
            u.load_state(state, "ckpt/teacher_ema.safetensors");
        } catch (const CheckpointError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message({}).find("ckpt/teacher_ema.safetensors: the EMA teacher has no tensor 'a'"),
              std::string::npos)
        << message({});
    EXPECT_NE(message({{"a", at::zeros({3})}}).find("'a' is [3], the parameter is [2]"),
              std::string::npos);
    EXPECT_NE(message({{"a", at::zeros({2})}, {"b", at::zeros({1})}}).find("unexpected"),
              std::string::npos);
}

// A run whose step is one optimizer update (mini-batch = rollout batch), voted by the EMA teacher.
RunConfig ema_config(const std::string& dir, int steps, bool lora) {
    RunConfig c = tiny_run_config(dir, steps);
    c.model.path = sft_model();
    c.algorithm.vote_source = VoteSource::ema;
    c.algorithm.teacher_ema_decay = 0.5;  // large moves: a wrong teacher is far from the formula
    c.trainer.mini_batch_size = c.trainer.rollout_batch_size;
    c.rollout.vote_n = 4;
    if (lora) {
        c.model.lora.enabled = true;
        c.model.lora.rank = 4;
        c.model.lora.alpha = 8;
        c.optim.lr = 1e-2;
    }
    return c;
}

// Handles on a model's trainable tensors, kept while the Trainer owns the model.
struct Live {
    explicit Live(const TrainingModel& m) : policy(m.policy), lora(m.lora) {}
    // Copies, by the names the teacher uses.
    Tensors copy() const {
        Tensors out;
        if (lora) {
            for (const auto& [name, p] : lora->named_parameters()) out[name] = p.detach().clone();
        } else {
            for (const auto& item : policy->named_parameters())
                out[item.key()] = item.value().detach().clone();
        }
        return out;
    }
    VlmModel policy;
    std::shared_ptr<LoraModel> lora;
};

Tensors saved_teacher(const std::string& checkpoint) {
    return load_safetensors(checkpoint + "/" + kTeacherEmaFile, ReadMode::kStream);
}

// max |teacher - (decay * before + (1 - decay) * after)| over every tensor, and the largest move
// of the policy itself (the formula must hold far more tightly than the policy moved).
std::pair<double, double> formula_error(const Tensors& teacher, const Tensors& before,
                                        const Tensors& after, double decay) {
    double error = 0, moved = 0;
    for (const auto& [name, t] : teacher) {
        const at::Tensor expected = decay * before.at(name) + (1 - decay) * after.at(name);
        error = std::max(error, max_abs_diff(t, expected));
        moved = std::max(moved, max_abs_diff(before.at(name), after.at(name)));
    }
    return {error, moved};
}

TEST(TrainerEmaTeacher, OneUpdateMovesTheTeacherByTheFormula) {
    for (bool lora : {false, true}) {
        const std::string tmp = test::temp_dir(lora ? "ema-step-lora" : "ema-step-full");
        RunConfig c = ema_config(tmp + "/run", 1, lora);
        TrainingModel model = load_training_model(c, c.model.path);
        const Live live(model);
        const Tensors initial = live.copy();
        {
            Trainer trainer(c, std::move(model), nullptr, nullptr);
            RunFinished r = trainer.run();
            ASSERT_EQ(r.state, RunState::finished) << r.message;
        }
        const Tensors policy = live.copy();
        const Tensors teacher = saved_teacher(c.trainer.output_dir + "/checkpoints/step-1");
        ASSERT_FALSE(teacher.empty());
        for (const auto& [name, t] : teacher) {
            ASSERT_EQ(initial.count(name), 1u) << name;
            EXPECT_EQ(t.scalar_type(), at::kFloat) << name;
            if (lora) {
                EXPECT_NE(name.find(".lora_"), std::string::npos) << name;
            }
        }
        EXPECT_EQ(teacher.size(), policy.size());  // full fine-tuning: every weight trains
        const auto [error, moved] = formula_error(teacher, initial, policy, 0.5);
        EXPECT_GT(moved, 1e-4) << "the step should move the policy (lora " << lora << ")";
        EXPECT_LT(error, 1e-6) << "lora " << lora;
        // Half-way: as far from the policy as from the initial weights, and from both.
        double from_initial = 0, from_policy = 0;
        for (const auto& [name, t] : teacher) {
            from_initial = std::max(from_initial, max_abs_diff(t, initial.at(name)));
            from_policy = std::max(from_policy, max_abs_diff(t, policy.at(name)));
        }
        EXPECT_GT(from_initial, 0.25 * moved);
        EXPECT_GT(from_policy, 0.25 * moved);
        // The policy's own samples still came from the policy: samples.jsonl has G per group.
        for (const auto& line : read_lines(c.trainer.output_dir + "/samples.jsonl"))
            EXPECT_EQ(rollout_group_from_json(line).responses.size(), 8u);
    }
}

TEST(TrainerEmaTeacher, ResumeIsExact) {
    const std::string tmp = test::temp_dir("ema-resume");
    auto config = [&](const std::string& name) {
        RunConfig c = test::resume_config(tmp + "/" + name);
        c.model.path = sft_model();
        c.algorithm.vote_source = VoteSource::ema;
        c.algorithm.teacher_ema_decay = 0.5;
        c.rollout.vote_n = 4;
        return c;
    };
    const RunConfig full = config("full"), cut = config("cut");
    test::train_whole_and_resumed(full, cut, 3);  // checkpoints at 2 and 4: resumed after 2
    if (HasFatalFailure()) return;
    test::expect_same_metrics_after(full.trainer.output_dir, cut.trainer.output_dir, 2, 4);
    const Tensors a = saved_teacher(full.trainer.output_dir + "/checkpoints/step-4");
    const Tensors b = saved_teacher(cut.trainer.output_dir + "/checkpoints/step-4");
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [name, t] : a) EXPECT_TRUE(at::equal(t, b.at(name))) << name;
}

TEST(TrainerEmaTeacher, RollbackRestoresTheCheckpointsTeacher) {
    const std::string tmp = test::temp_dir("ema-rollback");
    // The teacher after step 1, from a run without an alarm (the rollback run re-saves its
    // step-1 checkpoint after rolling back to it, so its own file cannot be the witness).
    RunConfig plain = ema_config(tmp + "/plain", 1, /*lora=*/true);
    ASSERT_EQ(test::train(plain).state, RunState::finished);
    const Tensors t1 = saved_teacher(plain.trainer.output_dir + "/checkpoints/step-1");

    RunConfig c = ema_config(tmp + "/run", 3, /*lora=*/true);
    // An alarm that fires at every step after a one-step baseline (trainer_collapse_test.cpp).
    c.collapse.alarm = CollapseAction::rollback;
    c.collapse.baseline_steps = 1;
    c.collapse.window = 1;
    c.collapse.patience = 1;
    c.collapse.threshold = 0.0;
    c.collapse.max_rollbacks = 1;
    c.trainer.save_every = 1;
    TrainingModel model = load_training_model(c, c.model.path);
    const Live live(model);
    {
        Trainer trainer(c, std::move(model), nullptr, nullptr);
        RunFinished r = trainer.run();
        ASSERT_EQ(r.state, RunState::finished) << r.message;
        ASSERT_EQ(r.last_step, 2);  // step 2, rolled back to 1, step 2 again, stopped
    }
    ASSERT_EQ(read_lines(c.trainer.output_dir + "/alarms.jsonl").size(), 2u);
    // Back at step 1 the teacher is step 1's again (the re-saved checkpoint shows it) ...
    const Tensors again = saved_teacher(c.trainer.output_dir + "/checkpoints/step-1");
    for (const auto& [name, t] : t1) EXPECT_TRUE(at::equal(t, again.at(name))) << name;
    // ... and the second step 2 made one update from it to the final policy.
    const Tensors t2 = saved_teacher(c.trainer.output_dir + "/checkpoints/step-2");
    const auto [error, moved] = formula_error(t2, t1, live.copy(), 0.5);
    EXPECT_GT(moved, 1e-4);
    EXPECT_LT(error, 1e-6);
}

TEST(TrainerEmaTeacher, ConfigRejectsAnEmaTeacherThatCannotVote) {
    auto keys = [](const RunConfig& c) {
        std::string k;
        for (const auto& i : check_config(c)) k += i.key + ": " + i.message + "\n";
        return k;
    };
    RunConfig c;
    c.algorithm.vote_source = VoteSource::ema;
    EXPECT_EQ(keys(c), "");
    c.algorithm.reward = RewardKind::accuracy;
    EXPECT_NE(keys(c).find("algorithm.vote_source"), std::string::npos) << keys(c);
    RunConfig d;
    d.algorithm.teacher_ema_decay = 1.0;
    EXPECT_NE(keys(d).find("algorithm.teacher_ema_decay"), std::string::npos);
    d.algorithm.teacher_ema_decay = 0.0;
    EXPECT_NE(keys(d).find("algorithm.teacher_ema_decay"), std::string::npos);
    RunConfig e;
    set_field(e, "algorithm.vote_source", "ema");
    EXPECT_EQ(e.algorithm.vote_source, VoteSource::ema);
    EXPECT_THROW(set_field(e, "algorithm.vote_source", "teacher"), ConfigError);
}

}  // namespace
}  // namespace mmupt
