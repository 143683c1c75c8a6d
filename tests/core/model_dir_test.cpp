// Model directories: save -> load is bit-exact (fp32, bf16, fp32 saved as bf16, sharded), the
// directory is replaced whole, generation_config.json defaults and parsing, each missing or
// corrupt file gives an error naming it, and the preset parameter count formula.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors_torch.h"
#include "core/model/model_dir.h"
#include "core/model/model_presets.h"
#include "core/util/errors.h"
#include "tests/core/model_dir_util.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;

VlmModel random_model(const ModelConfig& c, at::ScalarType dtype, uint64_t seed) {
    VlmModel m(c, ModelOptions{dtype, at::kCPU, false});
    m->randomize_weights(seed, /*std=*/0.2);
    return m;
}

void expect_same_weights(const VlmModel& a, const VlmModel& b) {
    WeightMap wa = a->state_dict(), wb = b->state_dict();
    ASSERT_EQ(wa.size(), wb.size());
    for (const auto& [name, t] : wa) {
        ASSERT_TRUE(wb.count(name)) << name;
        EXPECT_EQ(t.scalar_type(), wb.at(name).scalar_type()) << name;
        EXPECT_TRUE(at::equal(t, wb.at(name))) << name;
    }
}

std::string saved_dir(const ModelDir& src, const VlmModel& m, SaveModelOptions o = {}) {
    std::string out = test::temp_dir("model-dir") + "/model";
    save_model_dir(out, m, src, o);
    return out;
}

