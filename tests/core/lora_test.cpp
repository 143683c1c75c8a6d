// LoRA adapters on the tiny model: the side path equals the merged weights, disabled adapters
// give the base bit for bit, only adapters receive gradients, targets, the PEFT directory
// format (names and adapter_config.json checked against tests/data/peft_adapter, a written
// example of PEFT's format, see its SOURCE.md) and the save / load round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/io/safetensors_torch.h"
#include "core/model/lora.h"
#include "core/model/lora_io.h"
#include "core/util/errors.h"
#include "tests/core/model_test_util.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using test::max_abs_diff;
using test::row;
using test::tiny_model;

VlmInputs text_inputs() {
    VlmInputs in;
    in.input_ids = at::cat({row({5, 6, 7, 8, 9, 10}), row({11, 12, 13, 14, 15, 16})}, 0);
    return in;
}

// B is zero after construction (the adapter is a no-op); give it values to test anything.
void randomize_b(LoraModel& lora, uint64_t seed) {
    at::NoGradGuard no_grad;
    auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
    for (auto& [name, a] : lora.adapters())
        a->lora_B->weight.copy_(
            at::empty(a->lora_B->weight.sizes(), at::kFloat).normal_(0.0, 0.5, gen));
}

LoraOptions small_lora() {
    LoraOptions o;
    o.rank = 4;
    o.alpha = 8;
    o.seed = 3;
    return o;
}

TEST(Lora, DefaultTargetsAreTheDecoderProjections) {
    VlmModel m = tiny_model(ModelArch::qwen2_5_vl);
    LoraModel lora(m, small_lora());
    const int64_t L = m->config().text.num_hidden_layers;
    EXPECT_EQ(lora.adapters().size(), size_t(7 * L));
    for (const auto& [name, a] : lora.adapters()) {
        EXPECT_EQ(name.rfind("model.language_model.layers.", 0), 0u) << name;
        EXPECT_DOUBLE_EQ(a->scaling, 2.0);
        EXPECT_EQ(a->lora_B->weight.abs().sum().item<double>(), 0.0) << name;
        // PEFT's kaiming_uniform_(a = sqrt 5): U(-1/sqrt(in), 1/sqrt(in)).
        const double bound = 1.0 / std::sqrt(double(a->lora_A->weight.size(1)));
        EXPECT_LE(a->lora_A->weight.abs().max().item<double>(), bound) << name;
        EXPECT_GT(a->lora_A->weight.abs().max().item<double>(), 0.5 * bound) << name;
    }
    const auto& q = lora.adapters().at("model.language_model.layers.0.self_attn.q_proj");
    EXPECT_EQ(q->lora_A->weight.sizes(), (at::IntArrayRef{4, m->config().text.hidden_size}));
}

TEST(Lora, BadTargetsAreConfigErrors) {
    VlmModel m = tiny_model(ModelArch::qwen2_5_vl);
    LoraOptions o = small_lora();
    o.target_modules = R"(.*visual\.blocks\.0\.attn\.qkv)";
    try {
        LoraModel lora(m, o);
        FAIL() << "a vision target was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("model.visual.blocks.0.attn.qkv"), std::string::npos)
            << e.what();
    }
    o.target_modules = "nothing_matches";
    EXPECT_THROW(LoraModel(m, o), ConfigError);
    o.target_modules = "(unclosed";
    EXPECT_THROW(LoraModel(m, o), ConfigError);
}

TEST(Lora, SidePathEqualsMergedWeights) {
    VlmModel m = tiny_model(ModelArch::qwen2_vl);
    LoraModel lora(m, small_lora());
    randomize_b(lora, 11);
    at::NoGradGuard no_grad;
    at::Tensor side = m->forward(text_inputs());  // (2, 6, V)
    lora.merge();
    at::Tensor merged = m->forward(text_inputs());
    EXPECT_LE(max_abs_diff(side, merged), 1e-5);
    lora.unmerge();
    EXPECT_LE(max_abs_diff(side, m->forward(text_inputs())), 1e-5);
}

