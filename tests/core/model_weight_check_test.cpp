// config.json sizes against the checkpoint header before any allocation, upper bounds on sizes,
// and the messages for model directories that hold no readable weights (symlink loop, dangling
// link, pickle only) and for float16 on CPU (issue 11, items 5 and 6).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <ATen/ATen.h>
#include <nlohmann/json.hpp>

#include "core/io/safetensors_file.h"
#include "core/model/model_dir.h"
#include "core/model/weight_shape_check.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"
#include "tests/core/model_dir_util.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;

// A saved tiny model (float32), built once per process.
const std::string& tiny_model() {
    static const std::string dir = [] {
        ModelDir src = test::preset_source(test::demo_tokenizer_dir(), ModelArch::qwen2_vl);
        VlmModel m(src.config, ModelOptions{at::kFloat, at::kCPU, false});
        SaveModelOptions o;
        o.dtype = at::kFloat;
        std::string out = test::temp_dir("weight-check") + "/model";
        save_model_dir(out, m, src, o);
        return out;
    }();
    return dir;
}

std::string copy_with_config(const std::function<void(nlohmann::json&)>& edit) {
    std::string d = test::temp_dir("weight-check-edit") + "/m";
    fs::copy(tiny_model(), d);
    nlohmann::json cfg = nlohmann::json::parse(std::ifstream(d + "/config.json"));
    edit(cfg);
    std::ofstream(d + "/config.json", std::ios::trunc) << cfg.dump();
    return d;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

const ModelOptions kCpu{at::kFloat, at::kCPU, false};

// 8M x D floats would be allocated before the weights were looked at; now the header refuses it.
TEST(WeightShapeCheck, VocabSizeAgainstTheEmbeddingShape) {
    const std::string d = copy_with_config([](nlohmann::json& c) { c["vocab_size"] = 8000000; });
    const ModelConfig small = read_model_dir(tiny_model()).config;
    const std::string what = error_of([&] { load_model(d, kCpu); });
    EXPECT_NE(what.find("`vocab_size` is 8000000"), std::string::npos) << what;
    EXPECT_NE(what.find("embed_tokens.weight"), std::string::npos) << what;
    const std::string shape = "[" + std::to_string(small.text.vocab_size) + ", " +
                              std::to_string(small.text.hidden_size) + "]";
    EXPECT_NE(what.find(shape), std::string::npos) << what;
    EXPECT_NE(what.find(d + "/config.json"), std::string::npos) << what;
}

TEST(WeightShapeCheck, EverySizeKeyIsChecked) {
    const ModelConfig c = read_model_dir(tiny_model()).config;
    auto with = [&](ModelConfig changed) {
        return error_of(
            [&] { check_config_matches_weights(changed, "config.json", tiny_model()); });
    };
    EXPECT_EQ(with(c), "(no error)");
    ModelConfig m = c;
    m.text.num_hidden_layers += 1;
    EXPECT_NE(with(m).find("`num_hidden_layers` is"), std::string::npos) << with(m);
    m = c;
    m.text.intermediate_size += 1;
    EXPECT_NE(with(m).find("`intermediate_size`"), std::string::npos) << with(m);
    m = c;
    m.text.num_key_value_heads =
        c.text.num_key_value_heads == c.text.num_attention_heads ? 1 : c.text.num_attention_heads;
    EXPECT_NE(with(m).find("num_key_value_heads"), std::string::npos) << with(m);
    m = c;
    m.vision.depth += 3;
    EXPECT_NE(with(m).find("`vision_config.depth`"), std::string::npos) << with(m);
    m = c;
    m.vision.patch_size *= 2;
    EXPECT_NE(with(m).find("vision_config.patch_size"), std::string::npos) << with(m);
    m = c;
    m.vision.intermediate_size += 4;
    EXPECT_NE(with(m).find("vision_config MLP width"), std::string::npos) << with(m);
}

// 1e12 is an integer in JSON; it used to reach libtorch's allocator (a stack trace).
TEST(WeightShapeCheck, AbsurdSizesAreCleanErrors) {
    for (const char* key : {"vocab_size", "hidden_size", "num_hidden_layers"}) {
        const std::string d = copy_with_config([&](nlohmann::json& c) { c[key] = 1e12; });
        const std::string what = error_of([&] { read_model_dir(d); });
        EXPECT_NE(what.find(key), std::string::npos) << what;
        EXPECT_NE(what.find("maximum"), std::string::npos) << what;
    }
    const std::string d = copy_with_config([](nlohmann::json& c) { c["vocab_size"] = 1e30; });
    EXPECT_NE(error_of([&] { read_model_dir(d); }).find("vocab_size"), std::string::npos);
}

TEST(MissingWeights, SymlinkLoopIsNamed) {
    const std::string d = test::temp_dir("loop") + "/m";
    fs::copy(tiny_model(), d);
    fs::remove(d + "/model.safetensors");
    fs::create_symlink("model.safetensors", d + "/model.safetensors");
    std::string what = error_of([&] { open_checkpoint(d); });
    EXPECT_NE(what.find("symlink loop"), std::string::npos) << what;
    fs::remove(d + "/model.safetensors");
    fs::create_symlink("gone.safetensors", d + "/model.safetensors");
    what = error_of([&] { open_checkpoint(d); });
    EXPECT_NE(what.find("does not exist"), std::string::npos) << what;
}

TEST(MissingWeights, PickleCheckpointIsNamedWithTheConversion) {
    const std::string d = test::temp_dir("pickle") + "/m";
    fs::copy(tiny_model(), d);
    fs::remove(d + "/model.safetensors");
    std::ofstream(d + "/pytorch_model.bin") << "PK\x03\x04 not really a zip";
    const std::string what = error_of([&] { load_model(d, kCpu); });
    EXPECT_NE(what.find("pickle"), std::string::npos) << what;
    EXPECT_NE(what.find("pytorch_model.bin"), std::string::npos) << what;
    EXPECT_NE(what.find("save_pretrained"), std::string::npos) << what;
}

TEST(DtypeOnDevice, Float16OnCpuSaysWhatToUse) {
    const std::string what =
        error_of([] { check_dtype_fits_device(at::kHalf, at::Device(at::kCPU), "cpu"); });
    EXPECT_NE(what.find("float16"), std::string::npos) << what;
    EXPECT_NE(what.find("bfloat16 or float32"), std::string::npos) << what;
    EXPECT_EQ(error_of([] { check_dtype_fits_device(at::kBFloat16, at::Device(at::kCPU), "cpu"); }),
              "(no error)");
}

}  // namespace
}  // namespace mmupt
