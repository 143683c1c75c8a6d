// Shared by the chaos tests (run_chaos_test.cpp, slow/run_chaos_full_test.cpp): configs, the
// uninterrupted reference run, comparisons with it, and the signal chain. The CLI is driven
// through cli_process_util.h and stopped at test_pause.h phases.
#pragma once
#include <gtest/gtest.h>

#include <cmath>

#include <ATen/ATen.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/io/safetensors_torch.h"
#include "tests/core/cli_process_util.h"
#include "tests/core/trainer_resume_util.h"

namespace mmupt::test {
inline RunConfig chaos_config(const std::string& dir, int max_steps, int save_every,
                              int keep_last) {
    RunConfig c = resume_config(dir);
    c.trainer.max_steps = max_steps;
    c.trainer.save_every = save_every;
    c.trainer.keep_last = keep_last;
    return c;
}

inline std::string write_yaml(const RunConfig& c, const std::string& path) {
    std::ofstream(path) << to_yaml(c);
    return path;
}

// The uninterrupted run every chain is compared with: `steps` steps, a checkpoint at each,
// built once per test binary and shared by its test processes (ctest runs each test in its own).
inline std::string reference_run(int steps) {
    return shared_test_dir("chaos-reference-" + std::to_string(steps),
                           [steps](const std::string& scratch) {
                               RunConfig c = chaos_config(scratch + "/run", steps,
                                                          /*save_every=*/1, 0);
                               const std::string yaml = write_yaml(c, scratch + "/run.yaml");
                               auto r = run_cli({"train", yaml}, scratch + "/log");
                               ASSERT_EQ(r.exit_code, 0) << r.out;
                           }) +
           "/run";
}

inline int step_of(const std::string& json_line) {
    return nlohmann::json::parse(json_line)["step"];
}

// Steps 1..steps of `run` equal the reference `ref`: metrics (all but wall-clock keys and the
// total), samples line for line, and the weights of the checkpoint of the last step.
inline void expect_same_as_reference(const std::string& run, const std::string& ref, int steps) {
    auto mr = read_lines(run + "/metrics.jsonl"), mf = read_lines(ref + "/metrics.jsonl");
    ASSERT_EQ(mr.size(), size_t(steps)) << "one metrics row per step, no duplicates";
    for (int s = 0; s < steps; ++s) {
        StepMetrics a = step_metrics_from_json(mr[size_t(s)]);
        StepMetrics b = step_metrics_from_json(mf[size_t(s)]);
        ASSERT_EQ(a.step, s + 1);
        ASSERT_EQ(a.values.size(), b.values.size());
        for (const auto& [key, value] : b.values) {
            if (wall_clock_key(key) || key == "progress/total_steps") continue;
            if (std::isnan(value) && std::isnan(a.values.at(key))) continue;  // null in both
            EXPECT_EQ(a.values.at(key), value) << key << " step " << s + 1;
        }
    }
    auto sr = read_lines(run + "/samples.jsonl"), sf = read_lines(ref + "/samples.jsonl");
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
inline void expect_nothing_temporary(const std::string& run) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(run)) {
        const std::string name = e.path().filename().string();
        EXPECT_EQ(name.find(".tmp"), std::string::npos) << e.path();
        EXPECT_EQ(name.rfind(".old-", 0), std::string::npos) << e.path();
    }
}

inline nlohmann::json status_of(const std::string& run) {
    std::ifstream in(run + "/status.json");
    return nlohmann::json::parse(in, nullptr, false);
}

struct SignalMoment {
    int signal;         // SIGINT or SIGTERM
    std::string phase;  // a test_pause.h phase
    int step;
};

// Starts the run of `yaml` (into `run`), then resumes it, once per moment: each process is
// signalled at its moment and must exit 0 with a checkpoint of that step, status.json
// `interrupted` and nothing temporary left. A last resume runs to max_steps. The processes
// keep OpenBLAS's own threads (OPENBLAS_NUM_THREADS unset).
inline void run_signal_chain(const std::string& yaml, const std::string& run,
                             const std::vector<SignalMoment>& moments, const std::string& logs) {
    for (size_t i = 0; i < moments.size(); ++i) {
        const SignalMoment& m = moments[i];
        const std::string at = m.phase + "@" + std::to_string(m.step);
        SCOPED_TRACE(std::string(m.signal == SIGINT ? "SIGINT" : "SIGTERM") + " at " + at);
        const std::vector<std::string> args =
            i == 0 ? std::vector<std::string>{"train", yaml}
                   : std::vector<std::string>{"train", "--resume", run};
        CliProcess p = spawn_cli(args, logs + std::to_string(i), at,
                                 /*pause_s=*/1.0, {{"OPENBLAS_NUM_THREADS", ""}});
        ASSERT_TRUE(wait_for_pause(p));
        ::kill(p.pid, m.signal);
        ASSERT_EQ(wait_cli(p), 0) << p.output();
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
    auto last = run_cli({"train", "--resume", run}, logs + "-final");
    ASSERT_EQ(last.exit_code, 0) << last.out;
    EXPECT_EQ(status_of(run)["state"], "finished");
}

}  // namespace mmupt::test
