// Shared setup of the trainer tests: a tokenizer whose merges know the demo questions and
// "\boxed{k}" answers (so an answer is a few tokens), a random `tiny` model directory written
// once per process, short-answer training data over the demo images (label = the true count),
// and a RunConfig small enough for a 2-core CPU.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <ATen/ATen.h>

#include "core/config/config_schema.h"
#include "core/demo/demo_tokenizer.h"
#include "core/demo/synthetic_dataset.h"
#include "core/demo/synthetic_tasks.h"
#include "core/model/model_dir.h"
#include "core/trainer/trainer.h"
#include "tests/core/model_dir_util.h"
#include "tests/core/test_paths.h"

namespace mmupt::test {

struct TrainerFixture {
    std::string tokenizer_dir;
    std::string model_dir;  // random tiny Qwen2.5-VL, float32
    std::string data;       // 16 labelled short-answer examples with images (answer key "answer")
};

// The trainer tests' own task mix, fixed so that changing the demo's default mix does not move
// their thresholds: the four colour-conditioned families.
inline const std::vector<demo::TaskFamily>& fixture_families() {
    static const std::vector<demo::TaskFamily> f = {
        demo::TaskFamily::count_color, demo::TaskFamily::count_shape,
        demo::TaskFamily::total_two_colors, demo::TaskFamily::compare_colors};
    return f;
}

inline std::vector<std::string> answer_corpus() {
    std::vector<std::string> corpus = {
        "Please reason step by step, and put your final answer within \\boxed{}.",
        "You are a helpful assistant."};
    for (int i = 0; i < 40; ++i) {
        demo::SyntheticItem item =
            demo::make_item(11, static_cast<uint64_t>(i), fixture_families()[i % 4]);
        corpus.push_back(item.question);
        corpus.push_back("\\boxed{" + item.answer + "}");
        corpus.push_back("\\boxed{" + std::to_string(i % 10) + "}");
    }
    return corpus;
}

// tokenizer/, model/ and data/ (the demo's images + short.jsonl) inside `dir`.
inline void build_fixture(const std::string& dir) {
    demo::write_demo_tokenizer(dir + "/tokenizer", demo::learn_bpe(answer_corpus(), 200));
    ModelDir source = preset_source(dir + "/tokenizer", ModelArch::qwen2_5_vl, "tiny");
    VlmModel model(source.config);
    model->randomize_weights(/*seed=*/5, /*std=*/0.02);
    SaveModelOptions save;
    save.dtype = at::kFloat;
    save_model_dir(dir + "/model", model, source, save);

    const std::string data_dir = dir + "/data";
    demo::DemoDataSizes sizes;
    sizes.sft = 0;
    sizes.upt = 16;
    sizes.test = 0;
    sizes.families = fixture_families();
    demo::write_demo_data(data_dir, /*seed=*/3, sizes);
    // Short-answer records: question + image + the true count as a hidden label.
    std::ifstream in(data_dir + "/upt.jsonl");
    std::ofstream out(data_dir + "/short.jsonl");
    for (std::string line; std::getline(in, line);) {
        auto j = nlohmann::json::parse(line);
        out << nlohmann::json{{"problem", j["problem"]},
                              {"images", {j["image"]}},
                              {"answer", j["answer"]}}
                   .dump()
            << "\n";
    }
}

// A directory built once and shared by the test processes of this build (ctest runs each test
// in its own process): <tmp>/mmupt-<binary>-<name>-<binary mtime>, built in a scratch directory
// and renamed into place, so concurrent processes either win the rename or reuse the winner's.
// Directories of the same binary's older builds are removed; a failed build is not kept.
template <class Build>
std::string shared_test_dir(const std::string& name, Build build) {
    namespace fs = std::filesystem;
    const fs::path exe = fs::read_symlink("/proc/self/exe");
    const auto stamp = fs::last_write_time(exe).time_since_epoch().count();
    const std::string prefix = "mmupt-" + exe.filename().string() + "-" + name + "-";
    const fs::path final_dir = fs::temp_directory_path() / (prefix + std::to_string(stamp));
    if (fs::exists(final_dir / ".complete")) return final_dir.string();
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::temp_directory_path(), ec))
        if (e.path().filename().string().rfind(prefix, 0) == 0 && e.path() != final_dir)
            fs::remove_all(e.path(), ec);
    const std::string scratch = temp_dir(name);
    build(scratch);
    if (::testing::Test::HasFailure()) return scratch;  // not shared: removed at exit
    std::ofstream(scratch + "/.complete") << "ok\n";
    fs::rename(scratch, final_dir, ec);  // fails when another process won: use its directory
    return final_dir.string();
}

inline const TrainerFixture& trainer_fixture() {
    static const TrainerFixture f = [] {
        TrainerFixture f;
        const std::string root =
            shared_test_dir("fixture", [](const std::string& dir) { build_fixture(dir); });
        f.tokenizer_dir = root + "/tokenizer";
        f.model_dir = root + "/model";
        f.data = root + "/data/short.jsonl";
        return f;
    }();
    return f;
}

// A run small enough for this machine: B = 4 prompts x G = 8 samples of <= 6 tokens, 112 px
// images (16 image tokens), float32 on the CPU, one thread.
inline RunConfig tiny_run_config(const std::string& output_dir, int max_steps) {
    const TrainerFixture& f = trainer_fixture();
    RunConfig c;
    c.model.path = f.model_dir;
    c.model.dtype = Dtype::float32;
    c.model.device = "cpu";
    c.model.gradient_checkpointing = false;
    c.data.train_files = {f.data};
    c.data.min_pixels = c.data.max_pixels = 112 * 112;
    c.data.max_prompt_length = 512;
    c.rollout.n = 8;
    c.rollout.temperature = 1.0;
    c.rollout.top_p = 1.0;
    c.rollout.max_new_tokens = 6;
    c.trainer.rollout_batch_size = 4;
    c.trainer.mini_batch_size = 2;
    c.trainer.micro_batch_size = 8;
    c.trainer.max_steps = max_steps;
    c.trainer.save_every = 0;
    c.trainer.threads = 1;  // ctest runs two tests at once on two cores: no oversubscription
    c.trainer.output_dir = output_dir;
    c.optim.lr = 1e-3;
    return c;
}

inline RunFinished train(const RunConfig& c) { return Trainer::start(c, nullptr, nullptr)->run(); }

// Stage 1, "First SFT": 30 steps of cross-entropy on \boxed{label}, built once per build and
// shared by the test processes. Its last checkpoint is the model the GRPO runs start from.
inline const std::string& sft_run() {
    static const std::string dir =
        shared_test_dir("sft",
                        [](const std::string& scratch) {
                            RunConfig c = tiny_run_config(scratch + "/run", 30);
                            c.algorithm.reward = RewardKind::sft;
                            c.trainer.rollout_batch_size = 8;
                            c.trainer.mini_batch_size = 8;
                            c.optim.lr = 1e-2;
                            RunFinished r = train(c);
                            ASSERT_EQ(r.state, RunState::finished) << r.message;
                        }) +
        "/run";
    return dir;
}
inline std::string sft_model() { return sft_run() + "/checkpoints/step-30"; }

inline std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(line);
    return lines;
}

}  // namespace mmupt::test
