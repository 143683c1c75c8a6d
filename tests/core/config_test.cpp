// RunConfig schema: paper defaults, every field wired to its own member, text get/set, YAML
// layers and errors (file:line, did-you-mean), validation messages, dump/load round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "core/config/config_io.h"
#include "core/config/config_schema.h"
#include "core/config/dtype_name.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

// The message of the ConfigError `fn` throws ("" when it does not throw).
template <class Fn>
std::string config_error(Fn fn) {
    try {
        fn();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

// A value different from the default, for any field type (may be out of range on purpose).
std::string other_value(const FieldInfo& f) {
    switch (f.type) {
        case FieldType::boolean:
            return f.default_value == "true" ? "false" : "true";
        case FieldType::integer:
            return std::to_string(std::stoll(f.default_value) + 3);
        case FieldType::real:
            return std::to_string(std::stod(f.default_value) + 0.125);
        case FieldType::string:
            return "tricky: \"q\" \\boxed{x} #c é null";
        case FieldType::choice:
            return f.choices.back() == f.default_value ? f.choices.front() : f.choices.back();
        case FieldType::string_list:
            return "[\"a b.jsonl\", \"c,d.json\", \"null\"]";
        case FieldType::real_list:
            return "[0.5, 0.25, 1e-07]";
    }
    return "";
}

TEST(Config, DefaultsAreThePapers) {
    RunConfig c;
    EXPECT_EQ(c.rollout.n, 10);
    EXPECT_DOUBLE_EQ(c.rollout.temperature, 0.7);
    EXPECT_DOUBLE_EQ(c.rollout.top_p, 0.99);
    EXPECT_DOUBLE_EQ(c.optim.lr, 1e-6);
    EXPECT_DOUBLE_EQ(c.algorithm.kl_coef, 1e-2);
    EXPECT_EQ(c.algorithm.kl_estimator, KlEstimatorKind::k3);
    EXPECT_DOUBLE_EQ(c.algorithm.clip_ratio_low, 0.2);
    EXPECT_DOUBLE_EQ(c.algorithm.clip_ratio_high, 0.3);
    EXPECT_DOUBLE_EQ(c.algorithm.dual_clip, 3.0);
    EXPECT_EQ(c.algorithm.loss_agg, LossAgg::token_mean);
    EXPECT_EQ(c.algorithm.reward, RewardKind::majority_vote);
    EXPECT_EQ(c.algorithm.vote_policy, VotePolicyKind::abstain);
    EXPECT_EQ(c.optim.betas, (std::vector<double>{0.9, 0.999}));
    EXPECT_DOUBLE_EQ(c.optim.weight_decay, 1e-2);
    EXPECT_DOUBLE_EQ(c.optim.grad_clip, 1.0);
    EXPECT_EQ(c.data.min_pixels, 262144);
    EXPECT_EQ(c.data.max_pixels, 1204224);
    EXPECT_EQ(c.data.format_prompt,
              "Please reason step by step, and put your final answer within \\boxed{}.");
    EXPECT_EQ(c.trainer.rollout_batch_size / c.trainer.mini_batch_size, 512 / 128)
        << "scaled batches keep the paper's optimizer updates per step";
    EXPECT_TRUE(check_config(c).empty());
    auto run = check_config(c, /*for_training=*/true);
    ASSERT_EQ(run.size(), 2u);
    EXPECT_EQ(run[0].key, "model.path");
    EXPECT_EQ(run[1].key, "data.train_files");
}

TEST(Config, SchemaHasTheIssueKeysAndDocumentsEveryField) {
    for (const char* key : {"model.path",
                            "model.dtype",
                            "model.device",
                            "data.train_files",
                            "data.val_files",
                            "data.prompt_key",
                            "data.answer_key",
                            "data.image_key",
                            "data.format_prompt",
                            "data.min_pixels",
                            "data.max_pixels",
                            "rollout.n",
                            "rollout.temperature",
                            "rollout.top_p",
                            "rollout.max_new_tokens",
                            "algorithm.reward",
                            "algorithm.kl_coef",
                            "optim.lr",
                            "trainer.rollout_batch_size",
                            "trainer.mini_batch_size",
                            "trainer.micro_batch_size",
                            "trainer.max_steps",
                            "trainer.save_every",
                            "trainer.keep_last",
                            "trainer.output_dir",
                            "trainer.seed"})
        EXPECT_NE(find_field(key), nullptr) << key;
    std::set<std::string> keys;
    RunConfig defaults;
    for (const auto& f : config_schema()) {
        EXPECT_TRUE(keys.insert(f.key).second) << "duplicate key " << f.key;
        EXPECT_FALSE(f.doc.empty()) << f.key;
        EXPECT_FALSE(f.range.empty()) << f.key;
        EXPECT_EQ(f.default_value, get_field(defaults, f.key)) << f.key;
        EXPECT_EQ(f.key.rfind(f.section + ".", 0), 0u) << f.key;
    }
    EXPECT_EQ(find_field("algorithm.reward")->choices,
              (std::vector<std::string>{"majority_vote", "accuracy", "sft"}));
    EXPECT_EQ(find_field("rollout.top_p")->range, "(0, 1]");
    EXPECT_EQ(find_field("optim.betas")->range, "2 numbers in [0, 1)");
}

// Setting one field through the schema must change that field and no other.
TEST(Config, EveryFieldIsWiredToItsOwnMember) {
    const RunConfig defaults;
    for (const auto& f : config_schema()) {
        RunConfig c;
        set_field(c, f.key, other_value(f));
        EXPECT_NE(get_field(c, f.key), f.default_value) << f.key;
        for (const auto& g : config_schema()) {
            if (g.key == f.key) continue;
            EXPECT_EQ(get_field(c, g.key), g.default_value) << f.key << " changed " << g.key;
        }
    }
}

TEST(Config, DtypeNamesRoundTrip) {  // mmupt export --dtype, the studio's export dialog
    for (Dtype d : {Dtype::float32, Dtype::bfloat16, Dtype::float16})
        EXPECT_EQ(parse_dtype_name(to_string(d)), d) << to_string(d);
    EXPECT_FALSE(parse_dtype_name("fp16"));
    EXPECT_FALSE(parse_dtype_name(""));
    EXPECT_FALSE(parse_dtype_name("Float32"));
}

TEST(Config, SetFieldParsesByType) {
    RunConfig c;
    set_field(c, "rollout.n", "8");
    set_field(c, "optim.lr", "2e-6");
    set_field(c, "model.freeze_vision", "yes");
    set_field(c, "algorithm.loss_agg", "seq-mean-token-sum-norm");
    set_field(c, "optim.betas", "[0.9, 0.95]");
    set_field(c, "data.train_files", "a.jsonl");
    EXPECT_EQ(c.rollout.n, 8);
    EXPECT_DOUBLE_EQ(c.optim.lr, 2e-6);
    EXPECT_TRUE(c.model.freeze_vision);
    EXPECT_EQ(c.algorithm.loss_agg, LossAgg::seq_mean_token_sum_norm);
    EXPECT_EQ(c.optim.betas, (std::vector<double>{0.9, 0.95}));
    EXPECT_EQ(c.data.train_files, (std::vector<std::string>{"a.jsonl"}));
    EXPECT_EQ(get_field(c, "optim.lr"), "2e-06");
    EXPECT_EQ(get_field(c, "rollout.temperature"), "0.7");

    EXPECT_NE(config_error([&] { set_field(c, "rollout.n", "2.5"); }).find("rollout.n = '2.5'"),
              std::string::npos);
    EXPECT_NE(config_error([&] { set_field(c, "optim.lr", "fast"); }).find("expected a number"),
              std::string::npos);
    std::string e = config_error([&] { set_field(c, "algorithm.reward", "majority"); });
    EXPECT_NE(e.find("did you mean 'majority_vote'"), std::string::npos) << e;
    e = config_error([&] { set_field(c, "rollout.temprature", "1"); });
    EXPECT_NE(e.find("did you mean 'rollout.temperature'"), std::string::npos) << e;
    e = config_error([&] { apply_override(c, "lr=1e-5"); });
    EXPECT_NE(e.find("did you mean 'optim.lr'"), std::string::npos) << e;
    EXPECT_NE(config_error([&] { apply_override(c, "rollout.n"); }).find("key=value"),
              std::string::npos);
    EXPECT_EQ(suggest_key("completely.unrelated.thing"), "");
    EXPECT_EQ(suggest_key("trainer.mini_batch"), "trainer.mini_batch_size");
    EXPECT_EQ(suggest_key("temperature"), "rollout.temperature");
    EXPECT_EQ(suggest_key("trainr.seed"), "trainer.seed");
}

TEST(Config, YamlLayersNestedAndDotted) {
    std::string dir = test::temp_dir("config");
    std::string path = dir + "/run.yaml";
    std::ofstream(path) << "model:\n  path: /models/qwen2-vl-2b\n  dtype: float32\n"
                           "rollout:\n  n: 6\n  temperature: 1.0\n"
                           "data:\n  train_files:\n    - a.jsonl\n    - imgs/\n"
                           "optim.lr: 5e-7\n";
    RunConfig c = load_config(path, {"rollout.n=4", "rollout.n=2"});
    EXPECT_EQ(c.model.path, "/models/qwen2-vl-2b");
    EXPECT_EQ(c.model.dtype, Dtype::float32);
    EXPECT_EQ(c.rollout.n, 2) << "--set applies after the file, in order";
    EXPECT_DOUBLE_EQ(c.rollout.temperature, 1.0);
    EXPECT_DOUBLE_EQ(c.optim.lr, 5e-7);
    // Relative paths in a file are relative to the file's directory (issue 11).
    EXPECT_EQ(c.data.train_files, (std::vector<std::string>{dir + "/a.jsonl", dir + "/imgs/"}));
    EXPECT_EQ(c.trainer.seed, RunConfig{}.trainer.seed) << "untouched fields keep defaults";
    set_field(c, "rollout.n", "3");  // GUI edit, the top layer
    EXPECT_EQ(c.rollout.n, 3);
}

TEST(Config, YamlErrorsNameFileAndLine) {
    RunConfig c;
    std::string e = config_error([&] { apply_yaml_text(c, "rollout:\n  n: [1, 2\n", "bad.yaml"); });
    EXPECT_NE(e.find("bad.yaml:"), std::string::npos) << e;
    EXPECT_NE(e.find("malformed YAML"), std::string::npos) << e;
    e = config_error([&] { apply_yaml_text(c, "rollout:\n  n: 4\n  temprature: 1\n", "r.yaml"); });
    EXPECT_NE(e.find("r.yaml:3"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'rollout.temperature'"), std::string::npos) << e;
    e = config_error([&] { apply_yaml_text(c, "rolout:\n  n: 4\n", "r.yaml"); });
    EXPECT_NE(e.find("r.yaml:1"), std::string::npos) << e;
    e = config_error([&] { apply_yaml_text(c, "trainer:\n\n  seed: abc\n", "t.yaml"); });
    EXPECT_NE(e.find("t.yaml:3: trainer.seed = 'abc': expected an integer"), std::string::npos)
        << e;
    e = config_error([&] { apply_yaml_text(c, "rollout:\n  n: 4\nrollout.n: 5\n", "d.yaml"); });
    EXPECT_NE(e.find("set twice"), std::string::npos) << e;
    e = config_error([&] { apply_yaml_text(c, "rollout:\n  top_p: {a: 1}\n", "m.yaml"); });
    EXPECT_NE(e.find("m.yaml:2: rollout.top_p: expected a float value, got a mapping"),
              std::string::npos)
        << e;
    e = config_error([&] { apply_yaml_file(c, "/nonexistent/run.yaml"); });
    EXPECT_NE(e.find("/nonexistent/run.yaml: cannot open"), std::string::npos) << e;
    EXPECT_NO_THROW(apply_yaml_text(c, "", "empty.yaml"));
    EXPECT_NO_THROW(apply_yaml_text(c, "# only a comment\nrollout:\n", "c.yaml"));
}

TEST(Config, ValidateNamesFieldValueAndRange) {
    RunConfig c;
    c.rollout.temperature = -1;
    c.model.device = "gpu";
    c.optim.betas = {0.9};
    auto issues = check_config(c);
    ASSERT_EQ(issues.size(), 3u);
    EXPECT_EQ(issues[0].key, "model.device");
    EXPECT_EQ(issues[0].message, "model.device = gpu: allowed: auto | cpu | cuda | cuda:N");
    EXPECT_EQ(issues[1].key, "rollout.temperature");
    EXPECT_EQ(issues[1].value, "-1.0");
    EXPECT_EQ(issues[1].message, "rollout.temperature = -1.0: out of range, allowed: [0, 10]");
    EXPECT_EQ(issues[2].message, "optim.betas = [0.9]: wrong length, allowed: 2 numbers in [0, 1)");
    std::string e = config_error([&] { validate(c); });
    EXPECT_NE(e.find("3 problems"), std::string::npos) << e;
    EXPECT_NE(e.find("rollout.temperature = -1.0"), std::string::npos) << e;

    set_field(c, "model.device", "cuda:1");
    EXPECT_EQ(check_config(c).size(), 2u);
}

TEST(Config, CrossFieldRules) {
    auto keys = [](const RunConfig& c) {
        std::vector<std::string> k;
        for (const auto& i : check_config(c)) k.push_back(i.key);
        return k;
    };
    RunConfig c;
    c.trainer.mini_batch_size = 32;  // > rollout_batch_size 16
    EXPECT_EQ(keys(c), std::vector<std::string>{"trainer.mini_batch_size"});
    c.trainer.mini_batch_size = 6;  // does not divide 16
    EXPECT_EQ(keys(c), std::vector<std::string>{"trainer.mini_batch_size"});
    EXPECT_NE(check_config(c)[0].message.find("must divide"), std::string::npos);
    c = RunConfig{};
    c.trainer.micro_batch_size = 7;  // 4 prompts * 10 responses = 40
    EXPECT_EQ(keys(c), std::vector<std::string>{"trainer.micro_batch_size"});
    EXPECT_NE(check_config(c)[0].message.find("40 responses"), std::string::npos);
    c = RunConfig{};
    c.data.min_pixels = c.data.max_pixels + 1;
    EXPECT_EQ(keys(c), std::vector<std::string>{"data.min_pixels"});
    c = RunConfig{};
    c.rollout.n = 1;
    EXPECT_EQ(keys(c), std::vector<std::string>{"rollout.n"});
    c.algorithm.reward = RewardKind::sft;
    EXPECT_TRUE(keys(c).empty()) << "sft needs no groups";
    c = RunConfig{};
    c.trainer.val_every = 10;
    EXPECT_EQ(keys(c), std::vector<std::string>{"trainer.val_every"});
    c.data.val_files = {"val.jsonl"};
    EXPECT_TRUE(keys(c).empty());
}

TEST(Config, DumpLoadRoundTripIsExact) {
    RunConfig c;
    for (const auto& f : config_schema()) set_field(c, f.key, other_value(f));
    c.data.format_prompt = "line one\nline two\ttab \\boxed{} \"quoted\" ünï 数学";
    c.model.path = "";
    c.optim.lr = 1.0 / 3.0;  // needs all 17 digits
    c.trainer.output_dir = "~";
    for (bool comments : {false, true}) {
        RunConfig back;
        apply_yaml_text(back, to_yaml(c, comments), "dump.yaml");
        EXPECT_TRUE(back == c) << to_yaml(c, comments);
        for (const auto& f : config_schema())
            EXPECT_EQ(get_field(back, f.key), get_field(c, f.key)) << f.key;
    }
    RunConfig defaults_back;
    apply_yaml_text(defaults_back, to_yaml(RunConfig{}), "defaults.yaml");
    EXPECT_TRUE(defaults_back == RunConfig{});
    EXPECT_FALSE(c == RunConfig{});
}

TEST(Config, JsonAndRunDirectory) {
    RunConfig c;
    c.data.train_files = {"a.jsonl"};
    nlohmann::json j = to_json(c);
    EXPECT_EQ(j["rollout"]["n"], 10);
    EXPECT_DOUBLE_EQ(j["rollout"]["temperature"].get<double>(), 0.7);
    EXPECT_EQ(j["algorithm"]["loss_agg"], "token-mean");
    EXPECT_EQ(j["model"]["gradient_checkpointing"], true);
    EXPECT_EQ(j["data"]["train_files"], nlohmann::json::array({"a.jsonl"}));
    EXPECT_EQ(j["optim"]["betas"][1].get<double>(), 0.999);

    c.data.train_files = {"/data/a.jsonl"};  // a run's config holds absolute paths
    std::string run_dir = test::temp_dir("rundir") + "/nested/run";
    c.trainer.output_dir = run_dir;
    std::string path = write_resolved_config(c, run_dir);
    EXPECT_EQ(path, run_dir + "/config.yaml");
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    RunConfig back = load_config(path, {});
    EXPECT_TRUE(back == c);
}

TEST(Config, DocsPageIsUpToDate) {
    std::string path = test::source_dir() + "/docs/config.md";
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " is missing; run: ./build/app/mmupt config --docs > docs/config.md";
    std::string on_disk((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string generated = config_docs_markdown();
    EXPECT_TRUE(on_disk == generated)
        << "docs/config.md is out of date; run: ./build/app/mmupt config --docs > docs/config.md";
    for (const auto& f : config_schema())
        EXPECT_NE(generated.find("`" + f.key + "`"), std::string::npos) << f.key;
}

}  // namespace
}  // namespace mmupt
