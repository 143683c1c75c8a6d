// `mmupt demo --quick --out TMP` end to end through the CLI: summary.json has the shape
// (three stages with fractions in [0, 1], per-seed lists, total seconds), every stage left a
// run directory with one metrics.jsonl line per step and a final checkpoint, and a second run
// reuses the cached stage 1 base model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

size_t count_lines(const std::string& path) {
    std::ifstream in(path);
    size_t n = 0;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) ++n;
    return n;
}

void expect_fraction(const nlohmann::json& j, const char* key) {
    ASSERT_TRUE(j.contains(key) && j[key].is_number()) << key << " in " << j.dump();
    EXPECT_GE(j[key].get<double>(), 0.0) << key;
    EXPECT_LE(j[key].get<double>(), 1.0) << key;
}

TEST(DemoQuick, WritesSummaryAndRunDirectoriesAndCachesTheBase) {
    const std::string out = test::temp_dir("demo-quick");
    const std::string cmd = test::cli_path() + " demo --quick --seeds 2 --out " + out + " 2>&1";
    auto first = test::run_command(cmd);
    ASSERT_EQ(first.exit_code, 0) << first.out;
    EXPECT_NE(first.out.find("+UPT"), std::string::npos) << first.out;

    std::ifstream in(out + "/summary.json");
    const nlohmann::json s = nlohmann::json::parse(in);
    ASSERT_TRUE(s["seconds"].is_number());
    EXPECT_GT(s["seconds"].get<double>(), 0.0);
    ASSERT_EQ(s["stages"].size(), 3u) << s.dump();
    for (const char* stage : {"base", "upt", "supervised_grpo"}) {
        SCOPED_TRACE(stage);
        const nlohmann::json& m = s["stages"][stage];
        for (const char* key : {"greedy_accuracy", "sampled_accuracy", "maj_accuracy"})
            expect_fraction(m, key);
        ASSERT_TRUE(m["per_seed"].is_array());
        ASSERT_EQ(m["per_seed"].size(), 2u);
        double sampled = 0;
        for (const auto& seed : m["per_seed"]) sampled += seed["sampled_accuracy"].get<double>();
        EXPECT_NEAR(m["sampled_accuracy"].get<double>(), sampled / 2, 1e-9);
    }

    const std::string runs[] = {"base", "seed-1/upt", "seed-1/supervised_grpo", "seed-2/upt",
                                "seed-2/supervised_grpo"};
    for (const std::string& run : runs) {
        SCOPED_TRACE(run);
        const std::string dir = out + "/" + run;
        EXPECT_TRUE(std::filesystem::exists(dir + "/config.yaml"));
        EXPECT_GE(count_lines(dir + "/metrics.jsonl"), 2u);
        EXPECT_TRUE(std::filesystem::is_directory(dir + "/checkpoints"));
    }
    EXPECT_GE(count_lines(out + "/seed-1/upt/samples.jsonl"), 1u);

    // The safeguard comparison: seed 1 at the unsafe learning rate, without and with.
    const nlohmann::json& sg = s["safeguards"];
    ASSERT_TRUE(sg.is_object()) << s.dump();
    EXPECT_EQ(sg["seed"], 1);
    for (const char* run : {"without", "with"}) {
        SCOPED_TRACE(run);
        expect_fraction(sg[run], "sampled_accuracy");
        EXPECT_TRUE(sg[run]["alarm_step"].is_null() || sg[run]["alarm_step"].is_number_integer());
        EXPECT_GE(count_lines(out + "/safeguards/" + run + "/metrics.jsonl"), 2u);
    }
    EXPECT_NE(first.out.find("with safeguards"), std::string::npos) << first.out;
    std::ifstream curves(out + "/curves.csv");
    std::string header, text((std::istreambuf_iterator<char>(curves)), {});
    header = text.substr(0, text.find('\n'));
    EXPECT_NE(header.find("collapse_score,alarm"), std::string::npos) << header;
    EXPECT_NE(text.find("\nupt_unsafe_safeguards,1,"), std::string::npos);

    // The second run skips stage 1: the base run directory is untouched.
    const auto base_mtime = std::filesystem::last_write_time(out + "/base/metrics.jsonl");
    auto second = test::run_command(test::cli_path() + " demo --quick --out " + out + " 2>&1");
    ASSERT_EQ(second.exit_code, 0) << second.out;
    EXPECT_NE(second.out.find("stage 1 cached"), std::string::npos) << second.out;
    EXPECT_EQ(std::filesystem::last_write_time(out + "/base/metrics.jsonl"), base_mtime);
}

}  // namespace
}  // namespace mmupt
