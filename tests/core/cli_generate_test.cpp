// `mmupt init-model` + `mmupt generate` through the binary: a tiny model directory made from
// the real Qwen tokenizer when ../shared/data has it (else the demo tokenizer), JSON samples
// equal to the library's generate() on the same chat prompt, reproducible per seed, the -n
// alias, negative values reaching the command, and exit codes for usage / runtime errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <nlohmann/json.hpp>

#include "core/model/model_dir.h"
#include "core/sampling/generator.h"
#include "core/tokenizer/chat_template.h"
#include "tests/core/model_dir_util.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

using nlohmann::json;

std::string shq(const std::string& s) { return "'" + s + "'"; }

const std::string& tiny_model_dir() {
    static const std::string dir = [] {
        std::string out = test::temp_dir("cli-generate") + "/tiny";
        auto r =
            test::run_command(test::cli_path() + " init-model --arch qwen2_5_vl --preset " +
                              "tiny --seed 3 --tokenizer " + shq(test::tokenizer_dir_for_tests()) +
                              " --out " + shq(out) + " 2>&1");
        EXPECT_EQ(r.exit_code, 0) << r.out;
        EXPECT_NE(r.out.find("parameters"), std::string::npos) << r.out;
        return out;
    }();
    return dir;
}

std::string image_path() { return test::source_dir() + "/tests/data/images/tiny.png"; }

test::CommandResult generate_cli(const std::string& flags) {
    return test::run_command(test::cli_path() + " generate --model " + shq(tiny_model_dir()) +
                             " --device cpu " + flags);
}

TEST(CliInitModel, ReplacesItsOwnOutputButNeverOtherFiles) {
    // Its own earlier output is replaced (scripts re-run it into the same folder).
    const std::string tok = shq(test::tokenizer_dir_for_tests());
    const std::string dir = test::temp_dir("cli-init-guard");
    auto again = test::run_command(test::cli_path() + " init-model --preset tiny --tokenizer " +
                                   tok + " --out " + shq(dir + "/m") + " 2>&1");
    ASSERT_EQ(again.exit_code, 0) << again.out;
    again = test::run_command(test::cli_path() + " init-model --preset tiny --seed 4 --tokenizer " +
                              tok + " --out " + shq(dir + "/m") + " 2>&1");
    EXPECT_EQ(again.exit_code, 0) << again.out;
    // A folder that looks like a user's checkpoint is left byte for byte.
    std::filesystem::create_directories(dir + "/real");
    {
        std::ofstream(dir + "/real/config.json") << "{\"model_type\": \"qwen2_5_vl\"}";
        std::ofstream(dir + "/real/model.safetensors") << "weights";
    }
    auto r = test::run_command(test::cli_path() + " init-model --preset tiny --tokenizer " + tok +
                               " --out " + shq(dir + "/real") + " 2>&1");
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.out.find("will not write random weights"), std::string::npos) << r.out;
    std::ifstream w(dir + "/real/model.safetensors");
    std::string content((std::istreambuf_iterator<char>(w)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "weights");
    EXPECT_FALSE(std::filesystem::exists(dir + "/real/tokenizer.json"));
}

TEST(CliInitModel, WritesALoadableDirectory) {
    ModelDir dir = read_model_dir(tiny_model_dir());
    EXPECT_EQ(dir.config.arch, ModelArch::qwen2_5_vl);
    EXPECT_EQ(dir.config.text.hidden_size, 64);
    EXPECT_EQ(dir.config.text.vocab_size % 64, 0);
    EXPECT_EQ(dir.config.image_token_id, dir.tokenizer.special_ids().image_pad);
    EXPECT_EQ(dir.image_processor.config().max_pixels, 64 * 28 * 28);
    EXPECT_EQ(dir.generation.eos_token_ids,
              (std::vector<int64_t>{dir.tokenizer.special_ids().im_end,
                                    dir.tokenizer.special_ids().endoftext}));
    // Same seed, same weights; bfloat16 on request.
    std::string again = test::temp_dir("cli-init") + "/m";
    auto r = test::run_command(test::cli_path() + " init-model --arch qwen2_5_vl --preset tiny " +
                               "--seed 3 --dtype bfloat16 --tokenizer " +
                               shq(test::tokenizer_dir_for_tests()) + " --out " + shq(again));
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("bfloat16"), std::string::npos);
    WeightMap a = load_model(tiny_model_dir(), {}).model->state_dict();
    WeightMap b = load_model(again, {}).model->state_dict();
    for (const auto& [name, t] : a)
        EXPECT_TRUE(at::equal(t.to(at::kBFloat16).to(at::kFloat), b.at(name))) << name;

    EXPECT_EQ(test::run_command(test::cli_path() + " init-model --preset huge --tokenizer " +
                                shq(test::demo_tokenizer_dir()) + " --out " + shq(again) + " 2>&1")
                  .exit_code,
              2);
}

