// Shared by the data-parallel trainer tests (dist_trainer_test.cpp, slow/dist_slow_test.cpp):
// running a config on W ranks as threads of this process (a DistGroup each, Gloo over
// loopback, bounded waits), and comparing two run directories within 1e-5.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/config/config_io.h"
#include "core/dist/process_group.h"
#include "core/io/safetensors_torch.h"
#include "core/session/run_files.h"
#include "tests/core/dist_util.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt::test {

// Runs `config` on `world` ranks (threads); `resume_from` as Trainer's. Rank 0's result.
inline RunFinished run_trainer_ranks(const RunConfig& config, int world,
                                     const std::optional<std::string>& resume_from = std::nullopt) {
    std::vector<RunFinished> results(static_cast<size_t>(world));
    auto errors = run_ranks_on_threads(world, 30, [&](int r, std::shared_ptr<DistGroup> g) {
        const std::string policy =
            resume_from && !resume_from->empty() ? *resume_from : config.model.path;
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

inline bool dist_wall_clock(const std::string& key) {
    return key.rfind("timing_s/", 0) == 0 || key.rfind("perf/", 0) == 0;
}

// Steps 1..steps of runs a and b: metrics within 1e-5 (relative for large values), samples
// line for line, the weights of step-<steps> within 1e-5.
inline void expect_same_runs(const std::string& a, const std::string& b, int steps) {
    auto la = read_lines(a + "/metrics.jsonl"), lb = read_lines(b + "/metrics.jsonl");
    ASSERT_EQ(la.size(), size_t(steps));
    ASSERT_EQ(lb.size(), size_t(steps));
    for (int s = 0; s < steps; ++s) {
        StepMetrics ma = step_metrics_from_json(la[size_t(s)]);
        StepMetrics mb = step_metrics_from_json(lb[size_t(s)]);
        EXPECT_EQ(ma.step, mb.step);
        for (const auto& [key, value] : ma.values) {
            if (dist_wall_clock(key) || key == "progress/total_steps") continue;
            ASSERT_TRUE(mb.values.count(key)) << key << " missing at step " << s + 1;
            const double other = mb.values.at(key);
            if (std::isnan(value) || std::isnan(other)) {
                EXPECT_EQ(std::isnan(value), std::isnan(other)) << key << " step " << s + 1;
                continue;
            }
            EXPECT_NEAR(value, other, 1e-5 * std::max(1.0, std::abs(value)))
                << key << " step " << s + 1;
        }
        for (const auto& [key, value] : mb.values)  // distributed runs add perf/collective_*
            if (!dist_wall_clock(key)) {
                EXPECT_TRUE(ma.values.count(key)) << key;
            }
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

inline RunConfig dist_config(const std::string& dir, int steps) {
    RunConfig c = tiny_run_config(dir, steps);  // B = 4, M = 2, G = 8, fp32, 1 thread
    c.trainer.dist_timeout_s = 30;
    return c;
}

// A run of `steps` steps with a checkpoint every 2, on `world` ranks.
inline void start_run(const std::string& dir, int steps, int world) {
    RunConfig c = dist_config(dir, steps);
    c.trainer.save_every = 2;
    if (world == 1) {
        const RunFinished r = train(c);
        ASSERT_EQ(r.state, RunState::finished) << r.message;
    } else {
        run_trainer_ranks(c, world);
    }
}

// Continues `dir` to `steps` on `world` ranks from its newest checkpoint.
inline void resume_run(const std::string& dir, int steps, int world) {
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
    run_trainer_ranks(c, world, latest->path);
}

}  // namespace mmupt::test
