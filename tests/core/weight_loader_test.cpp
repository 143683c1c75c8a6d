// Lean loading (core/model/weight_loader.h): a CPU parameter in the file's dtype becomes the
// mapped bytes and outlives the closed checkpoint; writing it never touches the file; other
// dtypes are converted chunk by chunk over exactly the tensor's bytes; NaN in a file is named;
// header checks (shape, missing) fail before any parameter changes.
#include <gtest/gtest.h>

#include <ATen/ATen.h>

#include "core/io/safetensors_torch.h"
#include "core/io/safetensors_writer.h"
#include "core/model/model_dir.h"
#include "core/model/weight_loader.h"
#include "core/util/errors.h"
#include "tests/core/model_dir_util.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

struct Saved {
    ModelDir source;
    VlmModel model{nullptr};
    std::string dir;
};

Saved saved_tiny(at::ScalarType file_dtype, uint64_t seed) {
    Saved s{test::preset_source(test::demo_tokenizer_dir(), ModelArch::qwen2_5_vl),
            VlmModel(nullptr), ""};
    s.model = VlmModel(s.source.config, ModelOptions{at::kFloat, at::kCPU, false});
    s.model->randomize_weights(seed, /*std=*/0.2);
    s.dir = test::temp_dir("weight-loader") + "/model";
    SaveModelOptions o;
    o.dtype = file_dtype;
    save_model_dir(s.dir, s.model, s.source, o);
    return s;
}

int64_t total_bytes(const SafetensorsCheckpoint& ck) {
    int64_t n = 0;
    for (const auto& shard : ck.shards)
        for (const auto& r : shard.header().tensors) n += static_cast<int64_t>(r.nbytes());
    return n;
}

TEST(WeightLoader, SameDtypeAliasesTheMappingAndOutlivesIt) {
    Saved s = saved_tiny(at::kFloat, 3);
    VlmModel m(s.source.config, ModelOptions{at::kFloat, at::kCPU, false});
    WeightLoadStats st;
    int64_t bytes = 0;
    {
        SafetensorsCheckpoint ck = open_checkpoint(s.dir);
        bytes = total_bytes(ck);
        st = m->load_weights(ck);
    }  // the checkpoint handle is gone; the parameters keep the mapping alive
    EXPECT_EQ(st.aliased_bytes, bytes);
    EXPECT_EQ(st.copied_bytes, 0);
    WeightMap want = s.model->state_dict(), got = m->state_dict();
    for (const auto& [name, t] : want) EXPECT_TRUE(at::equal(got.at(name), t)) << name;
    // Writing a parameter (what an optimizer does) copies the page, never the file.
    at::Tensor p = got.at("model.language_model.norm.weight");
    {
        at::NoGradGuard no_grad;
        p.add_(1.0);
    }
    TensorMap disk = load_checkpoint(s.dir, ReadMode::kStream);
    EXPECT_TRUE(
        at::equal(disk.at("model.norm.weight"), want.at("model.language_model.norm.weight")));
    EXPECT_FALSE(at::equal(p, want.at("model.language_model.norm.weight")));
}

TEST(WeightLoader, OtherDtypeIsConvertedAndCopyCanBeForced) {
    Saved s = saved_tiny(at::kBFloat16, 4);
    VlmModel m(s.source.config, ModelOptions{at::kFloat, at::kCPU, false});
    SafetensorsCheckpoint ck = open_checkpoint(s.dir);
    WeightLoadStats st = m->load_weights(ck);
    EXPECT_EQ(st.aliased_bytes, 0);
    EXPECT_EQ(st.copied_bytes, total_bytes(ck));
    WeightMap got = m->state_dict();
    for (const auto& [name, t] : s.model->state_dict())
        EXPECT_TRUE(at::equal(got.at(name), t.to(at::kBFloat16).to(at::kFloat))) << name;

    VlmModel b(s.source.config, ModelOptions{at::kBFloat16, at::kCPU, false});
    WeightLoadOptions copy;
    copy.alias_mapped = false;
    st = b->load_weights(ck, copy);
    EXPECT_EQ(st.aliased_bytes, 0);
    EXPECT_EQ(st.copied_bytes, total_bytes(ck));
    WeightMap gb = b->state_dict();
    for (const auto& [name, t] : s.model->state_dict())
        EXPECT_TRUE(at::equal(gb.at(name), t.to(at::kBFloat16))) << name;
}

TEST(WeightLoader, ChunksCoverTheTensorExactly) {
    at::Tensor src = at::arange(1000, at::kFloat).to(at::kBFloat16);  // 2000 bytes
    at::Tensor dst = at::zeros({10, 100}, at::kFloat);
    std::vector<std::pair<uint64_t, uint64_t>> ranges;
    copy_weight_chunked(
        dst, src.view({10, 100}), "w", true,
        [&](uint64_t b, uint64_t e) { ranges.emplace_back(b, e); }, /*chunk_bytes=*/300);
    EXPECT_TRUE(at::equal(dst.view(-1), src.to(at::kFloat)));
    ASSERT_EQ(ranges.size(), 7u);  // 150 elements per chunk: 6 x 150 + 100
    uint64_t next = 0;
    for (const auto& [b, e] : ranges) {
        EXPECT_EQ(b, next);
        EXPECT_LE(e - b, 300u);
        next = e;
    }
    EXPECT_EQ(next, 2000u);
    src[777] = NAN;
    try {
        copy_weight_chunked(dst, src.view({10, 100}), "layer.w", true, {}, 300);
        ADD_FAILURE() << "NaN not reported";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("layer.w contains NaN"), std::string::npos);
    }
}

TEST(WeightLoader, NonFiniteFileIsNamedAndShapeErrorsComeFirst) {
    Saved s = saved_tiny(at::kFloat, 5);
    WeightMap w = s.model->state_dict();
    NamedTensors bad;
    for (const auto& [name, t] : w) bad.emplace_back(legacy_weight_name(name), t.clone());
    for (auto& [name, t] : bad)
        if (name == "model.layers.1.mlp.up_proj.weight") t[0][0] = INFINITY;
    const std::string dir = test::temp_dir("weight-loader-nan");
    save_checkpoint(dir, bad);
    VlmModel m(s.source.config, ModelOptions{at::kFloat, at::kCPU, false});
    try {
        m->load_weights(open_checkpoint(dir));
        ADD_FAILURE() << "Inf not reported";
    } catch (const ModelError& e) {
        EXPECT_NE(std::string(e.what()).find("model.language_model.layers.1.mlp.up_proj.weight"),
                  std::string::npos)
            << e.what();
    }
    // A wrong shape is found from the header: no parameter has changed.
    for (auto& [name, t] : bad)
        if (name == "model.norm.weight") t = at::ones({3});
    save_checkpoint(dir, bad);
    VlmModel fresh(s.source.config, ModelOptions{at::kFloat, at::kCPU, false});
    WeightMap before = fresh->state_dict();
    std::map<std::string, at::Tensor> copies;
    for (const auto& [name, t] : before) copies[name] = t.clone();
    EXPECT_THROW(fresh->load_weights(open_checkpoint(dir)), ModelError);
    for (const auto& [name, t] : fresh->state_dict()) EXPECT_TRUE(at::equal(t, copies.at(name)));
}

}  // namespace
}  // namespace mmupt
