// Checks the C++ model against transformers (fp32, eager) on the tiny fixtures written by
// tests/reference/make_transformers_fixture.py: config.json parsing of a transformers save,
// get_rope_index, vision features before / after the merger, logits (max abs <= 1e-4) and
// greedy tokens through the KV cache. Weights are read from the fixture's model.safetensors
// (transformers' save_pretrained, legacy or new key prefixes). Skips when the folder is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "core/io/safetensors_torch.h"
#include "core/model/rope_index.h"
#include "core/model/vlm_model.h"
#include "tests/core/model_test_util.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;

// reference.json + reference.bin: the script's raw little-endian dump of the reference
// tensors (inputs and transformers' outputs). The weights come from model.safetensors.
WeightMap read_reference_tensors(const fs::path& dir) {
    std::ifstream js(dir / "reference.json");
    nlohmann::json meta = nlohmann::json::parse(js);
    std::ifstream bin(dir / "reference.bin", std::ios::binary);
    WeightMap out;
    for (const auto& [name, m] : meta.items()) {
        const bool is_float = m["dtype"] == "float32";
        std::vector<int64_t> shape = m["shape"].get<std::vector<int64_t>>();
        at::Tensor t = at::empty(shape, is_float ? at::kFloat : at::kLong);
        EXPECT_EQ(m["nbytes"].get<int64_t>(), static_cast<int64_t>(t.nbytes())) << name;
        bin.seekg(m["offset"].get<int64_t>());
        bin.read(static_cast<char*>(t.data_ptr()), static_cast<std::streamsize>(t.nbytes()));
        EXPECT_TRUE(bin.good()) << "short read of " << name;
        out[name] = t;
    }
    return out;
}

class HfFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(HfFixture, MatchesTransformers) {
    const fs::path dir = fs::path(test::source_dir()) / "tests/data/hf_fixtures" / GetParam();
    if (!fs::exists(dir / "reference.json"))
        GTEST_SKIP() << "no transformers fixture: run tests/reference/make_transformers_fixture.py "
                        "on a machine with transformers";
    at::NoGradGuard no_grad;
    ModelConfig config = ModelConfig::from_file((dir / "config.json").string());
    EXPECT_STREQ(config.model_type(), GetParam());
    WeightMap ref = read_reference_tensors(dir);
    VlmModel model(config);
    model->load_weights(load_checkpoint((dir / "model.safetensors").string()));
    model->eval();

    at::Tensor grid_t = ref.at("image_grid_thw");  // (1, 3)
    std::vector<GridThw> grids;
    for (int64_t i = 0; i < grid_t.size(0); ++i)
        grids.push_back({grid_t[i][0].item<int64_t>(), grid_t[i][1].item<int64_t>(),
                         grid_t[i][2].item<int64_t>()});
    at::Tensor ids = ref.at("input_ids"), mask = ref.at("attention_mask");
    RopeIndex rope = get_rope_index(config, {ids, mask, grids, {}, {}});
    EXPECT_TRUE(at::equal(rope.position_ids, ref.at("position_ids")));
    EXPECT_TRUE(at::equal(rope.rope_deltas, ref.at("rope_deltas")));

    VisionTowerImpl::Output vis = model->visual->forward(ref.at("pixel_values"), grids);
    EXPECT_LE(test::max_abs_diff(vis.patches, ref.at("vision_pre_merger")), 1e-4);
    EXPECT_LE(test::max_abs_diff(vis.features, ref.at("vision_features")), 1e-4);

    VlmInputs in = test::inputs(ids, mask, ref.at("pixel_values"), grids);
    at::Tensor logits = model->forward(in);
    EXPECT_LE(test::max_abs_diff(logits, ref.at("logits")), 1e-4);

    at::Tensor expect = ref.at("greedy_tokens");  // (1, K)
    KvCache cache;
    at::Tensor next = model->prefill(in, cache, expect.size(1)).argmax(-1).view({1, 1});
    for (int64_t k = 0; k < expect.size(1); ++k) {
        EXPECT_EQ(next.item<int64_t>(), expect[0][k].item<int64_t>()) << "greedy token " << k;
        next = model->decode_step(next, cache).select(1, 0).argmax(-1).view({1, 1});
    }
}

INSTANTIATE_TEST_SUITE_P(Transformers, HfFixture, ::testing::Values("qwen2_vl", "qwen2_5_vl"));

}  // namespace
}  // namespace mmupt