TEST(Lora, DisabledAdaptersGiveTheBaseExactly) {
    VlmModel m = tiny_model(ModelArch::qwen2_5_vl);
    at::NoGradGuard no_grad;
    at::Tensor base = m->forward(text_inputs());
    auto lora = std::make_unique<LoraModel>(m, small_lora());
    randomize_b(*lora, 12);
    at::Tensor adapted = m->forward(text_inputs());
    EXPECT_GT(max_abs_diff(base, adapted), 1e-3);  // the adapters do change the output
    {
        AdaptersDisabled off(lora.get());
        EXPECT_TRUE(at::equal(base, m->forward(text_inputs())));
    }
    EXPECT_TRUE(at::equal(adapted, m->forward(text_inputs())));  // back on after the guard
    lora.reset();                                                // detaches the side paths
    EXPECT_TRUE(at::equal(base, m->forward(text_inputs())));
}

TEST(Lora, OnlyAdaptersReceiveGradients) {
    VlmModel m = tiny_model(ModelArch::qwen2_5_vl);
    for (auto& p : m->parameters()) p.set_requires_grad(false);
    LoraModel lora(m, small_lora());
    randomize_b(lora, 13);
    m->train();
    VlmInputs in = text_inputs();
    at::Tensor mask = at::zeros({2, 6}, at::kLong);
    mask.narrow(1, 3, 3).fill_(1);
    m->score_tokens(in, mask).logprobs.sum().backward();
    for (const auto& p : m->parameters()) EXPECT_FALSE(p.grad().defined());
    for (const auto& [name, p] : lora.named_parameters()) {
        ASSERT_TRUE(p.grad().defined()) << name;
        EXPECT_GT(p.grad().abs().sum().item<double>(), 0.0) << name;
    }
}

// Gradient checkpointing re-runs each layer in backward; dropout on the adapter input must
// draw the forward's masks again (recompute.cpp replays the generator), else the gradients
// differ from the plain backward's.
TEST(Lora, DropoutGradientsSurviveRecompute) {
    VlmModel m = tiny_model(ModelArch::qwen2_vl);
    for (auto& p : m->parameters()) p.set_requires_grad(false);
    LoraOptions o = small_lora();
    o.dropout = 0.5;
    LoraModel lora(m, o);
    randomize_b(lora, 15);
    m->train();
    at::Tensor mask = at::zeros({2, 6}, at::kLong);
    mask.narrow(1, 3, 3).fill_(1);
    auto grads = [&](bool recompute) {
        m->set_gradient_checkpointing(recompute);
        at::manual_seed(21);
        m->score_tokens(text_inputs(), mask).logprobs.sum().backward();
        std::map<std::string, at::Tensor> out;
        for (const auto& [name, p] : lora.named_parameters()) {
            out[name] = p.grad().clone();
            p.mutable_grad().zero_();
        }
        return out;
    };
    const auto plain = grads(false), recomputed = grads(true);
    for (const auto& [name, g] : plain) {
        EXPECT_GT(g.abs().sum().item<double>(), 0.0) << name;
        EXPECT_LE(max_abs_diff(g, recomputed.at(name)), 1e-5) << name;
    }
}

TEST(Lora, PeftTensorNamesFollowTheWrittenExample) {
    std::ifstream in(test::source_dir() + "/tests/data/peft_adapter/tensor_names.txt");
    std::set<std::string> example;
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) example.insert(line);
    ASSERT_EQ(example.size(), 14u);
    VlmModel m = tiny_model(ModelArch::qwen2_5_vl);
    LoraModel lora(m, small_lora());
    std::set<std::string> ours;
    for (const auto& [name, p] : lora.named_parameters())
        if (name.find(".layers.0.") != std::string::npos) ours.insert(peft_tensor_name(name));
    EXPECT_EQ(ours, example);
    for (const auto& name : example) {
        const std::string back = our_tensor_name(name);
        EXPECT_EQ(back.rfind("model.language_model.layers.0.", 0), 0u) << back;
        EXPECT_EQ(peft_tensor_name(back), name);
    }
    // transformers >= 4.52 layout, as PeftModel.save_pretrained writes it there.
    EXPECT_EQ(
        our_tensor_name("base_model.model.model.language_model.layers.3.mlp.up_proj.lora_B.weight"),
        "model.language_model.layers.3.mlp.up_proj.lora_B.weight");
    EXPECT_EQ(our_tensor_name("base_model.model.model.layers.0.mlp.up_proj.base_layer.weight"), "");
}

