// Run-directory lines round-trip, the tail reader follows a growing file, malformed lines count.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/session/run_files.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

using namespace mmupt;

TEST(RunFiles, StepMetricsRoundTripWithNaN) {
    StepMetrics m;
    m.step = 7;
    m.wall_time_s = 12.5;
    m.values = {{"reward/mean", 0.25}, {"actor/grad_norm", std::nan("")}};
    StepMetrics back = step_metrics_from_json(to_json_line(m));
    EXPECT_EQ(back.step, 7);
    EXPECT_DOUBLE_EQ(back.wall_time_s, 12.5);
    EXPECT_DOUBLE_EQ(back.values.at("reward/mean"), 0.25);
    EXPECT_TRUE(std::isnan(back.values.at("actor/grad_norm")));
}

TEST(RunFiles, RolloutGroupRoundTrip) {
    RolloutGroup g;
    g.step = 2;
    g.group_id = "train-3";
    g.image_path = "a.png";
    g.question = "How many?";
    g.responses = {{"\\boxed{4}", "4", 0, 1.0, 5, false}, {"hmm", std::nullopt, -1, 0.0, 9, true}};
    g.clusters = {{"4", {0}}};
    g.majority_index = 0;
    g.majority_ratio = 0.5;
    g.label = "4";
    RolloutGroup b = rollout_group_from_json(to_json_line(g));
    ASSERT_EQ(b.responses.size(), 2u);
    EXPECT_EQ(b.responses[0].answer.value(), "4");
    EXPECT_EQ(b.responses[0].cluster, 0);
    EXPECT_FALSE(b.responses[1].answer.has_value());
    EXPECT_EQ(b.responses[1].cluster, -1);
    EXPECT_TRUE(b.responses[1].truncated);
    EXPECT_EQ(b.majority_index.value(), 0);
    EXPECT_EQ(b.label.value(), "4");
    EXPECT_EQ(b.group_id, "train-3");
}

TEST(RunFiles, MalformedLinesThrowDataError) {
    EXPECT_THROW(step_metrics_from_json("{not json"), DataError);
    EXPECT_THROW(step_metrics_from_json("[1,2]"), DataError);
    EXPECT_THROW(step_metrics_from_json("{\"time_s\": 1}"), DataError);  // no step
    EXPECT_THROW(rollout_group_from_json(
                     R"({"step":1,"responses":["a"],"clusters":[{"answer":"x","members":[5]}]})"),
                 DataError);
}

TEST(RunFiles, TailKeepsPartialLineUntilComplete) {
    std::string dir = test::temp_dir("tail");
    std::string path = dir + "/metrics.jsonl";
    JsonlTail tail(path);
    EXPECT_TRUE(tail.read_new_lines().empty());  // file absent yet
    { std::ofstream(path) << "{\"step\":1}\n{\"st"; }
    auto first = tail.read_new_lines();
    ASSERT_EQ(first.size(), 1u);
    EXPECT_EQ(first[0], "{\"step\":1}");
    { std::ofstream(path, std::ios::app) << "ep\":2}\n"; }
    auto second = tail.read_new_lines();
    ASSERT_EQ(second.size(), 1u);
    EXPECT_EQ(second[0], "{\"step\":2}");
}

TEST(RunFiles, ReadRunDirectoryCountsMalformedAndListsCompleteCheckpoints) {
    namespace fs = std::filesystem;
    std::string dir = test::temp_dir("run");
    {
        std::ofstream f(dir + "/metrics.jsonl");
        f << "{\"step\":1,\"reward/mean\":0.5}\ngarbage\n{\"step\":2,\"reward/mean\":0.7}\n";
    }
    fs::create_directories(dir + "/checkpoints/step-2");
    std::ofstream(dir + "/checkpoints/step-2/trainer_state.json")
        << R"({"metrics":{"reward/mean":0.7}})";
    fs::create_directories(dir + "/checkpoints/.tmp-step-4");  // incomplete: ignored
    fs::create_directories(dir + "/checkpoints/step-3");       // no trainer_state: ignored
    RunSnapshot snap = read_run_directory(dir);
    ASSERT_EQ(snap.metrics.size(), 2u);
    EXPECT_EQ(snap.metrics[1].step, 2);
    EXPECT_EQ(snap.malformed_lines, 1);
    ASSERT_EQ(snap.checkpoints.size(), 1u);
    EXPECT_EQ(snap.checkpoints[0].step, 2);
    EXPECT_DOUBLE_EQ(snap.checkpoints[0].metrics.at("reward/mean"), 0.7);
    EXPECT_THROW(read_run_directory(test::temp_dir("empty")), DataError);
}
