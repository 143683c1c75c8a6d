// The full signal chain of issue 11 (slow: ~10 CLI processes): SIGINT and SIGTERM at 4 moments
// each (rollout, update, metrics write, report; update, checkpoint before / after its rename,
// rollout), each exit 0 with a checkpoint of the step reached and nothing temporary left; the
// resumed run equals an uninterrupted one. The fast suite runs 2 of each
// (tests/core/run_chaos_test.cpp).
#include "tests/core/run_chaos_util.h"

namespace mmupt {
namespace {

TEST(RunChaosFull, SigintAndSigtermAtFourMomentsEachStopCleanly) {
    const std::string tmp = test::temp_dir("chaos-signal-full");
    const std::string ref = test::reference_run(9);
    const std::string run = tmp + "/run";
    const std::string yaml =
        test::write_yaml(test::chaos_config(run, 9, /*save_every=*/2, 1), tmp + "/run.yaml");
    test::run_signal_chain(yaml, run,
                           {{SIGINT, "rollout", 1},
                            {SIGTERM, "update", 2},
                            {SIGINT, "metrics", 3},
                            {SIGTERM, "checkpoint-tmp", 4},
                            {SIGINT, "update", 5},
                            {SIGTERM, "rollout", 6},
                            {SIGINT, "report", 7},
                            {SIGTERM, "checkpoint-renamed", 8}},
                           tmp + "/log");
    test::expect_same_as_reference(run, ref, 9);
}

}  // namespace
}  // namespace mmupt
