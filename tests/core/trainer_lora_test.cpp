// LoRA runs of the trainer on the tiny fixture: only adapters train (the base weights stay
// bit-identical, the optimizer holds adapter state only), checkpoints are PEFT adapter
// directories, a resumed run reproduces the uninterrupted one exactly, a run starts from an
// existing adapter (and refuses one of another rank), and export writes the adapter or the
// merged model.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/config/config_io.h"
#include "core/io/safetensors_torch.h"
#include "core/model/lora_io.h"
#include "core/trainer/inspect.h"
#include "core/trainer/trainer.h"
#include "core/trainer/trainer_checkpoint.h"
#include "core/util/errors.h"
#include "tests/core/model_test_util.h"
#include "tests/core/trainer_resume_util.h"

namespace mmupt {
namespace {

namespace fs = std::filesystem;
using test::CancelAt;
using test::expect_same_metrics_after;
using test::max_abs_diff;

RunConfig lora_config(const std::string& dir, int steps) {
    RunConfig c = test::resume_config(dir);
    c.model.path = test::sft_model();  // answers boxed often enough for non-zero advantages
    c.trainer.max_steps = steps;
    c.model.lora.enabled = true;
    c.model.lora.rank = 4;
    c.model.lora.alpha = 8;
    c.model.lora.dropout = 0.1;  // exercises the per-step seeding on resume
    c.optim.lr = 1e-2;
    return c;
}

TEST(TrainerLora, ConfigKeysNestAndRoundTrip) {
    RunConfig c;
    apply_yaml_text(c, "model:\n  lora:\n    enabled: true\n    rank: 8\n", "run.yaml");
    EXPECT_TRUE(c.model.lora.enabled);
    EXPECT_EQ(c.model.lora.rank, 8);
    EXPECT_EQ(c.model.lora.target_modules, kDefaultLoraTargets);
    RunConfig back;
    apply_yaml_text(back, to_yaml(c, /*comments=*/true), "dump");
    EXPECT_TRUE(back == c);
    EXPECT_THROW(apply_yaml_text(c, "model: {lora: {rnak: 8}}", "run.yaml"), ConfigError);
    c.model.lora.target_modules = "(unclosed";
    EXPECT_THROW(validate(c), ConfigError);
    c.model.lora.target_modules = kDefaultLoraTargets;
    c.model.lora.enabled = false;
    c.model.lora.adapter_path = "/some/adapter";
    EXPECT_THROW(validate(c), ConfigError);
}

TEST(TrainerLora, TrainsOnlyTheAdaptersAndCheckpointsThem) {
    const std::string tmp = test::temp_dir("trainer-lora");
    RunConfig c = lora_config(tmp + "/run", 2);
    auto trainer = Trainer::start(c, nullptr, nullptr);
    RunFinished r = trainer->run();
    ASSERT_EQ(r.state, RunState::finished) << r.message;
    // The base weights are untouched, bit for bit (side path; no reference copy exists).
    LoadedModel base = load_model(c.model.path, ModelOptions{at::kFloat, at::kCPU, false});
    const WeightMap trained = trainer->policy()->state_dict();
    for (const auto& [name, w] : base.model->state_dict())
        EXPECT_TRUE(at::equal(w, trained.at(name))) << name;
    trainer.reset();  // releases the run directory's lock, which export takes

    const std::string ckpt = list_checkpoints(c.trainer.output_dir).back().path;
    EXPECT_TRUE(fs::exists(ckpt + "/adapter_config.json"));
    EXPECT_TRUE(fs::exists(ckpt + "/adapter_model.safetensors"));
    // Its base is the run's model.path (the run's model_files/ hold no weights).
    EXPECT_EQ(read_adapter_config(ckpt).base_model,
              fs::absolute(c.model.path).lexically_normal().string());
    EXPECT_FALSE(fs::exists(ckpt + "/config.json"));
    EXPECT_FALSE(fs::exists(ckpt + "/model.safetensors"));
    auto opt = read_optimizer_state(ckpt);
    ASSERT_FALSE(opt.empty());
    for (const auto& [name, t] : opt) EXPECT_NE(name.find(".lora_"), std::string::npos) << name;
    // The adapters moved away from B = 0.
    WeightMap adapter = read_adapter_weights(ckpt);
    double b_sum = 0;
    for (const auto& [name, t] : adapter)
        if (name.find("lora_B") != std::string::npos) b_sum += t.abs().sum().item<double>();
    EXPECT_GT(b_sum, 0.0);

    // The checkpoint loads as a model (its base + the adapter merged), as eval / export do.
    LoadedModel merged = load_model(ckpt, ModelOptions{at::kFloat, at::kCPU, false});
    EXPECT_GT(
        max_abs_diff(
            merged.model->state_dict().at("model.language_model.layers.0.self_attn.q_proj.weight"),
            base.model->state_dict().at("model.language_model.layers.0.self_attn.q_proj.weight")),
        0.0);

    // Export: the PEFT directory as is, or the merged full model.
    const std::string peft = tmp + "/peft", full = tmp + "/merged";
    ExportOptions adapter_only, merge;
    merge.merge = true;
    EXPECT_EQ(export_model(ckpt, peft, adapter_only).dtype, "adapter");
    EXPECT_TRUE(fs::exists(peft + "/adapter_config.json"));
    EXPECT_TRUE(fs::exists(peft + "/.mmupt-export"));
    EXPECT_EQ(read_adapter_config(peft).lora.rank, 4);
    EXPECT_EQ(export_model(ckpt, full, merge).dtype, "float32");  // the base model's own dtype
    LoadedModel exported = load_model(full, ModelOptions{at::kFloat, at::kCPU, false});
    const WeightMap mw = merged.model->state_dict();
    for (const auto& [name, w] : exported.model->state_dict())  // as stored
        EXPECT_LE(max_abs_diff(w, mw.at(name)), 1e-2 * (1.0 + w.abs().max().item<double>()))
            << name;
}

TEST(TrainerLora, ResumedRunMatchesTheUninterruptedOne) {
    const std::string tmp = test::temp_dir("trainer-lora-resume");
    RunConfig full = lora_config(tmp + "/full", 4);
    ASSERT_EQ(Trainer::start(full, nullptr, nullptr)->run().state, RunState::finished);

    RunConfig cut = lora_config(tmp + "/cut", 4);
    TrainerControl control;
    CancelAt cancel(control, 3);
    ASSERT_EQ(Trainer::start(cut, &cancel, &control)->run().state, RunState::cancelled);
    ASSERT_EQ(list_checkpoints(cut.trainer.output_dir).back().step, 2);
    auto resumed = Trainer::resume(cut.trainer.output_dir, nullptr, nullptr);
    RunFinished r = resumed->run();
    ASSERT_EQ(r.state, RunState::finished) << r.message;
    expect_same_metrics_after(full.trainer.output_dir, cut.trainer.output_dir, 2, 4);
    WeightMap a = read_adapter_weights(list_checkpoints(full.trainer.output_dir).back().path);
    WeightMap b = read_adapter_weights(list_checkpoints(cut.trainer.output_dir).back().path);
    ASSERT_EQ(a.size(), b.size());
    for (const auto& [name, t] : a) EXPECT_TRUE(at::equal(t, b.at(name))) << name;
}

TEST(TrainerLora, StartsFromAPeftAdapterAndChecksIt) {
    const std::string tmp = test::temp_dir("trainer-lora-import");
    RunConfig first = lora_config(tmp + "/first", 1);
    ASSERT_EQ(Trainer::start(first, nullptr, nullptr)->run().state, RunState::finished);
    const std::string adapter = list_checkpoints(first.trainer.output_dir).back().path;

    RunConfig next = lora_config(tmp + "/next", 1);
    next.model.lora.adapter_path = adapter;
    TrainingModel m = load_training_model(next, next.model.path);
    for (const auto& [name, t] : read_adapter_weights(adapter))
        EXPECT_TRUE(at::equal(t, m.lora->state_dict().at(name))) << name;
    EXPECT_FALSE(m.reference);  // the KL reference is the policy with adapters off

    next.model.lora.rank = 8;
    try {
        load_training_model(next, next.model.path);
        FAIL() << "an adapter of another rank was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("adapter_config.json: r = 4"), std::string::npos)
            << e.what();
    }
    next.model.lora.rank = 4;
    next.model.lora.adapter_path = tmp;  // not an adapter directory
    EXPECT_THROW(load_training_model(next, next.model.path), ConfigError);
}

}  // namespace
}  // namespace mmupt