TEST(Lora, ReadsTheWrittenPeftConfigExample) {
    AdapterConfig c = read_adapter_config(test::source_dir() + "/tests/data/peft_adapter");
    EXPECT_EQ(c.lora.rank, 16);
    EXPECT_EQ(c.lora.alpha, 32.0);
    EXPECT_EQ(c.lora.dropout, 0.05);
    EXPECT_EQ(c.lora.target_modules, kDefaultLoraTargets);
    EXPECT_EQ(c.base_model, "Qwen/Qwen2.5-VL-3B-Instruct");
}

TEST(Lora, WritesAPeftDirectoryAndReadsItBack) {
    VlmModel m = tiny_model(ModelArch::qwen2_5_vl);
    LoraModel lora(m, small_lora());
    randomize_b(lora, 14);
    const std::string dir = test::temp_dir("lora-adapter");
    save_adapter_dir(dir, lora, "/models/base", at::kFloat);

    // Every field we write is one of PEFT's, with the same JSON type as in the example.
    std::ifstream ex(test::source_dir() + "/tests/data/peft_adapter/adapter_config.json");
    std::ifstream mine(dir + "/" + kAdapterConfigFile);
    const json e = json::parse(ex), j = json::parse(mine);
    for (auto it = j.begin(); it != j.end(); ++it) {
        ASSERT_TRUE(e.contains(it.key())) << it.key();
        if (!e[it.key()].is_null() && !it->is_null()) {
            EXPECT_EQ(e[it.key()].type_name(), std::string(it->type_name())) << it.key();
        }
    }
    EXPECT_EQ(j["r"], 4);
    EXPECT_EQ(j["lora_alpha"], 8.0);
    EXPECT_EQ(j["peft_type"], "LORA");
    EXPECT_EQ(j["base_model_name_or_path"], "/models/base");
    auto raw = load_safetensors(dir + "/" + kAdapterWeightsFile);
    EXPECT_TRUE(raw.count("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight"));
    EXPECT_EQ(raw.size(), lora.named_parameters().size());

    AdapterConfig back = read_adapter_config(dir);
    EXPECT_EQ(back.lora.rank, 4);
    VlmModel m2 = tiny_model(ModelArch::qwen2_5_vl);
    LoraModel lora2(m2, back.lora);
    WeightMap w = read_adapter_weights(dir);
    check_adapter_matches(back, w, lora2, dir);
    lora2.load_state_dict(w);
    for (const auto& [name, t] : lora.state_dict())
        EXPECT_TRUE(at::equal(t, lora2.state_dict().at(name))) << name;
    at::NoGradGuard no_grad;
    EXPECT_TRUE(at::equal(m->forward(text_inputs()), m2->forward(text_inputs())));
}

TEST(Lora, MismatchedAndUnsupportedAdaptersAreNamed) {
    VlmModel m = tiny_model(ModelArch::qwen2_5_vl);
    LoraModel lora(m, small_lora());
    const std::string dir = test::temp_dir("lora-mismatch");
    save_adapter_dir(dir, lora, "/models/base", at::kFloat);
    AdapterConfig a = read_adapter_config(dir);
    WeightMap w = read_adapter_weights(dir);
    LoraOptions other = small_lora();
    other.rank = 8;
    VlmModel m2 = tiny_model(ModelArch::qwen2_5_vl);
    try {
        LoraModel l8(m2, other);
        check_adapter_matches(a, w, l8, dir);
        FAIL() << "a rank mismatch was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("model.lora.rank"), std::string::npos) << e.what();
    }
    other = small_lora();
    other.target_modules = R"(.*layers\.\d+\.self_attn\.(q|v)_proj)";
    LoraModel qv(m2, other);
    EXPECT_THROW(check_adapter_matches(a, w, qv, dir), ConfigError);

    std::ifstream in(dir + "/" + kAdapterConfigFile);
    json j = json::parse(in);
    j["use_dora"] = true;
    std::ofstream(dir + "/" + kAdapterConfigFile) << j.dump();
    try {
        read_adapter_config(dir);
        FAIL() << "a DoRA adapter was accepted";
    } catch (const FormatError& e) {
        EXPECT_NE(std::string(e.what()).find("use_dora"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace mmupt
