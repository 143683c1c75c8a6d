// Comparing two run directories step by step (resume tests): every metric but the wall-clock
// ones (timing_s/*, perf/*) must be bit-identical, and samples.jsonl line for line.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "core/config/config_io.h"
#include "core/session/run_files.h"
#include "core/trainer/trainer.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt::test {

inline bool wall_clock_key(const std::string& key) {
    return key.rfind("timing_s/", 0) == 0 || key.rfind("perf/", 0) == 0;
}

inline void expect_same_metrics_after(const std::string& a, const std::string& b, int after_step,
                                      int last_step) {
    auto la = read_lines(a + "/metrics.jsonl"), lb = read_lines(b + "/metrics.jsonl");
    ASSERT_EQ(la.size(), size_t(last_step));
    ASSERT_EQ(lb.size(), size_t(last_step));
    for (int s = after_step; s < last_step; ++s) {
        StepMetrics ma = step_metrics_from_json(la[size_t(s)]);
        StepMetrics mb = step_metrics_from_json(lb[size_t(s)]);
        ASSERT_EQ(ma.step, s + 1);
        ASSERT_EQ(mb.step, s + 1);
        ASSERT_EQ(ma.values.size(), mb.values.size());
        for (const auto& [key, value] : ma.values) {
            if (wall_clock_key(key)) continue;
            const double other = mb.values.at(key);
            if (std::isnan(value) && std::isnan(other)) continue;  // null in both (not measured)
            EXPECT_EQ(value, other) << key << " step " << s + 1;
        }
    }
    // The rollouts themselves, group by group.
    auto sa = read_lines(a + "/samples.jsonl"), sb = read_lines(b + "/samples.jsonl");
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t i = 0; i < sa.size(); ++i) EXPECT_EQ(sa[i], sb[i]) << "samples line " << i + 1;
}

// Cancels the run once `step` has been reported.
class CancelAt : public SessionObserver {
  public:
    CancelAt(TrainerControl& control, int step) : control_(control), step_(step) {}
    void on_step(const StepMetrics& m) override {
        if (m.step >= step_) control_.cancel = true;
    }

  private:
    TrainerControl& control_;
    int step_;
};

// Trains `full` without a break, and `cut` cancelled once step `cancel_at` is reported and then
// resumed from its newest checkpoint to the end.
inline void train_whole_and_resumed(const RunConfig& full, const RunConfig& cut, int cancel_at) {
    ASSERT_EQ(train(full).state, RunState::finished);
    TrainerControl control;
    CancelAt cancel(control, cancel_at);
    ASSERT_EQ(Trainer::start(cut, &cancel, &control)->run().state, RunState::cancelled);
    RunFinished resumed = Trainer::resume(cut.trainer.output_dir, nullptr, nullptr)->run();
    ASSERT_EQ(resumed.state, RunState::finished) << resumed.message;
}

inline RunConfig resume_config(const std::string& dir) {
    RunConfig c = tiny_run_config(dir, 4);
    c.trainer.save_every = 2;
    c.optim.lr = 5e-3;
    c.optim.warmup_steps = 3;  // the resumed optimizer must continue the warm-up
    return c;
}

}  // namespace mmupt::test