// Runs `f`, expects it to throw mmupt::Error whose message contains `needle`.
template <class F>
void expect_error_naming(F f, const std::string& needle) {
    try {
        f();
        ADD_FAILURE() << "no error; expected one naming " << needle;
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
}

class ModelDirTest : public ::testing::TestWithParam<ModelArch> {};

TEST_P(ModelDirTest, SaveLoadFloat32IsBitExact) {
    ModelDir src = test::preset_source(test::demo_tokenizer_dir(), GetParam());
    VlmModel m = random_model(src.config, at::kFloat, 11);
    SaveModelOptions o;
    o.dtype = at::kFloat;
    const std::string out = saved_dir(src, m, o);
    for (const char* f : {"config.json", "generation_config.json", "model.safetensors",
                          "tokenizer.json", "vocab.json", "merges.txt", "chat_template.json",
                          "tokenizer_config.json", "preprocessor_config.json"})
        EXPECT_TRUE(fs::is_regular_file(fs::path(out) / f)) << f;
    // Nothing but the finished directory is left beside it.
    EXPECT_EQ(std::distance(fs::directory_iterator(fs::path(out).parent_path()), {}), 1);

    LoadedModel loaded = load_model(out, ModelOptions{at::kFloat, at::kCPU, false});
    expect_same_weights(m, loaded.model);
    EXPECT_EQ(loaded.dir.config.to_json(), src.config.to_json());
    EXPECT_EQ(loaded.dir.generation.eos_token_ids, src.generation.eos_token_ids);
    EXPECT_EQ(loaded.dir.generation.pad_token_id, src.generation.pad_token_id);
    EXPECT_EQ(loaded.dir.tokenizer.vocab_size(), src.tokenizer.vocab_size());
    EXPECT_EQ(loaded.dir.image_processor.config().max_pixels,
              src.image_processor.config().max_pixels);
    EXPECT_FALSE(loaded.model->is_training());
    // The Hub checkpoints' names on disk (what transformers < 4.52 needs), no new-layout key.
    TensorMap disk = load_checkpoint(out);
    EXPECT_TRUE(disk.count("model.embed_tokens.weight"));
    EXPECT_TRUE(disk.count("model.layers.0.self_attn.q_proj.weight"));
    EXPECT_TRUE(disk.count("model.norm.weight"));
    EXPECT_TRUE(disk.count("visual.patch_embed.proj.weight"));
    EXPECT_TRUE(disk.count("visual.merger.mlp.0.weight"));
    EXPECT_EQ(disk.count("lm_head.weight"), 0u);  // presets tie the head
    for (const auto& [name, t] : disk) {
        EXPECT_EQ(name.rfind("model.language_model.", 0), std::string::npos) << name;
        EXPECT_EQ(name.rfind("model.visual.", 0), std::string::npos) << name;
    }
}

// Reading accepts both layouts: the nested one (transformers >= 4.52's save) loads the same
// weights as the Hub one, and an untied head is written as lm_head.weight in both.
TEST_P(ModelDirTest, BothNameLayoutsLoad) {
    ModelDir src = test::preset_source(test::demo_tokenizer_dir(), GetParam());
    src.config.text.tie_word_embeddings = false;
    VlmModel m = random_model(src.config, at::kFloat, 15);
    for (WeightLayout layout : {WeightLayout::hub, WeightLayout::nested}) {
        SaveModelOptions o;
        o.dtype = at::kFloat;
        o.names = layout;
        const std::string out = saved_dir(src, m, o);
        TensorMap disk = load_checkpoint(out);
        const bool hub = layout == WeightLayout::hub;
        EXPECT_EQ(disk.count("model.layers.1.mlp.down_proj.weight"), hub ? 1u : 0u);
        EXPECT_EQ(disk.count("model.language_model.layers.1.mlp.down_proj.weight"), hub ? 0u : 1u);
        EXPECT_EQ(disk.count("visual.blocks.0.attn.qkv.weight"), hub ? 1u : 0u);
        EXPECT_EQ(disk.count("model.visual.blocks.0.attn.qkv.weight"), hub ? 0u : 1u);
        EXPECT_EQ(disk.count("lm_head.weight"), 1u);
        expect_same_weights(m, load_model(out, ModelOptions{at::kFloat, at::kCPU, false}).model);
    }
}

TEST_P(ModelDirTest, SaveLoadBfloat16IsBitExact) {
    ModelDir src = test::preset_source(test::demo_tokenizer_dir(), GetParam());
    VlmModel m = random_model(src.config, at::kBFloat16, 12);
    const std::string out = saved_dir(src, m);  // default dtype: bfloat16
    nlohmann::json cfg = nlohmann::json::parse(std::ifstream(out + "/config.json"));
    EXPECT_EQ(cfg["torch_dtype"], "bfloat16");
    TensorMap disk = load_checkpoint(out);
    for (const auto& [name, t] : disk) EXPECT_EQ(t.scalar_type(), at::kBFloat16) << name;
    LoadedModel loaded = load_model(out, ModelOptions{at::kBFloat16, at::kCPU, false});
    expect_same_weights(m, loaded.model);

    // An fp32 model written as bf16 loads back as its bf16 rounding.
    VlmModel m32 = random_model(src.config, at::kFloat, 13);
    LoadedModel back = load_model(saved_dir(src, m32), ModelOptions{at::kFloat, at::kCPU, false});
    WeightMap got = back.model->state_dict();
    for (const auto& [name, t] : m32->state_dict())
        EXPECT_TRUE(at::equal(got.at(name), t.to(at::kBFloat16).to(at::kFloat))) << name;
}

TEST_P(ModelDirTest, ShardedSaveLoads) {
    ModelDir src = test::preset_source(test::demo_tokenizer_dir(), GetParam());
    VlmModel m = random_model(src.config, at::kFloat, 14);
    SaveModelOptions o;
    o.dtype = at::kFloat;
    o.max_shard_bytes = 256 << 10;
    const std::string out = saved_dir(src, m, o);
    EXPECT_TRUE(fs::exists(out + "/model.safetensors.index.json"));
    EXPECT_FALSE(fs::exists(out + "/model.safetensors"));
    int shards = 0;
    for (const auto& e : fs::directory_iterator(out))
        shards += e.path().filename().string().rfind("model-0", 0) == 0;
    EXPECT_GE(shards, 2);
    expect_same_weights(m, load_model(out, ModelOptions{at::kFloat, at::kCPU, false}).model);
}

INSTANTIATE_TEST_SUITE_P(Arch, ModelDirTest,
                         ::testing::Values(ModelArch::qwen2_vl, ModelArch::qwen2_5_vl));

TEST(ModelDir, SavingOverAModelDirectoryReplacesIt) {
    ModelDir src = test::preset_source(test::demo_tokenizer_dir(), ModelArch::qwen2_vl);
    VlmModel a = random_model(src.config, at::kFloat, 1),
             b = random_model(src.config, at::kFloat, 2);
    SaveModelOptions o;
    o.dtype = at::kFloat;
    o.max_shard_bytes = 256 << 10;  // sharded first ...
    const std::string out = saved_dir(src, a, o);
    o.max_shard_bytes = 5LL << 30;  // ... then one file: no stale shards may remain
    save_model_dir(out, b, src, o);
    EXPECT_FALSE(fs::exists(out + "/model.safetensors.index.json"));
    expect_same_weights(b, load_model(out, ModelOptions{at::kFloat, at::kCPU, false}).model);
    EXPECT_EQ(std::distance(fs::directory_iterator(fs::path(out).parent_path()), {}), 1);

    // Saving from the directory itself (source == destination) works too.
    LoadedModel self = load_model(out, ModelOptions{at::kFloat, at::kCPU, false});
    save_model_dir(out, self.model, self.dir, o);
    expect_same_weights(b, load_model(out, ModelOptions{at::kFloat, at::kCPU, false}).model);

    // A non-empty directory that is not a model is never replaced.
    std::string other = test::temp_dir("not-a-model");
    std::ofstream(other + "/notes.txt") << "keep me";
    expect_error_naming([&] { save_model_dir(other, b, src, o); }, "refusing");
    EXPECT_TRUE(fs::exists(other + "/notes.txt"));
}

TEST(ModelDir, GenerationConfigParsingAndDefaults) {
    std::string dir = test::temp_dir("gen-config");
    GenerationConfig none = load_generation_config(dir);  // absent: defaults
    EXPECT_TRUE(none.eos_token_ids.empty());
    EXPECT_EQ(none.temperature, 1.0);
    std::ofstream(dir + "/generation_config.json")
        << R"({"bos_token_id": 151643, "pad_token_id": 151643, "do_sample": true,
              "eos_token_id": [151645, 151643], "repetition_penalty": 1.05,
              "temperature": 0.1, "top_p": 0.001, "top_k": 1})";
    GenerationConfig g = load_generation_config(dir);
    EXPECT_EQ(g.eos_token_ids, (std::vector<int64_t>{151645, 151643}));
    EXPECT_EQ(g.pad_token_id, 151643);
    EXPECT_DOUBLE_EQ(g.temperature, 0.1);
    EXPECT_DOUBLE_EQ(g.top_p, 0.001);
    EXPECT_EQ(g.top_k, 1);
    EXPECT_DOUBLE_EQ(g.repetition_penalty, 1.05);
    std::ofstream(dir + "/generation_config.json") << R"({"eos_token_id": 7})";
    EXPECT_EQ(load_generation_config(dir).eos_token_ids, (std::vector<int64_t>{7}));
    for (const char* bad : {R"({"temperature": "hot"})", R"({"top_p": 0})", R"({"top_k": -1})",
                            R"({"eos_token_id": [1, "x"]})", R"([1])", R"({"a": 1,)"}) {
        std::ofstream(dir + "/generation_config.json") << bad;
        expect_error_naming([&] { load_generation_config(dir); }, "generation_config.json");
    }

    // read_model_dir fills the stop ids from the tokenizer when the file gives none.
    ModelDir src = test::preset_source(test::demo_tokenizer_dir(), ModelArch::qwen2_vl);
    src.generation = GenerationConfig{};
    const std::string out = saved_dir(src, random_model(src.config, at::kFloat, 3));
    fs::remove(out + "/generation_config.json");
    ModelDir read = read_model_dir(out);
    const SpecialTokenIds& s = read.tokenizer.special_ids();
    EXPECT_EQ(read.generation.eos_token_ids, (std::vector<int64_t>{s.im_end, s.endoftext}));
    EXPECT_EQ(read.generation.pad_token_id, s.endoftext);
}

