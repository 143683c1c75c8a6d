// Data-parallel training equals one process (docs/distributed.md): 2 ranks x B/2 prompts against
// 1 rank x B prompts, same seeds, 3 MM-UPT steps of the tiny fp32 model: every metric per step
// (wall-clock ones aside) and the final weights within 1e-5, samples.jsonl line for line.
// Resuming a 2-rank run with 1 rank, and a 1-rank run with 2 ranks, continues the same
// trajectory; ranks with different configs are refused. Ranks are threads of this process with
// a DistGroup each (Gloo over loopback); every wait is bounded by a short timeout.
#include <gtest/gtest.h>

#include <cmath>

#include "core/config/config_io.h"
#include "core/dist/process_group.h"
#include "core/io/safetensors_torch.h"
#include "core/session/run_files.h"
#include "tests/core/dist_util.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {

using test::read_lines;

// Runs `config` on `world` ranks (threads); `resume_from` as Trainer's. Rank 0's result.
RunFinished run_ranks(const RunConfig& config, int world,
                      const std::optional<std::string>& resume_from = std::nullopt) {
    std::vector<RunFinished> results(static_cast<size_t>(world));
    auto errors = test::run_ranks(world, 30, [&](int r, std::shared_ptr<DistGroup> g) {
        const std::string policy = resume_from && !resume_from->empty() ? *resume_from
                                                                          : config.model.path;
        Trainer t(config, load_training_model(config, policy), nullptr, nullptr, resume_from, g);
        results[size_t(r)] = t.run();
    });
    for (int r = 0; r < world; ++r) {
        EXPECT_EQ(errors[size_t(r)], "") << "rank " << r;
        EXPECT_EQ(results[size_t(r)].state, RunState::finished)
            << "rank " << r << ": " << results[size_t(r)].message;
    }
    return results[0];
}

bool wall_clock(const std::string& key) {
    return key.rfind("timing_s/", 0) == 0 || key.rfind("perf/", 0) == 0;
}

// Steps 1..steps of runs a and b: metrics within 1e-5 (relative for large values), samples
// line for line, the weights of step-<steps> within 1e-5.
void expect_same_runs(const std::string& a, const std::string& b, int steps) {
    auto la = read_lines(a + "/metrics.jsonl"), lb = read_lines(b + "/metrics.jsonl");
    ASSERT_EQ(la.size(), size_t(steps));
    ASSERT_EQ(lb.size(), size_t(steps));
    for (int s = 0; s < steps; ++s) {
        StepMetrics ma = step_metrics_from_json(la[size_t(s)]);
        StepMetrics mb = step_metrics_from_json(lb[size_t(s)]);
        EXPECT_EQ(ma.step, mb.step);
        for (const auto& [key, value] : ma.values) {
            if (wall_clock(key) || key == "progress/total_steps") continue;
            ASSERT_TRUE(mb.values.count(key)) << key << " missing at step " << s + 1;
            const double other = mb.values.at(key);
            if (std::isnan(value) || std::isnan(other)) {
                EXPECT_EQ(std::isnan(value), std::isnan(other)) << key << " step " << s + 1;
                continue;
            }
            EXPECT_NEAR(value, other, 1e-5 * std::max(1.0, std::abs(value)))
                << key << " step " << s + 1;
        }
        EXPECT_EQ(ma.values.size(), mb.values.size()) << "step " << s + 1;
    }
    auto sa = read_lines(a + "/samples.jsonl"), sb = read_lines(b + "/samples.jsonl");
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t i = 0; i < sa.size(); ++i) EXPECT_EQ(sa[i], sb[i]) << "samples line " << i + 1;
    const std::string ckpt = "/checkpoints/step-" + std::to_string(steps) + "/model.safetensors";
    auto wa = load_safetensors(a + ckpt), wb = load_safetensors(b + ckpt);
    ASSERT_EQ(wa.size(), wb.size());
    double worst = 0;
    for (const auto& [name, t] : wa)
        worst = std::max(worst, (t - wb.at(name)).abs().max().item<double>());
    EXPECT_LT(worst, 1e-5) << "largest weight difference";
}

RunConfig dist_config(const std::string& dir, int steps) {
    RunConfig c = test::tiny_run_config(dir, steps);  // B = 4, M = 2, G = 8, fp32, 1 thread
    c.trainer.dist_timeout_s = 30;
    return c;
}

TEST(DistTrainer, TwoRanksEqualOneRank) {
    const std::string root = test::temp_dir("dist-equal");
    const RunFinished one = test::train(dist_config(root + "/one", 3));
    ASSERT_EQ(one.state, RunState::finished) << one.message;
    run_ranks(dist_config(root + "/two", 3), 2);
    expect_same_runs(root + "/one", root + "/two", 3);
}

// A run of `steps` steps with a checkpoint every 2, on `world` ranks.
void start_run(const std::string& dir, int steps, int world) {
    RunConfig c = dist_config(dir, steps);
    c.trainer.save_every = 2;
    if (world == 1) {
        const RunFinished r = test::train(c);
        ASSERT_EQ(r.state, RunState::finished) << r.message;
    } else {
        run_ranks(c, world);
    }
}

// Continues `dir` to `steps` on `world` ranks from its newest checkpoint.
void resume_run(const std::string& dir, int steps, int world) {
    const std::string set = "trainer.max_steps=" + std::to_string(steps);
    if (world == 1) {
        ResumeOptions o;
        o.overrides = {set};
        const RunFinished r = Trainer::resume(dir, nullptr, nullptr, o)->run();
        ASSERT_EQ(r.state, RunState::finished) << r.message;
        return;
    }
    RunConfig c = load_config(dir + "/config.yaml", {set}, true);
    auto latest = CheckpointStore(dir, 0).latest();
    ASSERT_TRUE(latest);
    run_ranks(c, world, latest->path);
}

TEST(DistTrainer, ResumeWithAnotherWorldSizeKeepsTheTrajectory) {
    const std::string root = test::temp_dir("dist-resume");
    start_run(root + "/ref", 4, 1);  // uninterrupted
    start_run(root + "/two-one", 2, 2);
    resume_run(root + "/two-one", 4, 1);
    expect_same_runs(root + "/ref", root + "/two-one", 4);
    start_run(root + "/one-two", 2, 1);
    resume_run(root + "/one-two", 4, 2);
    expect_same_runs(root + "/ref", root + "/one-two", 4);
}

TEST(DistTrainer, RanksWithDifferentConfigsAreRefused) {
    const std::string root = test::temp_dir("dist-mismatch");
    std::vector<std::string> messages(2);
    auto errors = test::run_ranks(2, 10, [&](int r, std::shared_ptr<DistGroup> g) {
        RunConfig c = dist_config(root + "/run", 1);
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
