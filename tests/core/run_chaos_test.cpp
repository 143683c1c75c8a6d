// Chaos tests of `mmupt train` (issue 11), through the CLI on the tiny model: the process is
// stopped at named moments of its own timeline (MMUPT_TEST_PAUSE_AT, core/util/test_pause.h).
//  - SIGKILL at 9 moments (start, rollout, update, between the metrics and samples writes,
//    checkpoint before / after its rename and after pruning, during resume's truncation, after
//    the step's report), each followed by a resume; with keep_last 1 the chain ends at
//    max_steps with the metrics, samples and final weights of an uninterrupted run.
//  - SIGINT and SIGTERM at 2 moments each (all 8 of the issue: slow/run_chaos_full_test.cpp):
//    exit 0, a checkpoint of the step reached, status.json `interrupted`, nothing temporary
//    left, and the resumed chain again equals the uninterrupted run.
//  - A second signal exits at once (130) and the run still resumes exactly.
// The signalled processes keep OpenBLAS's own threads, which took the signal and killed the
// process on Ctrl-C before the handlers were sigaction-based.
#include "tests/core/run_chaos_util.h"

namespace mmupt {
namespace {
namespace fs = std::filesystem;

constexpr int kReferenceSteps = 5;

TEST(RunChaos, SigkillAtNineMomentsThenResumeEqualsAnUninterruptedRun) {
    const std::string tmp = test::temp_dir("chaos-kill");
    const std::string ref = test::reference_run(kReferenceSteps);
    const std::string run = tmp + "/run";
    const std::string yaml = test::write_yaml(test::chaos_config(run, 4, 1, 1), tmp + "/run.yaml");
    // In timeline order; each kill is followed by a resume that runs to the next one.
    const std::vector<std::string> moments = {
        "model-files",     "rollout@1",           "update@1",
        "metrics@1",       "checkpoint-tmp@1",    "checkpoint-renamed@2",
        "resume-truncate", "checkpoint-pruned@3", "report@4"};
    for (size_t i = 0; i < moments.size(); ++i) {
        SCOPED_TRACE("kill at " + moments[i]);
        const std::vector<std::string> args =
            i == 0 ? std::vector<std::string>{"train", yaml}
                   : std::vector<std::string>{"train", "--resume", run};
        test::CliProcess p = test::spawn_cli(args, tmp + "/log" + std::to_string(i), moments[i]);
        ASSERT_TRUE(test::wait_for_pause(p));
        ::kill(p.pid, SIGKILL);
        ASSERT_EQ(test::wait_cli(p), 128 + SIGKILL);
        for (const auto& c : list_checkpoints(run))  // published ones are always complete
            EXPECT_TRUE(fs::exists(c.path + "/optimizer.safetensors")) << c.path;
    }
    auto last = test::run_cli({"train", "--resume", run}, tmp + "/log-final");
    ASSERT_EQ(last.exit_code, 0) << last.out;
    test::expect_same_as_reference(run, ref, 4);
    const auto ckpts = list_checkpoints(run);
    ASSERT_EQ(ckpts.size(), 1u) << "keep_last 1";
    EXPECT_EQ(ckpts[0].step, 4);
    test::expect_nothing_temporary(run);
    EXPECT_EQ(test::status_of(run)["state"], "finished");
}

TEST(RunChaos, SigintAndSigtermStopCleanlyAndTheRunResumesExactly) {
    const std::string tmp = test::temp_dir("chaos-signal");
    const std::string ref = test::reference_run(kReferenceSteps);
    const std::string run = tmp + "/run";
    const std::string yaml = test::write_yaml(
        test::chaos_config(run, kReferenceSteps, /*save_every=*/2, 1), tmp + "/run.yaml");
    test::run_signal_chain(yaml, run,
                           {{SIGINT, "rollout", 1},
                            {SIGTERM, "update", 2},
                            {SIGINT, "metrics", 3},
                            {SIGTERM, "checkpoint-tmp", 4}},
                           tmp + "/log");
    test::expect_same_as_reference(run, ref, kReferenceSteps);
}

TEST(RunChaos, SecondSignalExitsAtOnceAndTheRunStillResumesExactly) {
    const std::string tmp = test::temp_dir("chaos-twice");
    const std::string ref = test::reference_run(kReferenceSteps);
    const std::string run = tmp + "/run";
    const std::string yaml = test::write_yaml(test::chaos_config(run, 3, 1, 1), tmp + "/run.yaml");
    test::CliProcess p = test::spawn_cli({"train", yaml}, tmp + "/log", "checkpoint-tmp@2",
                                         /*pause_s=*/60, {{"OPENBLAS_NUM_THREADS", ""}});
    ASSERT_TRUE(test::wait_for_pause(p));
    ::kill(p.pid, SIGINT);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(p.pid, SIGINT);
    // Well before the 60 s pause ends: the second signal does not wait for the step.
    ASSERT_EQ(test::wait_cli(p, /*timeout_s=*/20), 130) << p.output();
    const auto ckpts = list_checkpoints(run);
    ASSERT_EQ(ckpts.size(), 1u);
    EXPECT_EQ(ckpts[0].step, 1) << "step 2 was never published";
    for (const auto& line : test::read_lines(run + "/metrics.jsonl"))
        EXPECT_NO_THROW(step_metrics_from_json(line)) << "torn line: " << line;
    auto last = test::run_cli({"train", "--resume", run}, tmp + "/log-final");
    ASSERT_EQ(last.exit_code, 0) << last.out;
    test::expect_same_as_reference(run, ref, 3);
    test::expect_nothing_temporary(run);
}

}  // namespace
}  // namespace mmupt
