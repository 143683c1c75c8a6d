// The collapse alarm's actions and the vote safeguards on the tiny model: `stop` checkpoints and
// ends with the reason in status.json, `rollback` returns to the checkpoint before the alarm
// (the same samples as the first time, the learning rate lowered), resume stays exact with the
// alarm's state, extra voters (TTRL), the reference as voter and the entropy bonus run through a
// real step, and the config rejects inconsistent safeguards.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/config/config_schema.h"
#include "core/session/run_files.h"
#include "core/trainer/collapse_replay.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"
#include "tests/core/trainer_resume_util.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::read_lines;
using test::sft_model;
using test::tiny_run_config;

// An alarm that fires at the first step after a one-step baseline, whatever the signals.
RunConfig alarm_config(const std::string& dir, CollapseAction action, int steps) {
    RunConfig c = tiny_run_config(dir, steps);
    c.model.path = sft_model();
    c.collapse.alarm = action;
    c.collapse.baseline_steps = 1;
    c.collapse.window = 1;
    c.collapse.patience = 1;
    c.collapse.threshold = 0.0;
    return c;
}

json read_json(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
}

TEST(TrainerCollapse, StopChecksPointsAndEndsWithTheReason) {
    RunConfig c = alarm_config(test::temp_dir("collapse-stop") + "/run", CollapseAction::stop, 4);
    RunFinished r = test::train(c);
    ASSERT_EQ(r.state, RunState::finished) << r.message;
    EXPECT_TRUE(r.interrupted);
    EXPECT_EQ(r.last_step, 2);
    EXPECT_NE(r.message.find("collapse alarm at step 2"), std::string::npos) << r.message;
    const std::string dir = c.trainer.output_dir;
    const json status = read_json(dir + "/" + run_files::kStatus);
    EXPECT_EQ(status["state"], "interrupted");
    EXPECT_NE(status["message"].get<std::string>().find("collapse alarm"), std::string::npos);
    auto alarms = read_lines(dir + "/" + run_files::kAlarms);
    ASSERT_EQ(alarms.size(), 1u);
    const json a = json::parse(alarms[0]);
    EXPECT_EQ(a["step"], 2);
    EXPECT_EQ(a["action"], "stop");
    EXPECT_FALSE(a["reasons"].empty());
    EXPECT_TRUE(a["signals"].contains("collapse/score"));
    auto metrics = read_lines(dir + "/metrics.jsonl");
    ASSERT_EQ(metrics.size(), 2u);
    StepMetrics m1 = step_metrics_from_json(metrics[0]), m2 = step_metrics_from_json(metrics[1]);
    EXPECT_EQ(m1.values.at("collapse/alarm"), 0.0);
    EXPECT_EQ(m2.values.at("collapse/alarm"), 1.0);
    for (const char* key :
         {"collapse/answer_entropy", "collapse/distinct_share", "collapse/same_answer_rate",
          "collapse/contradiction_rate", "collapse/entropy_trend", "collapse/score"})
        EXPECT_EQ(m2.values.count(key), 1u) << key;
    EXPECT_TRUE(fs::exists(dir + "/checkpoints/step-2/trainer_state.json"));
    bool warned = false;
    for (const auto& line : read_lines(dir + "/" + run_files::kLog))
        warned = warned || (line.find("warning") != std::string::npos &&
                            line.find("collapse alarm at step 2") != std::string::npos);
    EXPECT_TRUE(warned);
}

TEST(TrainerCollapse, WarnKeepsTrainingAndOffNeverFires) {
    const std::string tmp = test::temp_dir("collapse-warn");
    RunConfig warn = alarm_config(tmp + "/warn", CollapseAction::warn, 3);
    ASSERT_EQ(test::train(warn).state, RunState::finished);
    EXPECT_EQ(read_lines(warn.trainer.output_dir + "/metrics.jsonl").size(), 3u);
    EXPECT_EQ(read_lines(warn.trainer.output_dir + "/" + run_files::kAlarms).size(), 1u);
    RunConfig off = alarm_config(tmp + "/off", CollapseAction::off, 2);
    ASSERT_EQ(test::train(off).state, RunState::finished);
    EXPECT_FALSE(fs::exists(off.trainer.output_dir + "/" + run_files::kAlarms));
}