TEST(CliGenerate, JsonSamplesMatchTheLibrary) {
    const std::string flags = "--image " + shq(image_path()) +
                              " --prompt 'How many shapes?' -n 3 --temperature 1 --top-p 1 " +
                              "--max-new-tokens 6 --seed 7 --json";
    auto r = generate_cli(flags);
    ASSERT_EQ(r.exit_code, 0) << r.out;
    json out = json::parse(r.out);
    ASSERT_EQ(out["samples"].size(), 3u);

    // The same prompt through the library.
    LoadedModel m = load_model(tiny_model_dir(), {});
    ProcessedImage im = m.dir.image_processor.preprocess_file(image_path());
    GenerationRequest req;
    req.pixel_values = at::tensor(im.pixel_values).view({im.num_patches, im.patch_dim});
    req.image_grids = {{im.grid_thw[0], im.grid_thw[1], im.grid_thw[2]}};
    ChatMessage user{"user",
                     {ChatContent::image({im.grid_thw[0], im.grid_thw[1], im.grid_thw[2]}),
                      ChatContent::make_text("How many shapes?")}};
    for (int32_t id : encode_chat(m.dir.tokenizer, {user})) req.prompt_ids.push_back(id);
    GenerationParams params;
    params.num_samples = 3;
    params.max_new_tokens = 6;
    params.seed = 7;
    params.stop_ids = m.dir.generation.eos_token_ids;
    auto want = generate(m.model, {req}, params)[0];
    for (size_t g = 0; g < 3; ++g) {
        const json& s = out["samples"][g];
        EXPECT_EQ(s["ids"].get<std::vector<int64_t>>(), want[g].ids) << "sample " << g;
        ASSERT_EQ(s["logprobs"].size(), want[g].ids.size());
        for (size_t i = 0; i < want[g].ids.size(); ++i)
            EXPECT_NEAR(s["logprobs"][i].get<double>(), want[g].logprobs[i], 1e-5);
        const std::vector<int32_t> ids(want[g].ids.begin(), want[g].ids.end());
        EXPECT_EQ(s["text"], m.dir.tokenizer.decode(ids, /*skip_special=*/true));
        EXPECT_EQ(s["stopped"], want[g].stopped);
    }
    // Reproducible; another seed gives other samples.
    EXPECT_EQ(generate_cli(flags).out, r.out);
    json other = json::parse(generate_cli(flags + " --seed 8").out);
    EXPECT_NE(other["samples"][0]["ids"], out["samples"][0]["ids"]);
}

TEST(CliGenerate, GreedyTextOnlyAndPlainOutput) {
    auto r = generate_cli(
        "--prompt 'Describe the picture.' -n 2 --temperature 0 "
        "--max-new-tokens 4 --json");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    json out = json::parse(r.out);
    ASSERT_EQ(out["samples"].size(), 2u);
    EXPECT_EQ(out["samples"][0]["ids"], out["samples"][1]["ids"]);  // greedy: identical
    r = generate_cli("--image " + shq(image_path()) +
                     " --prompt hi --num-samples 2 --max-new-tokens 3");
    ASSERT_EQ(r.exit_code, 0) << r.out;
    EXPECT_NE(r.out.find("--- sample 2/2"), std::string::npos) << r.out;
}

TEST(CliGenerate, ErrorsMapToExitCodes) {
    EXPECT_EQ(generate_cli("-n 2 2>&1").exit_code, 2);             // no --prompt
    EXPECT_EQ(generate_cli("--prompt x -n 0 2>&1").exit_code, 2);  // bad G
    EXPECT_EQ(generate_cli("--prompt x --temperature -1 2>&1").exit_code, 2);
    EXPECT_EQ(generate_cli("--prompt x --dtype int8 2>&1").exit_code, 2);
    auto r = test::run_command(test::cli_path() +
                               " generate --model /nonexistent/model --prompt x 2>&1");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("/nonexistent/model"), std::string::npos) << r.out;
    r = generate_cli("--prompt x --image /nonexistent/image.png 2>&1");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.out.find("/nonexistent/image.png"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace mmupt
