// Resume equivalence: a run interrupted after a checkpoint and resumed reproduces the metrics of
// an uninterrupted run for every step after the checkpoint, both in-process (a cancelled run)
// and through the CLI with SIGKILL. Timing and throughput keys are wall-clock and excluded; every
// other value must be bit-identical (same threads, same deterministic CPU kernels, exact fp32
// weights and AdamW state in the checkpoint, counter-based sampling keyed by step).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/config/config_io.h"
#include "core/session/run_files.h"
#include "core/trainer/trainer.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;
using test::read_lines;

bool wall_clock_key(const std::string& key) {
    return key.rfind("timing_s/", 0) == 0 || key.rfind("perf/", 0) == 0;
}

void expect_same_metrics_after(const std::string& a, const std::string& b, int after_step,
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
        for (const auto& [key, value] : ma.values)
            if (!wall_clock_key(key))
                EXPECT_EQ(value, mb.values.at(key)) << key << " step " << s + 1;
    }
    // The rollouts themselves, group by group.
    auto sa = read_lines(a + "/samples.jsonl"), sb = read_lines(b + "/samples.jsonl");
    ASSERT_EQ(sa.size(), sb.size());
    for (size_t i = 0; i < sa.size(); ++i) EXPECT_EQ(sa[i], sb[i]) << "samples line " << i + 1;
}

RunConfig resume_config(const std::string& dir) {
    RunConfig c = test::tiny_run_config(dir, 4);
    c.trainer.save_every = 2;
    c.optim.lr = 5e-3;
    c.optim.warmup_steps = 3;  // the resumed optimizer must continue the warm-up
    return c;
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

TEST(TrainerResume, CancelledRunResumesToTheSameMetrics) {
    const std::string tmp = test::temp_dir("trainer-resume");
    RunConfig full = resume_config(tmp + "/full");
    ASSERT_EQ(Trainer::start(full, nullptr, nullptr)->run().state, RunState::finished);

    RunConfig cut = resume_config(tmp + "/cut");
    TrainerControl control;
    CancelAt cancel(control, 3);  // step 3 is written, then the run stops without a checkpoint
    RunFinished r = Trainer::start(cut, &cancel, &control)->run();
    ASSERT_EQ(r.state, RunState::cancelled);
    EXPECT_EQ(read_lines(cut.trainer.output_dir + "/metrics.jsonl").size(), 3u);
    ASSERT_EQ(list_checkpoints(cut.trainer.output_dir).back().step, 2);

    RunFinished resumed = Trainer::resume(cut.trainer.output_dir, nullptr, nullptr)->run();
    ASSERT_EQ(resumed.state, RunState::finished) << resumed.message;
    EXPECT_EQ(resumed.last_step, 4);
    expect_same_metrics_after(full.trainer.output_dir, cut.trainer.output_dir, 2, 4);
}

TEST(TrainerResume, SigkilledCliRunResumesToTheSameMetrics) {
    const std::string tmp = test::temp_dir("trainer-kill");
    RunConfig c = resume_config(tmp + "/full");
    c.trainer.max_steps = 6;
    const std::string yaml = tmp + "/run.yaml";
    std::ofstream(yaml) << to_yaml(c);
    const std::string cli = test::cli_path();
    auto full = test::run_command(cli + " train " + yaml + " 2>&1");
    ASSERT_EQ(full.exit_code, 0) << full.out;

    // Same config into another directory; SIGKILL as soon as the step-2 checkpoint is complete.
    const std::string killed = tmp + "/killed";
    const std::string script =
        cli + " train " + yaml + " --set trainer.output_dir=" + killed + " >" + tmp +
        "/log 2>&1 & pid=$!; "
        "while [ ! -f " +
        killed +
        "/checkpoints/step-2/trainer_state.json ]; do "
        "kill -0 $pid 2>/dev/null || exit 3; sleep 0.05; done; kill -9 $pid; wait $pid; "
        "echo killed";
    auto k = test::run_command(script);
    ASSERT_NE(k.out.find("killed"), std::string::npos) << k.out;
    ASSERT_LT(read_lines(killed + "/metrics.jsonl").size(), 6u) << "the run finished first";

    auto resumed = test::run_command(cli + " train --resume " + killed + " 2>&1");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out;
    expect_same_metrics_after(c.trainer.output_dir, killed, 2, 6);
}

}  // namespace
}  // namespace mmupt