TEST(TrainerCollapse, RollbackReturnsToTheCheckpointWithALowerLearningRate) {
    const std::string tmp = test::temp_dir("collapse-rollback");
    // The same run without an alarm: its step 2 is what a rollback to step 1 must redo.
    RunConfig plain = alarm_config(tmp + "/plain", CollapseAction::off, 2);
    ASSERT_EQ(test::train(plain).state, RunState::finished);

    RunConfig c = alarm_config(tmp + "/run", CollapseAction::rollback, 3);
    c.trainer.save_every = 1;
    c.collapse.max_rollbacks = 1;
    c.collapse.rollback_lr_factor = 0.25;
    RunFinished r = test::train(c);
    ASSERT_EQ(r.state, RunState::finished) << r.message;
    const std::string dir = c.trainer.output_dir;
    // Step 2 fires: back to step 1 at lr / 4. Step 2 again fires, rollbacks are used up: stop.
    auto alarms = read_lines(dir + "/" + run_files::kAlarms);
    ASSERT_EQ(alarms.size(), 2u);
    EXPECT_EQ(json::parse(alarms[0])["action"], "rollback");
    EXPECT_EQ(json::parse(alarms[1])["action"], "stop");
    EXPECT_EQ(json::parse(alarms[1])["step"], 2);
    EXPECT_EQ(r.last_step, 2);
    auto metrics = read_lines(dir + "/metrics.jsonl");
    ASSERT_EQ(metrics.size(), 2u);  // the first step 2 was dropped with the rollback
    const double lr1 = step_metrics_from_json(metrics[0]).values.at("actor/lr");
    const double lr2 = step_metrics_from_json(metrics[1]).values.at("actor/lr");
    EXPECT_DOUBLE_EQ(lr2, 0.25 * lr1);
    // Weights, data cursor and sampling seed came back: step 2's samples are the plain run's.
    auto samples = read_lines(dir + "/samples.jsonl");
    auto expected = read_lines(plain.trainer.output_dir + "/samples.jsonl");
    ASSERT_EQ(samples.size(), expected.size());
    for (size_t i = 0; i < samples.size(); ++i) EXPECT_EQ(samples[i], expected[i]) << i;
    // The lowered rate and the rollback count survive in the checkpoint (resume keeps them).
    const TrainerState s = read_trainer_state(dir + "/checkpoints/step-2");
    EXPECT_EQ(s.collapse.rollbacks, 1);
    EXPECT_DOUBLE_EQ(s.collapse.lr_scale, 0.25);
}

TEST(TrainerCollapse, ResumeIsExactWithTheAlarmState) {
    const std::string tmp = test::temp_dir("collapse-resume");
    auto config = [&](const std::string& name) {
        RunConfig c = test::resume_config(tmp + "/" + name);
        c.model.path = sft_model();
        c.collapse.baseline_steps = 1;
        c.collapse.window = 2;
        return c;
    };
    RunConfig full = config("full");
    ASSERT_EQ(test::train(full).state, RunState::finished);
    RunConfig cut = config("cut");
    TrainerControl control;
    test::CancelAt cancel(control, 3);
    ASSERT_EQ(Trainer::start(cut, &cancel, &control)->run().state, RunState::cancelled);
    const TrainerState at2 = read_trainer_state(cut.trainer.output_dir + "/checkpoints/step-2");
    EXPECT_EQ(at2.collapse.baseline.size(), 1u);
    EXPECT_EQ(at2.collapse.recent.size(), 2u);
    RunFinished resumed = Trainer::resume(cut.trainer.output_dir, nullptr, nullptr)->run();
    ASSERT_EQ(resumed.state, RunState::finished) << resumed.message;
    test::expect_same_metrics_after(full.trainer.output_dir, cut.trainer.output_dir, 2, 4);
    auto last = step_metrics_from_json(read_lines(full.trainer.output_dir + "/metrics.jsonl")[3]);
    EXPECT_EQ(last.values.count("collapse/score"), 1u);
}

TEST(TrainerCollapse, ExtraVotersAndTheReferenceAsVoterRunAStep) {
    const std::string tmp = test::temp_dir("collapse-voters");
    RunConfig ttrl = tiny_run_config(tmp + "/ttrl", 1);
    ttrl.model.path = sft_model();
    ttrl.rollout.vote_n = 12;  // 8 trained + 4 more voters
    ASSERT_EQ(test::train(ttrl).state, RunState::finished);
    for (const auto& line : read_lines(ttrl.trainer.output_dir + "/samples.jsonl")) {
        RolloutGroup g = rollout_group_from_json(line);  // throws on a member beyond G
        EXPECT_EQ(g.responses.size(), 8u);
    }
    RunConfig teacher = tiny_run_config(tmp + "/teacher", 1);
    teacher.model.path = sft_model();
    teacher.algorithm.vote_source = VoteSource::reference;
    teacher.algorithm.kl_coef = 0.0;  // the reference is loaded for the vote alone
    teacher.rollout.vote_n = 4;
    ASSERT_EQ(test::train(teacher).state, RunState::finished);
    // A response earns 1 exactly when it sits in the winning cluster, which must exist then.
    for (const auto& line : read_lines(teacher.trainer.output_dir + "/samples.jsonl")) {
        RolloutGroup g = rollout_group_from_json(line);
        for (size_t i = 0; i < g.responses.size(); ++i) {
            const bool winner = g.majority_index &&
                                g.responses[i].cluster == g.responses[*g.majority_index].cluster;
            EXPECT_EQ(g.responses[i].reward, winner ? 1.0 : 0.0);
        }
    }
}

