// ModelConfig: both real Qwen2.5-VL configs, a legacy Qwen2-VL config, the nested (text_config /
// rope_parameters) layout, serialisation round trips, and errors that name the field.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/model/model_config.h"
#include "core/util/errors.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

using nlohmann::json;

// Qwen2-VL-7B-Instruct's legacy config.json (vision: embed_dim / hidden_size / mlp_ratio /
// in_chans, no hidden_act), as listed in QWEN2-VL.md §1.3-1.4.
json qwen2_vl_7b_json() {
    return json::parse(R"({
      "architectures": ["Qwen2VLForConditionalGeneration"], "model_type": "qwen2_vl",
      "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
      "num_attention_heads": 28, "num_key_value_heads": 4, "rms_norm_eps": 1e-06,
      "rope_theta": 1000000.0, "max_position_embeddings": 32768, "vocab_size": 152064,
      "tie_word_embeddings": false, "vision_start_token_id": 151652, "vision_end_token_id": 151653,
      "vision_token_id": 151654, "image_token_id": 151655, "video_token_id": 151656,
      "vision_config": {"depth": 32, "embed_dim": 1280, "mlp_ratio": 4, "num_heads": 16,
        "in_chans": 3, "hidden_size": 3584, "patch_size": 14, "spatial_merge_size": 2,
        "spatial_patch_size": 14, "temporal_patch_size": 2},
      "rope_scaling": {"type": "mrope", "mrope_section": [16, 24, 24]}})");
}

TEST(ModelConfig, ParsesRealQwen25VL7B) {
    MMUPT_REQUIRE_SHARED_DATA();
    auto c =
        ModelConfig::from_file(test::shared_data_dir() + "/qwen2.5-vl-7b-instruct/config.json");
    EXPECT_EQ(c.arch, ModelArch::qwen2_5_vl);
    EXPECT_EQ(c.text.hidden_size, 3584);
    EXPECT_EQ(c.text.num_hidden_layers, 28);
    EXPECT_EQ(c.text.num_attention_heads, 28);
    EXPECT_EQ(c.text.num_key_value_heads, 4);
    EXPECT_EQ(c.text.intermediate_size, 18944);
    EXPECT_EQ(c.text.vocab_size, 152064);
    EXPECT_EQ(c.text.head_dim(), 128);
    EXPECT_DOUBLE_EQ(c.text.rms_norm_eps, 1e-6);
    EXPECT_DOUBLE_EQ(c.text.rope_theta, 1e6);
    EXPECT_EQ(c.text.mrope_section, (std::vector<int64_t>{16, 24, 24}));
    EXPECT_FALSE(c.text.tie_word_embeddings);
    EXPECT_EQ(c.text.max_position_embeddings, 128000);
    EXPECT_EQ(c.vision.width, 1280);  // vision `hidden_size` is the ViT width in 2.5
    EXPECT_EQ(c.vision.out_hidden_size, 3584);
    EXPECT_EQ(c.vision.intermediate_size, 3420);
    EXPECT_EQ(c.vision.head_dim(), 80);
    EXPECT_EQ(c.vision.patch_dim(), 1176);
    EXPECT_EQ(c.vision.window_size, 112);
    EXPECT_EQ(c.vision.fullatt_block_indexes, (std::vector<int64_t>{7, 15, 23, 31}));
    EXPECT_DOUBLE_EQ(c.vision.tokens_per_second, 2.0);  // not the class default 4
    EXPECT_EQ(c.vision.hidden_act, "silu");
    EXPECT_EQ(c.image_token_id, 151655);
    EXPECT_EQ(c.vision_start_token_id, 151652);
}

