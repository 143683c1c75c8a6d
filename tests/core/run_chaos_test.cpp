// Chaos tests of `mmupt train` (issue 11), through the CLI on the tiny model: the process is
// stopped at named moments of its own timeline (MMUPT_TEST_PAUSE_AT, core/util/test_pause.h),
//  - SIGKILLed at 9 moments (start, rollout, update, between the metrics and samples writes,
//    checkpoint before / after its rename and after pruning, during resume's truncation, after
//    the step's report), each followed by a resume; with keep_last 1 the chain ends at
//    max_steps with the metrics, samples and final weights of an uninterrupted run;
//  - stopped by SIGINT and SIGTERM at 4 moments each: exit 0, a checkpoint of the step reached,
//    status.json `interrupted`, nothing temporary left, and the resumed chain again equals the
//    uninterrupted run; a second signal exits at once (130) and the run still resumes exactly.
// The signalled processes keep OpenBLAS's own threads (OPENBLAS_NUM_THREADS unset), which
// killed the process on Ctrl-C before the handlers were sigaction-based.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/io/safetensors_torch.h"
#include "tests/core/cli_process_util.h"
#include "tests/core/trainer_resume_util.h"

namespace mmupt {
namespace {
namespace fs = std::filesystem;

constexpr int kReferenceSteps = 9;

RunConfig chaos_config(const std::string& dir, int max_steps, int save_every, int keep_last) {
    RunConfig c = test::resume_config(dir);
    c.trainer.max_steps = max_steps;
    c.trainer.save_every = save_every;
    c.trainer.keep_last = keep_last;
    return c;
}

std::string write_yaml(const RunConfig& c, const std::string& path) {
    std::ofstream(path) << to_yaml(c);
    return path;
}

// The uninterrupted run every chain is compared with: 9 steps, a checkpoint at each, built once
// per test binary and shared by the test processes (ctest runs each test in its own).
const std::string& reference_run() {
    static const std::string dir =
        test::shared_test_dir("chaos-reference",
                              [](const std::string& scratch) {
                                  RunConfig c = chaos_config(scratch + "/run", kReferenceSteps,
                                                             /*save_every=*/1, /*keep_last=*/0);
                                  const std::string yaml = write_yaml(c, scratch + "/run.yaml");
                                  auto r = test::run_cli({"train", yaml}, scratch + "/log");
                                  ASSERT_EQ(r.exit_code, 0) << r.out;
                              }) +
        "/run";
    return dir;
}

int step_of(const std::string& json_line) { return nlohmann::json::parse(json_line)["step"]; }

// Steps 1..steps of `run` equal the reference: metrics (all but wall-clock keys and the total),
// samples line for line, and the weights of the checkpoint of the last step.
void expect_same_as_reference(const std::string& run, int steps) {
    const std::string ref = reference_run();
    auto mr = test::read_lines(run + "/metrics.jsonl"), mf = test::read_lines(ref + "/metrics.jsonl");
    ASSERT_EQ(mr.size(), size_t(steps)) << "one metrics row per step, no duplicates";
    for (int s = 0; s < steps; ++s) {
        StepMetrics a = step_metrics_from_json(mr[size_t(s)]);
        StepMetrics b = step_metrics_from_json(mf[size_t(s)]);
        ASSERT_EQ(a.step, s + 1);
        ASSERT_EQ(a.values.size(), b.values.size());
        for (const auto& [key, value] : b.values) {
            if (test::wall_clock_key(key) || key == "progress/total_steps") continue;
            EXPECT_EQ(a.values.at(key), value) << key << " step " << s + 1;
        }
    }
    auto sr = test::read_lines(run + "/samples.jsonl"), sf = test::read_lines(ref + "/samples.jsonl");
    size_t expected = 0;
    while (expected < sf.size() && step_of(sf[expected]) <= steps) ++expected;
    ASSERT_EQ(sr.size(), expected);
    for (size_t i = 0; i < sr.size(); ++i) EXPECT_EQ(sr[i], sf[i]) << "samples line " << i + 1;
    const std::string ckpt = "/checkpoints/step-" + std::to_string(steps) + "/model.safetensors";
    auto wr = load_safetensors(run + ckpt), wf = load_safetensors(ref + ckpt);
    ASSERT_EQ(wr.size(), wf.size());
    for (const auto& [name, t] : wf) EXPECT_TRUE(at::equal(wr.at(name), t)) << name;
}

// Nothing half-written is visible: every step-N is complete, no temporary entry is left.
void expect_nothing_temporary(const std::string& run) {
    for (const auto& e : fs::recursive_directory_iterator(run)) {
        const std::string name = e.path().filename().string();
        EXPECT_EQ(name.find(".tmp"), std::string::npos) << e.path();
        EXPECT_EQ(name.rfind(".old-", 0), std::string::npos) << e.path();
    }
}

nlohmann::json status_of(const std::string& run) {
    std::ifstream in(run + "/status.json");
    return nlohmann::json::parse(in, nullptr, false);
}

TEST(RunChaos, SigkillAtNineMomentsThenResumeEqualsAnUninterruptedRun) {
    const std::string tmp = test::temp_dir("chaos-kill");
    reference_run();
    const std::string run = tmp + "/run";
    const std::string yaml = write_yaml(chaos_config(run, 4, 1, 1), tmp + "/run.yaml");
    // In timeline order; each kill is followed by a resume that runs to the next one.
    const std::vector<std::string> moments = {
        "model-files",        "rollout@1",       "update@1",
        "metrics@1",          "checkpoint-tmp@1", "checkpoint-renamed@2",
        "resume-truncate",    "checkpoint-pruned@3", "report@4"};
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
    expect_same_as_reference(run, 4);
    const auto ckpts = list_checkpoints(run);
    ASSERT_EQ(ckpts.size(), 1u) << "keep_last 1";
    EXPECT_EQ(ckpts[0].step, 4);
    expect_nothing_temporary(run);
    EXPECT_EQ(status_of(run)["state"], "finished");
}

TEST(RunChaos, SigintAndSigtermAtFourMomentsEachStopCleanly) {
    const std::string tmp = test::temp_dir("chaos-signal");
    reference_run();
    const std::string run = tmp + "/run";
    const std::string yaml =
        write_yaml(chaos_config(run, kReferenceSteps, /*save_every=*/2, 1), tmp + "/run.yaml");
    struct Moment {
        int signal;
        std::string phase;
        int step;
    };
    const std::vector<Moment> moments = {
        {SIGINT, "rollout", 1},        {SIGTERM, "update", 2},  {SIGINT, "metrics", 3},
        {SIGTERM, "checkpoint-tmp", 4}, {SIGINT, "update", 5},   {SIGTERM, "rollout", 6},
        {SIGINT, "report", 7},         {SIGTERM, "checkpoint-renamed", 8}};
    for (size_t i = 0; i < moments.size(); ++i) {
        const Moment& m = moments[i];
        const std::string at = m.phase + "@" + std::to_string(m.step);
        SCOPED_TRACE(std::string(m.signal == SIGINT ? "SIGINT" : "SIGTERM") + " at " + at);
        const std::vector<std::string> args =
            i == 0 ? std::vector<std::string>{"train", yaml}
                   : std::vector<std::string>{"train", "--resume", run};
        test::CliProcess p = test::spawn_cli(args, tmp + "/log" + std::to_string(i), at,
                                             /*pause_s=*/1.0, {{"OPENBLAS_NUM_THREADS", ""}});
        ASSERT_TRUE(test::wait_for_pause(p));
        ::kill(p.pid, m.signal);
        ASSERT_EQ(test::wait_cli(p), 0) << p.output();
        const auto ckpts = list_checkpoints(run);
        ASSERT_FALSE(ckpts.empty());
        EXPECT_EQ(ckpts.back().step, m.step) << "a checkpoint of the step reached";
        const nlohmann::json status = status_of(run);
        EXPECT_EQ(status["state"], "interrupted") << status.dump();
        EXPECT_EQ(status["step"], m.step);
        EXPECT_NE(p.output().find("interrupted at step " + std::to_string(m.step)),
                  std::string::npos)
            << p.output();
        expect_nothing_temporary(run);
    }
    auto last = test::run_cli({"train", "--resume", run}, tmp + "/log-final");
    ASSERT_EQ(last.exit_code, 0) << last.out;
    expect_same_as_reference(run, kReferenceSteps);
    EXPECT_EQ(status_of(run)["state"], "finished");
}

TEST(RunChaos, SecondSignalExitsAtOnceAndTheRunStillResumesExactly) {
    const std::string tmp = test::temp_dir("chaos-twice");
    reference_run();
    const std::string run = tmp + "/run";
    const std::string yaml = write_yaml(chaos_config(run, 3, 1, 1), tmp + "/run.yaml");
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
    expect_same_as_reference(run, 3);
    expect_nothing_temporary(run);
}

}  // namespace
}  // namespace mmupt