TEST(TrainerCollapse, TheTeacherVotesAtItsOwnTemperature) {
    // A reference teacher whose 4 votes are drawn near-greedily agrees with itself in every
    // group (share 1, or 0 when its one answer has no box); at the rollout's T = 1 it need not.
    const std::string tmp = test::temp_dir("collapse-teacher-t");
    auto config = [&](const std::string& name, double teacher_t) {
        RunConfig c = tiny_run_config(tmp + "/" + name, 1);
        c.model.path = sft_model();
        c.algorithm.vote_source = VoteSource::reference;
        c.algorithm.kl_coef = 0.0;
        c.rollout.vote_n = 4;
        c.rollout.temperature = 1.0;
        c.algorithm.teacher_temperature = teacher_t;
        return c;
    };
    auto shares = [](const RunConfig& c) {
        std::vector<double> out;
        for (const auto& line : read_lines(c.trainer.output_dir + "/samples.jsonl"))
            out.push_back(rollout_group_from_json(line).majority_ratio);
        return out;
    };
    RunConfig cold = config("cold", 1e-4), warm = config("warm", 0.0);
    ASSERT_EQ(test::train(cold).state, RunState::finished);
    ASSERT_EQ(test::train(warm).state, RunState::finished);
    const std::vector<double> a = shares(cold), b = shares(warm);
    ASSERT_FALSE(a.empty());
    int agreed = 0;
    for (double r : a) {
        EXPECT_TRUE(r == 0.0 || r == 1.0) << r;
        agreed += r == 1.0;
    }
    EXPECT_GT(agreed, 0) << "the SFT model's greedy answers should carry a box";
    bool split = false;
    for (double r : b) split = split || (r > 0.0 && r < 1.0);
    EXPECT_TRUE(split) << "at T = 1 some teacher's 4 votes should disagree";
}

TEST(TrainerCollapse, ReferenceDriftIsWatchedWithoutChangingTraining) {
    const std::string tmp = test::temp_dir("collapse-drift");
    auto config = [&](const std::string& name, int64_t samples) {
        RunConfig c = tiny_run_config(tmp + "/" + name, 2);
        c.model.path = sft_model();
        c.collapse.reference_samples = samples;
        return c;
    };
    RunConfig plain = config("plain", 0), watched = config("watched", 4);
    ASSERT_GT(watched.algorithm.kl_coef, 0.0);  // the reference is loaded
    ASSERT_EQ(test::train(plain).state, RunState::finished);
    ASSERT_EQ(test::train(watched).state, RunState::finished);
    // The reference samples from its own stream: the policy's samples and update are untouched.
    EXPECT_EQ(read_lines(plain.trainer.output_dir + "/samples.jsonl"),
              read_lines(watched.trainer.output_dir + "/samples.jsonl"));
    auto a = read_lines(plain.trainer.output_dir + "/metrics.jsonl");
    auto b = read_lines(watched.trainer.output_dir + "/metrics.jsonl");
    ASSERT_EQ(a.size(), 2u);
    ASSERT_EQ(b.size(), 2u);
    int measured = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const StepMetrics ma = step_metrics_from_json(a[i]), mb = step_metrics_from_json(b[i]);
        EXPECT_EQ(ma.values.at("actor/loss"), mb.values.at("actor/loss")) << i;
        EXPECT_TRUE(std::isnan(ma.values.at("collapse/reference_drift")));
        const double drift = mb.values.at("collapse/reference_drift");
        ASSERT_EQ(mb.values.count("collapse/reference_disagreement"), 1u);
        if (std::isfinite(drift)) {
            ++measured;
            EXPECT_GE(drift, -1.0);
            EXPECT_LE(drift, 1.0);
        }
    }
    EXPECT_GT(measured, 0) << "the SFT model's reference samples should carry answers";

    // Without a reference (full fine-tuning, kl_coef 0) the run says once why it is not watched.
    RunConfig bare = config("bare", 4);
    bare.algorithm.kl_coef = 0.0;
    ASSERT_EQ(test::train(bare).state, RunState::finished);
    int said = 0;
    for (const auto& line : read_lines(bare.trainer.output_dir + "/" + run_files::kLog))
        said += line.find("collapse/reference_drift is not measured") != std::string::npos;
    EXPECT_EQ(said, 1);
}

