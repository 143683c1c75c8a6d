// `mmupt export` (issue 11): writes only a new or empty directory or, with --force, an earlier
// export; a folder of user files, the run's model.path and the run directory stay byte for byte
// as they were and the command fails with the reason. It keeps the checkpoint's dtype unless
// --dtype says otherwise and prints what it wrote.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "tests/core/cli_process_util.h"
#include "tests/core/trainer_test_util.h"

namespace mmupt {
namespace {
namespace fs = std::filesystem;

// Every file under `dir` (symlinks not followed) with its bytes.
std::map<std::string, std::string> snapshot(const std::string& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        files[e.path().string()].assign(std::istreambuf_iterator<char>(in), {});
    }
    return files;
}

std::string torch_dtype(const std::string& dir) {
    std::ifstream in(dir + "/config.json");
    return nlohmann::json::parse(in)["torch_dtype"];
}

TEST(CliExport, WritesOnlyWhereItMayKeepsTheDtypeAndSaysWhatItWrote) {
    const std::string tmp = test::temp_dir("cli-export");
    RunConfig c = test::tiny_run_config(tmp + "/run", 1);  // float32, one checkpoint at the end
    ASSERT_EQ(test::train(c).state, RunState::finished);
    const std::string run = tmp + "/run";
    auto expo = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = {"export", "--run", run};
        args.insert(args.end(), extra.begin(), extra.end());
        return test::run_cli(args, tmp + "/export.log");
    };

    // A folder of user files: refused, every byte kept.
    const std::string user = tmp + "/project";
    fs::create_directories(user + "/src");
    fs::create_directories(user + "/.git");
    std::ofstream(user + "/config.json") << "{\"mine\": true}\n";
    std::ofstream(user + "/src/main.c") << "int main(void) { return 0; }\n";
    std::ofstream(user + "/.git/HEAD") << "ref: refs/heads/main\n";
    std::ofstream(user + "/README.md") << "# my project\n";
    const auto before = snapshot(user);
    for (const auto& force : {std::vector<std::string>{}, std::vector<std::string>{"--force"}}) {
        std::vector<std::string> args = {"--out", user};
        args.insert(args.end(), force.begin(), force.end());
        auto r = expo(args);
        EXPECT_NE(r.exit_code, 0) << r.out;
        EXPECT_NE(r.out.find("not empty"), std::string::npos) << r.out;
        EXPECT_EQ(snapshot(user), before);
    }

    // The run's model.path and the run directory (or anything inside it): refused.
    const auto model_before = snapshot(c.model.path);
    for (const std::string& out : {c.model.path, run, run + "/export", run + "/checkpoints"}) {
        auto r = expo({"--out", out, "--force"});
        EXPECT_NE(r.exit_code, 0) << out << ": " << r.out;
        EXPECT_NE(r.out.find("refusing"), std::string::npos) << r.out;
    }
    EXPECT_EQ(snapshot(c.model.path), model_before);

    // A new directory: the checkpoint's float32 kept, and the report.
    const std::string out = tmp + "/hf";
    auto r = expo({"--out", out});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(torch_dtype(out), "float32");
    EXPECT_NE(r.out.find("(float32, "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" tensors, "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" bytes)"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::exists(out + "/.mmupt-export"));

    // Again into the earlier export: only with --force; --dtype converts.
    r = expo({"--out", out, "--dtype", "bfloat16"});
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("--force"), std::string::npos) << r.out;
    EXPECT_EQ(torch_dtype(out), "float32");
    r = expo({"--out", out, "--dtype", "bfloat16", "--force"});
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(torch_dtype(out), "bfloat16");
    EXPECT_NE(r.out.find("(bfloat16, "), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mmupt
