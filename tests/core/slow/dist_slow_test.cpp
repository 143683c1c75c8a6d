// Data-parallel runs, the slower checks (label `slow`; docs/distributed.md):
//  - resuming a 2-rank run with 1 rank, and a 1-rank run with 2, continues the same trajectory;
//  - the SFT update and GRPO with seq-mean aggregation / 2 PPO epochs equal one process;
//  - `mmupt train --nproc 2` (the launcher, env rendezvous, hash check) trains what one
//    process trains (final weights within 1e-5);
//  - a rank SIGKILLed mid-step makes the other exit at once, non-zero, naming it; the run then
//    resumes from its last checkpoint with `--resume --nproc 2`;
//  - a rank that hangs makes the other fail within trainer.dist_timeout_s, naming it;
//  - Ctrl-C to the launcher stops every rank after the same step, with a checkpoint.
// Every wait is bounded (wait_cli's timeout kills a stuck launcher, whose ranks die with it).
#include <chrono>
#include <functional>
#include <regex>

#include "tests/core/dist_trainer_util.h"
#include "tests/core/run_chaos_util.h"

namespace mmupt {
namespace {

TEST(DistSlow, ResumeWithAnotherWorldSizeKeepsTheTrajectory) {
    const std::string root = test::temp_dir("dist-resume");
    test::start_run(root + "/ref", 4, 1);  // uninterrupted
    test::start_run(root + "/two-one", 2, 2);
    test::resume_run(root + "/two-one", 4, 1);
    test::expect_same_runs(root + "/ref", root + "/two-one", 4);
    test::start_run(root + "/one-two", 2, 1);
    test::resume_run(root + "/one-two", 4, 2);
    test::expect_same_runs(root + "/ref", root + "/one-two", 4);
}

// The other update paths over 2 ranks: the SFT baseline (integer token denominators), and
// GRPO with seq-mean-token-mean aggregation, two PPO epochs (old log-probs scored first) and
// micro-batches smaller than a rank's mini-batch.
TEST(DistSlow, OtherUpdatePathsEqualOneRank) {
    const std::string root = test::temp_dir("dist-paths");
    auto sft = [](RunConfig c) {
        c.algorithm.reward = RewardKind::sft;
        return c;
    };
    auto seq_mean = [](RunConfig c) {
        c.algorithm.loss_agg = LossAgg::seq_mean_token_mean;
        c.trainer.ppo_epochs = 2;
        c.trainer.micro_batch_size = 4;
        return c;
    };
    const std::vector<std::pair<std::string, std::function<RunConfig(RunConfig)>>> variants = {
        {"sft", sft}, {"seq-mean", seq_mean}};
    for (const auto& [name, edit] : variants) {
        SCOPED_TRACE(name);
        const RunFinished one = test::train(edit(test::dist_config(root + "/" + name + "-1", 3)));
        ASSERT_EQ(one.state, RunState::finished) << one.message;
        test::run_trainer_ranks(edit(test::dist_config(root + "/" + name + "-2", 3)), 2);
        test::expect_same_runs(root + "/" + name + "-1", root + "/" + name + "-2", 3);
    }
}

std::string cli_config(const std::string& root, const std::string& name, int save_every,
                       double timeout_s) {
    RunConfig c = test::dist_config(root + "/" + name, 3);
    c.trainer.save_every = save_every;
    c.trainer.dist_timeout_s = timeout_s;
    return test::write_yaml(c, root + "/" + name + ".yaml");
}

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

TEST(DistSlow, NprocTwoTrainsWhatOneProcessTrains) {
    const std::string root = test::temp_dir("dist-cli");
    auto one = test::run_cli({"train", cli_config(root, "one", 0, 30)}, root + "/one.log");
    ASSERT_EQ(one.exit_code, 0) << one.out;
    auto two =
        test::run_cli({"train", cli_config(root, "two", 0, 30), "--nproc", "2"}, root + "/two.log");
    ASSERT_EQ(two.exit_code, 0) << two.out;
    EXPECT_NE(two.out.find("2 ranks on 127.0.0.1"), std::string::npos) << two.out;
    test::expect_same_runs(root + "/one", root + "/two", 3);
}

// The pids the launcher prints: "... (pids A B)".
std::vector<pid_t> rank_pids(const std::string& out) {
    std::smatch m;
    std::vector<pid_t> pids;
    if (std::regex_search(out, m, std::regex("pids ([0-9]+) ([0-9]+)\\)")))
        for (int i = 1; i <= 2; ++i) pids.push_back(pid_t(std::stol(m[i].str())));
    return pids;
}

TEST(DistSlow, KilledRankStopsTheOtherAndTheRunResumes) {
    const std::string root = test::temp_dir("dist-kill");
    const std::string yaml = cli_config(root, "run", 1, 30);
    test::CliProcess p = test::spawn_cli({"train", yaml, "--nproc", "2"}, root + "/run.log",
                                         "rollout@2", 60, {{"MMUPT_TEST_PAUSE_RANK", "1"}});
    ASSERT_TRUE(test::wait_for_pause(p));
    const std::vector<pid_t> pids = rank_pids(p.output());
    ASSERT_EQ(pids.size(), 2u) << p.output();
    const auto t0 = std::chrono::steady_clock::now();
    ::kill(pids[1], SIGKILL);  // rank 1, paused in step 2's rollout
    const int code = test::wait_cli(p, 60);
    const double took = seconds_since(t0);
    const std::string out = p.output();
    EXPECT_NE(code, 0) << out;
    EXPECT_NE(code, -1) << "the launcher hung:\n" << out;
    EXPECT_LT(took, 30.0) << "rank 0 must notice within trainer.dist_timeout_s";
    EXPECT_NE(out.find("rank 1 (pid " + std::to_string(pids[1]) + ") was killed"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("rank 1 died or did not answer"), std::string::npos) << out;
    EXPECT_EQ(test::read_lines(root + "/run/metrics.jsonl").size(), 1u) << "step 1 only";
    auto resumed =
        test::run_cli({"train", "--resume", root + "/run", "--nproc", "2"}, root + "/resume.log");
    ASSERT_EQ(resumed.exit_code, 0) << resumed.out;
    EXPECT_EQ(test::read_lines(root + "/run/metrics.jsonl").size(), 3u);
}

TEST(DistSlow, CtrlCStopsEveryRankAfterTheSameStep) {
    const std::string root = test::temp_dir("dist-stop");
    const std::string yaml = cli_config(root, "run", 0, 30);
    // Rank 1 sits 3 s in step 2's rollout: the launcher's SIGINT arrives mid-step.
    test::CliProcess p = test::spawn_cli({"train", yaml, "--nproc", "2"}, root + "/run.log",
                                         "rollout@2", 3, {{"MMUPT_TEST_PAUSE_RANK", "1"}});
    ASSERT_TRUE(test::wait_for_pause(p));
    ::kill(p.pid, SIGINT);
    const int code = test::wait_cli(p, 120);
    const std::string out = p.output();
    EXPECT_EQ(code, 0) << out;
    EXPECT_EQ(test::read_lines(root + "/run/metrics.jsonl").size(), 2u) << out;
    EXPECT_TRUE(std::filesystem::exists(root + "/run/checkpoints/step-2")) << out;
    EXPECT_NE(out.find("interrupted at step 2"), std::string::npos) << out;
}

TEST(DistSlow, HungRankTimesOutNamingIt) {
    const std::string root = test::temp_dir("dist-hang");
    const std::string yaml = cli_config(root, "run", 0, 3);
    const auto t0 = std::chrono::steady_clock::now();
    test::CliProcess p = test::spawn_cli({"train", yaml, "--nproc", "2"}, root + "/run.log",
                                         "rollout@2", 120, {{"MMUPT_TEST_PAUSE_RANK", "1"}});
    const int code = test::wait_cli(p, 90);
    const std::string out = p.output();
    EXPECT_NE(code, 0) << out;
    EXPECT_NE(code, -1) << "the launcher hung:\n" << out;
    // rank 0 fails after 3 s of waiting; the launcher kills the paused rank 10 s later.
    EXPECT_LT(seconds_since(t0), 60.0) << out;
    EXPECT_NE(out.find("rank 0: the loss denominator at step 2 failed: rank 1 died or did not "
                       "answer within trainer.dist_timeout_s = 3 s"),
              std::string::npos)
        << out;
}

}  // namespace
}  // namespace mmupt
