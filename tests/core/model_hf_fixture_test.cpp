// Checks the C++ model against transformers (fp32, eager) on the tiny fixtures written by
// tests/reference/make_transformers_fixture.py: config.json parsing of a transformers save,
// get_rope_index, vision features before / after the merger, logits (max abs <= 1e-4) and
// greedy tokens through the KV cache. Weights are read from the fixture's model.safetensors
// (transformers' save_pretrained, legacy or new key prefixes).
// Where: ../shared/data/hf_fixtures/{qwen2_vl,qwen2_5_vl} (skipped, with a message, only where
// that folder is absent), plus $MMUPT_HF_FIXTURES when set: one fixture folder, or a folder of
// them, so further sets can be checked without a rebuild.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
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

// Largest |ours - transformers'| of the compared outputs, for the log line.
struct FixtureDiffs {
    double pre_merger = 0, features = 0, logits = 0;
};

FixtureDiffs check_fixture(const fs::path& dir) {
    SCOPED_TRACE("fixture " + dir.string());
    at::NoGradGuard no_grad;
    ModelConfig config = ModelConfig::from_file((dir / "config.json").string());
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

    FixtureDiffs d;
    VisionTowerImpl::Output vis = model->visual->forward(ref.at("pixel_values"), grids);
    d.pre_merger = test::max_abs_diff(vis.patches, ref.at("vision_pre_merger"));
    d.features = test::max_abs_diff(vis.features, ref.at("vision_features"));
    EXPECT_LE(d.pre_merger, 1e-4);
    EXPECT_LE(d.features, 1e-4);

    VlmInputs in = test::inputs(ids, mask, ref.at("pixel_values"), grids);
    at::Tensor logits = model->forward(in);  // (1, S, V)
    d.logits = test::max_abs_diff(logits, ref.at("logits"));
    EXPECT_LE(d.logits, 1e-4);  // fp32 vs fp32: op order only

    at::Tensor expect = ref.at("greedy_tokens");  // (1, K)
    KvCache cache;
    at::Tensor next = model->prefill(in, cache, expect.size(1)).argmax(-1).view({1, 1});
    for (int64_t k = 0; k < expect.size(1); ++k) {
        EXPECT_EQ(next.item<int64_t>(), expect[0][k].item<int64_t>()) << "greedy token " << k;
        next = model->decode_step(next, cache).select(1, 0).argmax(-1).view({1, 1});
    }
    std::printf(
        "[ fixture  ] %s (%s): max abs diff logits %.2e, vision pre-merger %.2e, "
        "features %.2e\n",
        dir.string().c_str(), config.model_type(), d.logits, d.pre_merger, d.features);
    return d;
}

class HfFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(HfFixture, MatchesTransformers) {
    const std::string shared = test::shared_data_dir();
    if (shared.empty())
        GTEST_SKIP() << "../shared/data is absent beside the checkout (set MMUPT_SHARED_DATA); "
                        "the transformers fixtures live in its hf_fixtures/ folder";
    const fs::path dir = fs::path(shared) / "hf_fixtures" / GetParam();
    if (!fs::exists(dir / "reference.json"))
        GTEST_SKIP() << dir.string() << " is absent: run tests/reference/"
                     << "make_transformers_fixture.py on a machine with transformers";
    EXPECT_EQ(ModelConfig::from_file((dir / "config.json").string()).model_type(),
              std::string(GetParam()));
    check_fixture(dir);
}

INSTANTIATE_TEST_SUITE_P(Transformers, HfFixture, ::testing::Values("qwen2_vl", "qwen2_5_vl"));

// $MMUPT_HF_FIXTURES: a fixture folder (with reference.json) or a folder of fixture folders.
TEST(HfFixtureEnv, MatchesTransformers) {
    const char* env = std::getenv("MMUPT_HF_FIXTURES");
    if (!env || !*env) GTEST_SKIP() << "MMUPT_HF_FIXTURES is not set (nothing extra to check)";
    const fs::path root(env);
    std::vector<fs::path> dirs;
    if (fs::exists(root / "reference.json")) {
        dirs.push_back(root);
    } else if (fs::is_directory(root)) {
        for (const auto& e : fs::directory_iterator(root))
            if (fs::exists(e.path() / "reference.json")) dirs.push_back(e.path());
        std::sort(dirs.begin(), dirs.end());
    }
    ASSERT_FALSE(dirs.empty()) << "MMUPT_HF_FIXTURES=" << env
                               << " holds no reference.json, nor do its sub-folders; point it at "
                                  "the output folder of make_transformers_fixture.py";
    for (const fs::path& dir : dirs) check_fixture(dir);
}

}  // namespace
}  // namespace mmupt