TEST(ModelConfig, ParsesRealQwen25VL3BTied) {
    MMUPT_REQUIRE_SHARED_DATA();
    auto c =
        ModelConfig::from_file(test::shared_data_dir() + "/qwen2.5-vl-3b-instruct/config.json");
    EXPECT_EQ(c.arch, ModelArch::qwen2_5_vl);
    EXPECT_EQ(c.text.hidden_size, 2048);
    EXPECT_EQ(c.text.num_hidden_layers, 36);
    EXPECT_EQ(c.text.num_key_value_heads, 2);
    EXPECT_EQ(c.text.vocab_size, 151936);
    EXPECT_TRUE(c.text.tie_word_embeddings);
    EXPECT_EQ(c.vision.out_hidden_size, 2048);
}

TEST(ModelConfig, ParsesLegacyQwen2VLNamingTrap) {
    auto c = ModelConfig::from_json(qwen2_vl_7b_json());
    EXPECT_EQ(c.arch, ModelArch::qwen2_vl);
    EXPECT_EQ(c.vision.width, 1280);              // embed_dim
    EXPECT_EQ(c.vision.out_hidden_size, 3584);    // vision hidden_size = LLM width in v2
    EXPECT_EQ(c.vision.intermediate_size, 5120);  // 1280 * mlp_ratio 4
    EXPECT_EQ(c.vision.hidden_act, "quick_gelu");
    EXPECT_EQ(c.vision.in_channels, 3);
    EXPECT_EQ(c.text.max_position_embeddings, 32768);
}

TEST(ModelConfig, ParsesNestedLayoutWithRopeParameters) {
    json legacy = qwen2_vl_7b_json();
    json j = {{"architectures", legacy["architectures"]},
              {"model_type", "qwen2_vl"},
              {"image_token_id", 151655},
              {"video_token_id", 151656},
              {"vision_start_token_id", 151652},
              {"vision_end_token_id", 151653},
              {"vision_config", legacy["vision_config"]}};
    json text = legacy;
    for (const char* k : {"architectures", "vision_config", "rope_scaling", "rope_theta"})
        text.erase(k);
    text["model_type"] = "qwen2_vl_text";
    text["rms_norm_eps"] = 1e-5;  // nested value wins over nothing at top level
    text["rope_parameters"] = {
        {"rope_type", "default"}, {"mrope_section", {16, 24, 24}}, {"rope_theta", 5e5}};
    j["text_config"] = text;
    j["hidden_size"] = 1;  // a stale top-level value: text_config takes precedence
    auto c = ModelConfig::from_json(j);
    EXPECT_EQ(c.text.hidden_size, 3584);
    EXPECT_DOUBLE_EQ(c.text.rms_norm_eps, 1e-5);
    EXPECT_DOUBLE_EQ(c.text.rope_theta, 5e5);
    EXPECT_EQ(c.text.mrope_section, (std::vector<int64_t>{16, 24, 24}));
}

TEST(ModelConfig, RoundTripsBothLayoutsAndArchitectures) {
    for (ModelArch arch : {ModelArch::qwen2_vl, ModelArch::qwen2_5_vl}) {
        ModelConfig c = tiny_model_config(arch);
        c.text.tie_word_embeddings = true;
        for (auto layout : {ModelConfig::Layout::legacy, ModelConfig::Layout::nested}) {
            json j = c.to_json(layout);
            EXPECT_EQ(j.contains("text_config"), layout == ModelConfig::Layout::nested);
            ModelConfig back = ModelConfig::from_json(j);
            EXPECT_EQ(back.to_json(ModelConfig::Layout::legacy),
                      c.to_json(ModelConfig::Layout::legacy));
            EXPECT_EQ(back.vision.width, 32);
            EXPECT_EQ(back.vision.fullatt_block_indexes, c.vision.fullatt_block_indexes);
            EXPECT_TRUE(back.text.tie_word_embeddings);
        }
    }
    json j = tiny_model_config(ModelArch::qwen2_5_vl).to_json();
    EXPECT_EQ(j["vision_config"]["hidden_size"], 32);
    EXPECT_TRUE(j["vision_config"]["tokens_per_second"].is_number_integer());
    EXPECT_EQ(j["architectures"][0], "Qwen2_5_VLForConditionalGeneration");
}

