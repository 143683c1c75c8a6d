// Data-parallel training equals one process (docs/distributed.md): 2 ranks x B/2 prompts against
// 1 rank x B prompts, same seeds, 3 MM-UPT steps of the tiny fp32 model: every metric per step
// (wall-clock ones aside) and the final weights within 1e-5, samples.jsonl line for line; the
// collapse signals and the alarm's stop / rollback the same as in one process; ranks with
// different configs are refused. Ranks are threads of this process with a DistGroup each
// (Gloo over loopback); every wait is bounded. Resume across world sizes: slow/dist_slow_test.cpp.
#include <nlohmann/json.hpp>

#include "tests/core/dist_trainer_util.h"

namespace mmupt {
namespace {

// alarms.jsonl of two runs: the same steps, actions and reasons; signals within 1e-5.
void expect_same_alarms(const std::string& a, const std::string& b) {
    auto la = test::read_lines(a + "/" + run_files::kAlarms);
    auto lb = test::read_lines(b + "/" + run_files::kAlarms);
    ASSERT_EQ(la.size(), lb.size());
    for (size_t i = 0; i < la.size(); ++i) {
        const auto ja = nlohmann::json::parse(la[i]), jb = nlohmann::json::parse(lb[i]);
        EXPECT_EQ(ja["step"], jb["step"]) << i;
        EXPECT_EQ(ja["action"], jb["action"]) << i;
        EXPECT_EQ(ja["reasons"], jb["reasons"]) << i;
        for (auto it = ja["signals"].begin(); it != ja["signals"].end(); ++it) {
            const auto& other = jb["signals"][it.key()];
            if (!it->is_number() || !other.is_number()) {
                EXPECT_EQ(*it, other) << it.key();
                continue;
            }
            EXPECT_NEAR(it->get<double>(), other.get<double>(), 1e-5) << it.key();
        }
    }
}

TEST(DistTrainer, TwoRanksEqualOneRank) {
    const std::string root = test::temp_dir("dist-equal");
    const RunFinished one = test::train(test::dist_config(root + "/one", 3));
    ASSERT_EQ(one.state, RunState::finished) << one.message;
    test::run_trainer_ranks(test::dist_config(root + "/two", 3), 2);
    test::expect_same_runs(root + "/one", root + "/two", 3);
}

// 3 steps of the SFT-trained tiny model with an alarm that fires at step 2 whatever the signals.
RunConfig alarm_config(const std::string& dir, CollapseAction action) {
    RunConfig c = test::dist_config(dir, 3);
    c.model.path = test::sft_model();
    c.collapse.alarm = action;
    c.collapse.baseline_steps = 1;
    c.collapse.window = c.collapse.patience = 1;
    c.collapse.threshold = 0.0;
    return c;
}

// The SFT-trained tiny model answers, so the collapse signals are finite: over 2 ranks they are
// the signals of all B prompts (not a mean of per-rank values) and equal one process's, the
// reference drift included; an alarm with `stop` ends every rank at the same step.
TEST(DistTrainer, CollapseSignalsAreGlobalAndTheAlarmStopsEveryRank) {
    const std::string root = test::temp_dir("dist-collapse");
    const RunFinished one = test::train(alarm_config(root + "/one", CollapseAction::stop));
    ASSERT_EQ(one.state, RunState::finished) << one.message;
    EXPECT_TRUE(one.interrupted);
    EXPECT_EQ(one.last_step, 2);
    const RunFinished two =
        test::run_trainer_ranks(alarm_config(root + "/two", CollapseAction::stop), 2);
    EXPECT_TRUE(two.interrupted);
    EXPECT_EQ(two.last_step, 2);
    EXPECT_NE(two.message.find("collapse alarm at step 2"), std::string::npos) << two.message;
    test::expect_same_runs(root + "/one", root + "/two", 2);
    const StepMetrics m = step_metrics_from_json(test::read_lines(root + "/two/metrics.jsonl")[1]);
    for (const char* key : {"collapse/answer_entropy", "collapse/distinct_share",
                            "collapse/reference_drift", "collapse/reference_disagreement"})
        EXPECT_TRUE(std::isfinite(m.values.at(key))) << key << " (the test needs answers)";
    EXPECT_EQ(test::read_lines(root + "/two/" + run_files::kAlarms).size(), 1u);
    expect_same_alarms(root + "/one", root + "/two");
}

// rollback on 2 ranks: every rank returns to rank 0's checkpoint at a lower learning rate, and
// the run follows the single-process one (its alarms, metrics and samples).
TEST(DistTrainer, RollbackOnTwoRanksFollowsOneProcess) {
    const std::string root = test::temp_dir("dist-rollback");
    auto config = [&](const std::string& dir) {
        RunConfig c = alarm_config(dir, CollapseAction::rollback);
        c.trainer.save_every = 1;
        c.collapse.max_rollbacks = 1;
        c.collapse.rollback_lr_factor = 0.25;
        return c;
    };
    const RunFinished one = test::train(config(root + "/one"));
    ASSERT_EQ(one.state, RunState::finished) << one.message;
    const RunFinished two = test::run_trainer_ranks(config(root + "/two"), 2);
    EXPECT_EQ(two.last_step, one.last_step);
    auto alarms = test::read_lines(root + "/two/" + run_files::kAlarms);
    ASSERT_EQ(alarms.size(), 2u);  // rollback to step 1, then stop (rollbacks used up)
    expect_same_alarms(root + "/one", root + "/two");
    test::expect_same_runs(root + "/one", root + "/two", one.last_step);
}

TEST(DistTrainer, RanksWithDifferentConfigsAreRefused) {
    const std::string root = test::temp_dir("dist-mismatch");
    auto errors = test::run_ranks_on_threads(2, 10, [&](int r, std::shared_ptr<DistGroup> g) {
        RunConfig c = test::dist_config(root + "/run", 1);
        if (r == 1) c.rollout.temperature = 0.7;
        Trainer t(c, load_training_model(c, c.model.path), nullptr, nullptr, std::nullopt, g);
    });
    for (int r = 0; r < 2; ++r)
        EXPECT_NE(errors[size_t(r)].find("rank 1 was started with a different config"),
                  std::string::npos)
            << "rank " << r << ": " << errors[size_t(r)];
}

}  // namespace
}  // namespace mmupt
