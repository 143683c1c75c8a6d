// A test hook for the chaos tests (tests/core/run_chaos_test.cpp): named points on a run's
// timeline where, when MMUPT_TEST_PAUSE_AT=<phase>[@<step>] names them, the process writes
// "<phase>@<step>" to the file $MMUPT_TEST_PAUSE_MARK (if set) and sleeps
// $MMUPT_TEST_PAUSE_S seconds (default 60), so a test can kill or signal it at that exact
// moment. With MMUPT_TEST_PAUSE_RANK=r only the data-parallel rank r (env RANK) pauses.
// Without the variable it costs one comparison. Fires once per process.
// Phases: model-files, rollout, update, metrics, report, checkpoint-tmp, checkpoint-renamed,
// checkpoint-pruned, resume-truncate (docs/trainer.md).
#pragma once

namespace mmupt {

// The step the phases below belong to (the trainer sets it as each step begins).
void test_pause_set_step(int step);
void test_pause_point(const char* phase);

}  // namespace mmupt
