// Resume equivalence: a run interrupted after a checkpoint and resumed reproduces the metrics of
// an uninterrupted run for every step after the checkpoint (in-process, a cancelled run; the
// SIGKILLed CLI run is trainer_kill_resume_test.cpp). Timing and throughput keys
// are wall-clock and excluded; every other value must be bit-identical (same threads, same
// deterministic CPU kernels, exact fp32 weights and AdamW state in the checkpoint, counter-based
// sampling keyed by step).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/config/config_io.h"
#include "core/session/run_files.h"
#include "core/trainer/trainer.h"
#include "tests/core/trainer_resume_util.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;
using test::CancelAt;
using test::expect_same_metrics_after;
using test::read_lines;
using test::resume_config;

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

}  // namespace
}  // namespace mmupt