TEST(ModelDir, MissingOrCorruptFilesAreNamed) {
    ModelDir src = test::preset_source(test::demo_tokenizer_dir(), ModelArch::qwen2_5_vl);
    SaveModelOptions o;
    o.dtype = at::kFloat;
    const std::string good = saved_dir(src, random_model(src.config, at::kFloat, 4), o);
    const ModelOptions cpu{at::kFloat, at::kCPU, false};
    auto copy = [&] {
        std::string d = test::temp_dir("broken") + "/m";
        fs::copy(good, d);
        return d;
    };
    auto truncate = [](const std::string& path, size_t keep) {
        std::string text;
        {
            std::ifstream in(path, std::ios::binary);
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        std::ofstream(path, std::ios::binary | std::ios::trunc) << text.substr(0, keep);
    };
    for (const char* f : {"config.json", "preprocessor_config.json", "model.safetensors"}) {
        std::string d = copy();
        fs::remove(d + "/" + f);
        expect_error_naming([&] { load_model(d, cpu); }, f);
    }
    {
        std::string d = copy();
        fs::remove(d + "/tokenizer.json"), fs::remove(d + "/vocab.json");
        expect_error_naming([&] { read_model_dir(d); }, "tokenizer.json");
    }
    for (const char* f : {"config.json", "preprocessor_config.json", "tokenizer.json",
                          "generation_config.json", "model.safetensors"}) {
        std::string d = copy();
        truncate(d + "/" + f, 40);
        expect_error_naming([&] { load_model(d, cpu); }, f);
    }
    {  // A violated constraint in config.json names the file and the field.
        std::string d = copy();
        nlohmann::json cfg = nlohmann::json::parse(std::ifstream(d + "/config.json"));
        cfg["num_key_value_heads"] = 3;
        std::ofstream(d + "/config.json") << cfg.dump();
        expect_error_naming([&] { read_model_dir(d); }, "config.json");
        expect_error_naming([&] { read_model_dir(d); }, "num_attention_heads");
    }
    {  // Weights of another shape name the weight and the directory.
        std::string d = copy();
        ModelConfig other = src.config;
        other.text.intermediate_size += 2;
        const std::string o2 = test::temp_dir("other") + "/m";
        save_model_dir(
            o2, random_model(other, at::kFloat, 5),
            ModelDir{src.path, other, src.generation, src.tokenizer, src.image_processor}, o);
        fs::copy_file(o2 + "/model.safetensors", d + "/model.safetensors",
                      fs::copy_options::overwrite_existing);
        expect_error_naming([&] { load_model(d, cpu); }, d);
        expect_error_naming([&] { load_model(d, cpu); }, "mlp.");
    }
    expect_error_naming([&] { read_model_dir(test::temp_dir("none") + "/absent"); },
                        "not a directory");
    expect_error_naming([&] { find_model_preset("huge"); }, "tiny, small");
}

TEST(ModelPresets, ParameterCountMatchesTheModel) {
    Tokenizer tok = Tokenizer::load(test::demo_tokenizer_dir());
    for (ModelArch arch : {ModelArch::qwen2_vl, ModelArch::qwen2_5_vl})
        for (const auto& p : model_presets()) {
            ModelConfig c = preset_model_config(p, arch, preset_vocab(tok));
            EXPECT_EQ(c.text.vocab_size % kVocabMultiple, 0);
            EXPECT_GE(c.text.vocab_size, tok.vocab_size());
            EXPECT_LT(c.text.vocab_size, tok.vocab_size() + kVocabMultiple);
            EXPECT_EQ(c.image_token_id, tok.special_ids().image_pad);
            VlmModel m(c);
            int64_t n = 0;
            for (const auto& t : m->parameters()) n += t.numel();
            EXPECT_EQ(count_parameters(c), n) << p.name;
        }
    // With Qwen's vocabulary the small preset is in the 20-50M range the bench is sized for.
    for (ModelArch arch : {ModelArch::qwen2_vl, ModelArch::qwen2_5_vl}) {
        ModelConfig c = preset_model_config(find_model_preset("small"), arch, qwen2_vl_vocab());
        EXPECT_EQ(c.text.vocab_size, 151680);
        EXPECT_GT(count_parameters(c), 20'000'000);
        EXPECT_LT(count_parameters(c), 50'000'000);
    }
}

}  // namespace
}  // namespace mmupt