TEST(TrainerCollapse, ReplayGivesBackTheRunsOwnScoresAndAlarm) {
    RunConfig c = alarm_config(test::temp_dir("collapse-replay") + "/run", CollapseAction::warn, 4);
    c.collapse.window = 2;
    c.collapse.threshold = 0.0;  // fires on the first step after the baseline
    ASSERT_EQ(test::train(c).state, RunState::finished);
    std::vector<StepMetrics> steps;
    for (const auto& line : read_lines(c.trainer.output_dir + "/metrics.jsonl"))
        steps.push_back(step_metrics_from_json(line));
    ASSERT_EQ(steps.size(), 4u);
    const std::vector<ReplayedStep> replayed = replay_collapse(steps, c.collapse);
    ASSERT_EQ(replayed.size(), 4u);
    for (size_t i = 0; i < steps.size(); ++i) {
        EXPECT_EQ(replayed[i].step, steps[i].step);
        EXPECT_DOUBLE_EQ(replayed[i].verdict.score, steps[i].values.at("collapse/score")) << i;
        EXPECT_EQ(replayed[i].verdict.fired ? 1.0 : 0.0, steps[i].values.at("collapse/alarm")) << i;
        const double rise = steps[i].values.at("collapse/drift_rise");
        const double again = replayed[i].verdict.metrics.at("collapse/drift_rise");
        EXPECT_TRUE(rise == again || (std::isnan(rise) && std::isnan(again))) << i;
    }
    EXPECT_TRUE(replayed[1].verdict.fired);
    CollapseConfig never = c.collapse;
    never.threshold = 1.0;
    never.drift_threshold = 1.0;
    for (const ReplayedStep& r : replay_collapse(steps, never)) EXPECT_FALSE(r.verdict.fired);
}

TEST(TrainerCollapse, EntropyBonusRunsAStepAndIsReportedOnlyWhenOn) {
    const std::string tmp = test::temp_dir("collapse-entropy");
    RunConfig off = tiny_run_config(tmp + "/off", 1);
    off.model.path = sft_model();
    off.trainer.mini_batch_size = off.trainer.rollout_batch_size;  // one update: ratio 1
    RunConfig on = off;
    on.trainer.output_dir = tmp + "/on";
    on.algorithm.entropy_coef = 0.05;
    ASSERT_EQ(test::train(off).state, RunState::finished);
    ASSERT_EQ(test::train(on).state, RunState::finished);
    auto first = [](const RunConfig& c) {
        return step_metrics_from_json(read_lines(c.trainer.output_dir + "/metrics.jsonl").at(0));
    };
    const StepMetrics a = first(off), b = first(on);
    EXPECT_EQ(a.values.count("actor/entropy_loss"), 0u);
    ASSERT_EQ(b.values.count("actor/entropy_loss"), 1u);
    // Token-mean aggregation: the bonus's entropy is the reported token entropy, and the same
    // samples (drawn before the update) give the same pg_loss; the loss is lower by coef x H.
    const double h = b.values.at("actor/entropy_loss");
    EXPECT_GT(h, 0.0);
    EXPECT_NEAR(h, b.values.at("actor/entropy"), 1e-6);
    EXPECT_EQ(a.values.at("actor/pg_loss"), b.values.at("actor/pg_loss"));
    EXPECT_NEAR(b.values.at("actor/loss"), a.values.at("actor/loss") - 0.05 * h, 1e-6);
}

TEST(TrainerCollapse, ConfigRejectsInconsistentSafeguards) {
    RunConfig c;
    c.rollout.n = 8;
    c.rollout.vote_n = 4;
    auto keys = [](const RunConfig& c) {
        std::string k;
        for (const auto& i : check_config(c)) k += i.key + ": " + i.message + "\n";
        return k;
    };
    EXPECT_NE(keys(c).find("rollout.vote_n"), std::string::npos);
    c.algorithm.vote_source = VoteSource::reference;  // 4 reference voters are fine
    EXPECT_EQ(keys(c), "");
    c.algorithm.reward = RewardKind::accuracy;
    EXPECT_NE(keys(c).find("algorithm.vote_source"), std::string::npos);
    RunConfig t;
    t.algorithm.teacher_temperature = 0.3;  // no teacher votes: the setting would do nothing
    EXPECT_NE(keys(t).find("algorithm.teacher_temperature"), std::string::npos);
    t.algorithm.vote_source = VoteSource::ema;
    EXPECT_EQ(keys(t), "");
    RunConfig d;
    d.collapse.threshold = 1.5;
    d.collapse.rollback_lr_factor = 1.0;
    d.collapse.baseline_steps = 0;
    const std::string k = keys(d);
    for (const char* key :
         {"collapse.threshold", "collapse.rollback_lr_factor", "collapse.baseline_steps"})
        EXPECT_NE(k.find(key), std::string::npos) << key << "\n" << k;
    EXPECT_THROW(set_field(d, "collapse.alarm", "panic"), ConfigError);
}

}  // namespace
}  // namespace mmupt
