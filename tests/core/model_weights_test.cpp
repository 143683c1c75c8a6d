// Weight names and loading: legacy/new prefix normalisation, state_dict round trips through
// either layout, tied heads, and errors for missing / unexpected / mis-shaped / NaN weights;
// input errors (image without placeholders, too many images, over-long prompts).
#include <gtest/gtest.h>

#include "core/model/vlm_model.h"
#include "core/util/errors.h"
#include "core/util/log.h"
#include "tests/core/model_test_util.h"

namespace mmupt {
namespace {

using test::image_prompt;
using test::inputs;
using test::max_abs_diff;
using test::row;
using test::tiny_model;
using test::tiny_pixels;

const GridThw kGrid{1, 4, 6};

template <class F>
std::string error_text(F&& f) {
    try {
        f();
    } catch (const ModelError& e) {
        return e.what();
    }
    return "<no ModelError>";
}

TEST(WeightNames, NormalisesBothLayouts) {
    EXPECT_EQ(canonical_weight_name("visual.blocks.0.attn.qkv.weight"),
              "model.visual.blocks.0.attn.qkv.weight");
    EXPECT_EQ(canonical_weight_name("model.layers.3.mlp.up_proj.weight"),
              "model.language_model.layers.3.mlp.up_proj.weight");
    EXPECT_EQ(canonical_weight_name("model.embed_tokens.weight"),
              "model.language_model.embed_tokens.weight");
    EXPECT_EQ(canonical_weight_name("model.language_model.norm.weight"),
              "model.language_model.norm.weight");
    EXPECT_EQ(canonical_weight_name("model.visual.merger.ln_q.weight"),
              "model.visual.merger.ln_q.weight");
    EXPECT_EQ(canonical_weight_name("lm_head.weight"), "lm_head.weight");
    EXPECT_EQ(legacy_weight_name("model.visual.merger.mlp.0.bias"), "visual.merger.mlp.0.bias");
    EXPECT_EQ(legacy_weight_name("model.language_model.layers.0.input_layernorm.weight"),
              "model.layers.0.input_layernorm.weight");
    EXPECT_EQ(legacy_weight_name("model.language_model.embed_tokens.weight"),
              "model.embed_tokens.weight");
    EXPECT_EQ(legacy_weight_name("lm_head.weight"), "lm_head.weight");
    EXPECT_EQ(weight_name_for("model.visual.blocks.1.norm1.weight", WeightLayout::hub),
              "visual.blocks.1.norm1.weight");
    EXPECT_EQ(weight_name_for("model.visual.blocks.1.norm1.weight", WeightLayout::nested),
              "model.visual.blocks.1.norm1.weight");
    // Round trip over every name of a model, both layouts.
    for (const auto& [name, t] : tiny_model(ModelArch::qwen2_5_vl)->state_dict())
        for (WeightLayout l : {WeightLayout::hub, WeightLayout::nested})
            EXPECT_EQ(canonical_weight_name(weight_name_for(name, l)), name);
}

TEST(ModelWeights, StateDictHasHfNamesAndShapes) {
    VlmModel v2 = tiny_model(ModelArch::qwen2_vl);
    WeightMap w = v2->state_dict();
    EXPECT_EQ(w.at("model.visual.patch_embed.proj.weight").sizes(),
              (at::IntArrayRef{32, 3, 2, 14, 14}));
    EXPECT_EQ(w.at("model.visual.blocks.1.mlp.fc1.weight").sizes(), (at::IntArrayRef{128, 32}));
    EXPECT_TRUE(w.count("model.visual.blocks.0.norm1.bias"));
    EXPECT_EQ(w.at("model.visual.merger.mlp.0.weight").sizes(), (at::IntArrayRef{128, 128}));
    EXPECT_EQ(w.at("model.visual.merger.mlp.2.weight").sizes(), (at::IntArrayRef{32, 128}));
    EXPECT_EQ(w.at("model.language_model.layers.0.self_attn.k_proj.weight").sizes(),
              (at::IntArrayRef{16, 32}));  // KV * hd = 2 * 8
    EXPECT_TRUE(w.count("model.language_model.layers.0.self_attn.k_proj.bias"));
    EXPECT_FALSE(w.count("model.language_model.layers.0.self_attn.o_proj.bias"));
    EXPECT_FALSE(w.count("model.language_model.layers.0.mlp.gate_proj.bias"));
    EXPECT_EQ(w.at("lm_head.weight").sizes(), (at::IntArrayRef{99, 32}));
    VlmModel v25 = tiny_model(ModelArch::qwen2_5_vl);
    WeightMap w25 = v25->state_dict();
    EXPECT_EQ(w25.at("model.visual.blocks.0.mlp.gate_proj.bias").sizes(), (at::IntArrayRef{32}));
    EXPECT_FALSE(w25.count("model.visual.blocks.0.norm1.bias"));  // RMSNorm
    EXPECT_FALSE(w25.count("model.visual.merger.ln_q.bias"));
    EXPECT_EQ(w25.size(), w.size() - 2 * 2 - 1 + 2 * 2);  // fc1/fc2 -> gate/up/down, norms
}

TEST(ModelWeights, LoadsLegacyNamesAndReproducesLogits) {
    at::NoGradGuard no_grad;
    VlmModel a = tiny_model(ModelArch::qwen2_5_vl, at::kFloat, 1);
    VlmModel b = tiny_model(ModelArch::qwen2_5_vl, at::kFloat, 2);
    WeightMap legacy;
    for (const auto& [name, t] : a->state_dict())
        legacy[legacy_weight_name(name)] = t.to(at::kBFloat16).to(at::kFloat);
    ASSERT_TRUE(legacy.count("visual.patch_embed.proj.weight"));
    b->load_weights(legacy);
    a->load_weights(legacy);  // same bf16-rounded weights in both
    const ModelConfig& c = a->config();
    VlmInputs in = inputs(row(image_prompt(c, {5}, kGrid, {7})), {}, tiny_pixels({kGrid}), {kGrid});
    EXPECT_LE(max_abs_diff(a->forward(in), b->forward(in)), 0.0);
}

TEST(ModelWeights, TiedHeadUsesEmbeddings) {
    at::NoGradGuard no_grad;
    ModelConfig c = tiny_model_config(ModelArch::qwen2_vl);
    c.text.tie_word_embeddings = true;
    VlmModel m(c);
    m->randomize_weights(5, 0.2);
    WeightMap w = m->state_dict();
    EXPECT_FALSE(w.count("lm_head.weight"));
    at::Tensor logits = m->forward(inputs(row({1, 2, 3})));
    {  // The same weights in an untied model whose lm_head is a copy of the embeddings.
        ModelConfig cu = c;
        cu.text.tie_word_embeddings = false;
        VlmModel untied(cu);
        WeightMap wu = w;
        wu["lm_head.weight"] = w.at("model.language_model.embed_tokens.weight");
        untied->load_weights(wu);
        EXPECT_LE(max_abs_diff(untied->forward(inputs(row({1, 2, 3}))), logits), 0.0);
    }
    // A checkpoint with a differing lm_head.weight still loads (warning), embeddings win.
    std::vector<std::string> warnings;
    set_log_sink([&](const LogRecord& r) {
        if (r.level == LogLevel::warning) warnings.push_back(r.message);
    });
    WeightMap with_head = w;
    with_head["lm_head.weight"] = at::zeros({99, 32});
    m->load_weights(with_head);
    set_log_sink(nullptr);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("lm_head.weight"), std::string::npos);
    EXPECT_LE(max_abs_diff(m->forward(inputs(row({1, 2, 3}))), logits), 0.0);
    // Untied model without lm_head.weight: error naming it.
    VlmModel untied = tiny_model(ModelArch::qwen2_vl);
    std::string msg = error_text([&] { untied->load_weights(w); });
    EXPECT_NE(msg.find("lm_head.weight"), std::string::npos) << msg;
}

TEST(ModelWeights, ErrorsNameTheWeight) {
    VlmModel m = tiny_model(ModelArch::qwen2_vl);
    WeightMap good = m->state_dict();
    WeightMap w = good;
    w.erase("model.visual.blocks.1.attn.proj.bias");
    EXPECT_NE(error_text([&] { m->load_weights(w); }).find("model.visual.blocks.1.attn.proj.bias"),
              std::string::npos);
    w = good;
    w["model.visual.extra.weight"] = at::zeros({1});
    EXPECT_NE(error_text([&] { m->load_weights(w); }).find("model.visual.extra.weight"),
              std::string::npos);
    EXPECT_NO_THROW(m->load_weights(w, WeightLoadOptions{/*allow_unexpected=*/true, true}));
    w = good;
    w["model.language_model.layers.0.self_attn.q_proj.weight"] = at::zeros({32, 16});
    std::string msg = error_text([&] { m->load_weights(w); });
    EXPECT_NE(msg.find("layers.0.self_attn.q_proj.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[32, 32]"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[32, 16]"), std::string::npos) << msg;
    w = good;
    w["model.language_model.norm.weight"] = at::full({32}, NAN);
    msg = error_text([&] { m->load_weights(w); });
    EXPECT_NE(msg.find("model.language_model.norm.weight contains NaN"), std::string::npos) << msg;
    w = good;
    w["visual.merger.ln_q.weight"] = good.at("model.visual.merger.ln_q.weight");  // both layouts
    EXPECT_NE(error_text([&] { m->load_weights(w); }).find("same weight"), std::string::npos);
}

TEST(ModelInputs, ImageAndLengthErrors) {
    at::NoGradGuard no_grad;
    VlmModel m = tiny_model(ModelArch::qwen2_5_vl);
    const ModelConfig& c = m->config();
    at::Tensor px = tiny_pixels({kGrid});
    // An image but no <|image_pad|> tokens in the prompt.
    std::string msg = error_text([&] { m->forward(inputs(row({1, 2, 3}), {}, px, {kGrid})); });
    EXPECT_NE(msg.find("1 image_grid_thw rows"), std::string::npos) << msg;
    // Two placeholder groups, one image.
    std::vector<int64_t> two = image_prompt(c, {1}, kGrid, {});
    std::vector<int64_t> second = image_prompt(c, {}, kGrid, {2});
    two.insert(two.end(), second.begin(), second.end());
    msg = error_text([&] { m->forward(inputs(row(two), {}, px, {kGrid})); });
    EXPECT_NE(msg.find("more images"), std::string::npos) << msg;
    // Placeholders without an image.
    msg = error_text([&] { m->forward(inputs(row(image_prompt(c, {1}, kGrid, {})))); });
    EXPECT_NE(msg.find("more images than the 0 given image_grid_thw"), std::string::npos) << msg;
    // Prompt longer than max_position_embeddings (512 in the tiny config).
    msg = error_text([&] { m->forward(inputs(at::ones({1, 513}, at::kLong))); });
    EXPECT_NE(msg.find("max_position_embeddings"), std::string::npos) << msg;
    msg = error_text([&] { m->forward(inputs(row({1, 99}))); });
    EXPECT_NE(msg.find("vocab_size"), std::string::npos) << msg;
    KvCache cache;
    m->prefill(inputs(at::ones({1, 511}, at::kLong)), cache);
    EXPECT_NO_THROW(m->decode_step(row({1}), cache));
    msg = error_text([&] { m->decode_step(row({1}), cache); });
    EXPECT_NE(msg.find("max_position_embeddings"), std::string::npos) << msg;
}

}  // namespace
}  // namespace mmupt
