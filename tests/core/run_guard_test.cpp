// Guards around a run directory (issue 11), through the CLI on the tiny model: one writer per
// run (concurrent starts and resumes: one refuses naming the holder's pid, no duplicate rows),
// resume -> train -> resume cycles past keep_last (the run's own RUN/model_files), resume's
// config check, a full disk (a small tmpfs when this process may mount one), and the config
// file's own directory as the base of its relative paths.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/util/errors.h"
#include "tests/core/cli_process_util.h"
#include "tests/core/trainer_resume_util.h"

namespace mmupt {
namespace {
namespace fs = std::filesystem;

RunConfig guard_config(const std::string& dir, int max_steps) {
    RunConfig c = test::resume_config(dir);
    c.trainer.max_steps = max_steps;
    c.trainer.save_every = 1;
    c.trainer.keep_last = 1;
    return c;
}

std::vector<int> metric_steps(const std::string& run) {
    std::vector<int> steps;
    for (const auto& line : test::read_lines(run + "/metrics.jsonl"))
        steps.push_back(step_metrics_from_json(line).step);
    return steps;
}

TEST(RunGuard, ConcurrentStartsAndResumesOneRefusesAndCyclesRunPastKeepLast) {
    const std::string tmp = test::temp_dir("run-guard");
    const std::string run = tmp + "/run";
    const std::string yaml = tmp + "/run.yaml";
    std::ofstream(yaml) << to_yaml(guard_config(run, 2));

    // Two starts: the second comes while the first is in its first rollout.
    test::CliProcess a = test::spawn_cli({"train", yaml}, tmp + "/a.log", "rollout@1", 3.0);
    ASSERT_TRUE(test::wait_for_pause(a));
    auto b = test::run_cli({"train", yaml}, tmp + "/b.log");
    EXPECT_EQ(b.exit_code, 1) << b.out;
    EXPECT_NE(b.out.find("in use by another mmupt process (pid " + std::to_string(a.pid)),
              std::string::npos)
        << b.out;
    ASSERT_EQ(test::wait_cli(a), 0) << a.output();
    EXPECT_EQ(metric_steps(run), (std::vector<int>{1, 2}));

    // Raise max_steps and resume twice at once: one refuses, the other trains step 3.
    test::CliProcess c = test::spawn_cli({"train", "--resume", run, "--set",
                                          "trainer.max_steps=3"},
                                         tmp + "/c.log", "rollout@3", 3.0);
    ASSERT_TRUE(test::wait_for_pause(c));
    auto d = test::run_cli({"train", "--resume", run, "--set", "trainer.max_steps=3"},
                           tmp + "/d.log");
    EXPECT_EQ(d.exit_code, 1) << d.out;
    EXPECT_NE(d.out.find("pid " + std::to_string(c.pid)), std::string::npos) << d.out;
    ASSERT_EQ(test::wait_cli(c), 0) << c.output();
    EXPECT_EQ(metric_steps(run), (std::vector<int>{1, 2, 3}));

    // Trajectory changes are refused with their keys, by --set and by editing config.yaml.
    auto n = test::run_cli({"train", "--resume", run, "--set", "rollout.n=4", "--set",
                            "trainer.max_steps=5"},
                           tmp + "/n.log");
    EXPECT_EQ(n.exit_code, 1) << n.out;
    EXPECT_NE(n.out.find("rollout.n: 8 -> 4"), std::string::npos) << n.out;
    EXPECT_NE(n.out.find("--allow-config-change"), std::string::npos) << n.out;
    EXPECT_EQ(n.out.find("max_steps: 3 -> 5"), std::string::npos) << "resume-safe: " << n.out;
    const std::string saved = test::run_command("cat " + run + "/config.yaml").out;
    {
        RunConfig edited = load_config(run + "/config.yaml", {});
        edited.trainer.rollout_batch_size = 2;
        edited.trainer.mini_batch_size = 2;
        std::ofstream(run + "/config.yaml") << to_yaml(edited);
    }
    auto e = test::run_cli({"train", "--resume", run}, tmp + "/e.log");
    EXPECT_EQ(e.exit_code, 1) << e.out;
    EXPECT_NE(e.out.find("trainer.rollout_batch_size: 4 -> 2"), std::string::npos) << e.out;
    std::ofstream(run + "/config.yaml") << saved;
    EXPECT_EQ(metric_steps(run), (std::vector<int>{1, 2, 3})) << "refusals wrote nothing";

    // Resume -> train -> resume past keep_last 1, unattended (issue 11 item 2).
    for (int max_steps : {4, 5}) {
        auto r = test::run_cli({"train", "--resume", run, "--set",
                                "trainer.max_steps=" + std::to_string(max_steps)},
                               tmp + "/r" + std::to_string(max_steps) + ".log");
        ASSERT_EQ(r.exit_code, 0) << r.out;
    }
    EXPECT_EQ(metric_steps(run), (std::vector<int>{1, 2, 3, 4, 5}));
    const auto ckpts = list_checkpoints(run);
    ASSERT_EQ(ckpts.size(), 1u);
    EXPECT_EQ(ckpts[0].step, 5);
    EXPECT_TRUE(fs::exists(run + "/model_files/tokenizer.json"));
    EXPECT_TRUE(fs::exists(ckpts[0].path + "/tokenizer.json"));
    EXPECT_EQ(load_config(run + "/config.yaml", {}).trainer.max_steps, 5);

    // An allowed change is recorded in the log.
    auto allowed = test::run_cli({"train", "--resume", run, "--set", "trainer.max_steps=6",
                                  "--set", "optim.lr=0.001", "--allow-config-change"},
                                 tmp + "/allowed.log");
    ASSERT_EQ(allowed.exit_code, 0) << allowed.out;
    const std::string log = test::run_command("cat " + run + "/train.log").out;
    EXPECT_NE(log.find("config changed on resume (--allow-config-change): optim.lr: 0.005 -> "
                       "0.001"),
              std::string::npos)
        << log;
}

TEST(RunGuard, FullDiskFailsClearlyAndKeepsEarlierCheckpoints) {
    const std::string tmp = test::temp_dir("run-disk-full");
    const std::string mnt = tmp + "/small";
    fs::create_directories(mnt);
    // Two checkpoints of the tiny model (~5 MB each with the optimizer state) fit, not ten.
    if (::mount("tmpfs", mnt.c_str(), "tmpfs", 0, "size=12m") != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here (" << std::strerror(errno)
                     << "; needs root / CAP_SYS_ADMIN): the full-disk test is skipped";
    struct Unmount {
        std::string dir;
        ~Unmount() { ::umount2(dir.c_str(), MNT_DETACH); }
    } unmount{mnt};
    RunConfig c = guard_config(mnt + "/run", 10);
    c.trainer.keep_last = 0;
    const std::string yaml = tmp + "/run.yaml";
    std::ofstream(yaml) << to_yaml(c);
    auto r = test::run_cli({"train", yaml}, tmp + "/log");
    EXPECT_EQ(r.exit_code, 1) << r.out;
    // "No space left on device (free disk space ...)" or "(disk full?)", naming the file.
    EXPECT_NE(r.out.find("disk"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(mnt + "/run"), std::string::npos) << r.out;
    const auto ckpts = list_checkpoints(mnt + "/run");
    ASSERT_FALSE(ckpts.empty()) << r.out;
    for (const auto& ck : ckpts) {
        EXPECT_NO_THROW(read_trainer_state(ck.path)) << ck.path;
        EXPECT_NO_THROW(read_optimizer_state(ck.path)) << ck.path;
        EXPECT_TRUE(fs::exists(ck.path + "/model.safetensors")) << ck.path;
    }
    for (const auto& e : fs::directory_iterator(mnt + "/run/checkpoints"))
        EXPECT_EQ(e.path().filename().string().rfind(".tmp-", 0), std::string::npos)
            << "a failed save is removed: " << e.path();
}

TEST(RunGuard, RelativePathsInAConfigFollowItsDirectory) {
    const std::string tmp = test::temp_dir("run-relpath");
    fs::create_directories(tmp + "/a/b");
    std::ofstream(tmp + "/a/b/c.yaml") << "model:\n  path: ../tiny\n"
                                          "data:\n  train_files: [x.jsonl, ../../d/y.jsonl]\n"
                                          "trainer.output_dir: runs/r\n";
    RunConfig c = load_config(tmp + "/a/b/c.yaml", {"data.val_files=v.jsonl"});
    EXPECT_EQ(c.model.path, tmp + "/a/tiny");
    EXPECT_EQ(c.data.train_files, (std::vector<std::string>{tmp + "/a/b/x.jsonl", tmp + "/d/y.jsonl"}));
    EXPECT_EQ(c.trainer.output_dir, tmp + "/a/b/runs/r");
    EXPECT_EQ(c.data.val_files, (std::vector<std::string>{"v.jsonl"})) << "--set: as typed";

    auto dir = test::run_command(test::cli_path() + " train " + tmp + " 2>&1");
    EXPECT_NE(dir.exit_code, 0);
    EXPECT_NE(dir.out.find("is a directory, not a config file"), std::string::npos) << dir.out;
    EXPECT_NE(dir.out.find("mmupt config > run.yaml"), std::string::npos) << dir.out;
}

}  // namespace
}  // namespace mmupt