TEST(ModelConfig, SaveAndLoadFile) {
    std::string path = test::temp_dir("model_config") + "/config.json";
    tiny_model_config(ModelArch::qwen2_5_vl).save(path);
    EXPECT_EQ(ModelConfig::from_file(path).vision.window_size, 56);
    EXPECT_THROW(ModelConfig::from_file(path + ".absent"), FormatError);
}

template <class E>
std::string error_of(const json& j) {
    try {
        ModelConfig::from_json(j);
    } catch (const E& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(ModelConfig, ErrorsNameTheField) {
    json j = qwen2_vl_7b_json();
    j["model_type"] = "llava";
    j.erase("architectures");
    std::string msg = error_of<ModelError>(j);
    EXPECT_NE(msg.find("llava"), std::string::npos) << msg;
    EXPECT_NE(msg.find("qwen2_5_vl (Qwen2_5_VLForConditionalGeneration)"), std::string::npos);

    j = qwen2_vl_7b_json();
    j["architectures"] = {"Qwen2ForCausalLM"};
    EXPECT_NE(error_of<ModelError>(j).find("Qwen2ForCausalLM"), std::string::npos);

    j = qwen2_vl_7b_json();
    j.erase("rms_norm_eps");
    EXPECT_NE(error_of<FormatError>(j).find("`rms_norm_eps` is missing"), std::string::npos);

    j = qwen2_vl_7b_json();
    j["vision_config"].erase("embed_dim");
    EXPECT_NE(error_of<FormatError>(j).find("vision_config.embed_dim"), std::string::npos);

    j = qwen2_vl_7b_json();
    j["hidden_size"] = "big";
    EXPECT_NE(error_of<FormatError>(j).find("`hidden_size` must be an integer"), std::string::npos);

    j = qwen2_vl_7b_json();
    j["rope_scaling"]["mrope_section"] = {16, 24, 16};
    EXPECT_NE(error_of<ModelError>(j).find("mrope_section"), std::string::npos);

    j = qwen2_vl_7b_json();
    j["num_key_value_heads"] = 5;
    EXPECT_NE(error_of<ModelError>(j).find("num_key_value_heads"), std::string::npos);

    j = qwen2_vl_7b_json();
    j["vision_config"]["hidden_size"] = 1280;  // v2: merger output must equal the LLM width
    EXPECT_NE(error_of<ModelError>(j).find("merger output"), std::string::npos);

    j = qwen2_vl_7b_json();
    j["image_token_id"] = 152064;
    EXPECT_NE(error_of<ModelError>(j).find("image_token_id"), std::string::npos);

    j = qwen2_vl_7b_json();
    j["rope_scaling"] = {{"rope_type", "yarn"}, {"mrope_section", {16, 24, 24}}};
    EXPECT_NE(error_of<ModelError>(j).find("yarn"), std::string::npos);

    j = tiny_model_config(ModelArch::qwen2_5_vl).to_json();
    j["vision_config"]["window_size"] = 50;
    EXPECT_NE(error_of<ModelError>(j).find("window_size"), std::string::npos);
    j["vision_config"]["window_size"] = 56;
    j["vision_config"]["fullatt_block_indexes"] = {2};
    EXPECT_NE(error_of<ModelError>(j).find("fullatt_block_indexes"), std::string::npos);
    j["vision_config"]["fullatt_block_indexes"] = {1};
    j["vision_config"].erase("tokens_per_second");
    EXPECT_NE(error_of<FormatError>(j).find("tokens_per_second"), std::string::npos);
    j["vision_config"]["tokens_per_second"] = 2;
    j["vision_config"]["num_heads"] = 8;  // head dim 4 is fine; 32/16 = 2 is not divisible by 4
    EXPECT_EQ(error_of<ModelError>(j), "<no error>");
    j["vision_config"]["num_heads"] = 16;
    EXPECT_NE(error_of<ModelError>(j).find("divisible by 4"), std::string::npos);
}

}  // namespace
}  // namespace mmupt
