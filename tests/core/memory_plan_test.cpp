// The memory planner's arithmetic: sizes parse with units, full vs LoRA terms follow what the
// engine allocates (reference copy, AdamW state, gradients), checkpointing shrinks activations,
// and the largest fitting rollout is the boundary of the fit; the LoRA column follows the config's
// model.lora.* and counts exactly the adapters LoraModel creates. Against measured RSS:
// docs/performance.md.
#include <gtest/gtest.h>

#include <fstream>

#include "core/config/config_io.h"
#include "core/model/lora.h"
#include "core/model/model_presets.h"
#include "core/trainer/memory_plan.h"
#include "core/util/errors.h"
#include "tests/core/model_test_util.h"
#include "tests/core/test_paths.h"

namespace mmupt {
namespace {

ModelConfig real_3b() {
    return ModelConfig::from_file(test::shared_data_dir() + "/qwen2.5-vl-3b-instruct/config.json");
}

TEST(MemoryPlan, ParsesSizes) {
    EXPECT_EQ(parse_byte_size("24GiB"), 24LL << 30);
    EXPECT_EQ(parse_byte_size("24 gib"), 24LL << 30);
    EXPECT_EQ(parse_byte_size("80GB"), 80000000000LL);
    EXPECT_EQ(parse_byte_size("512MiB"), 512LL << 20);
    EXPECT_EQ(parse_byte_size("1.5GiB"), 3LL << 29);
    EXPECT_EQ(parse_byte_size("1000"), 1000);
    for (const char* bad : {"", "GiB", "-1GiB", "24 parsecs", "0"})
        EXPECT_THROW(parse_byte_size(bad), ConfigError) << bad;
}

TEST(MemoryPlan, FullAndLoraTermsFollowTheEngine) {
    MMUPT_REQUIRE_SHARED_DATA();
    const ModelConfig m = real_3b();
    RunConfig run;  // bf16, kl_coef 0.01, gradient checkpointing on
    const MemoryPlan p = plan_memory(m, run);
    EXPECT_EQ(p.parameters, 3754622976LL);  // the real Qwen2.5-VL-3B
    EXPECT_EQ(p.full.weights, 2 * p.parameters);
    EXPECT_EQ(p.full.reference, p.full.weights);  // frozen copy for the KL term
    EXPECT_EQ(p.lora.reference, 0);               // adapters disabled = the base model
    EXPECT_EQ(p.full.trainable_parameters, p.parameters);
    EXPECT_EQ(p.full.gradients, 2 * p.parameters);
    EXPECT_EQ(p.full.optimizer, 12 * p.parameters);  // fp32 exp_avg, exp_avg_sq, master
    // r (in + out) per target per layer: q 2048+2048, k / v 2048+256, o 2048+2048,
    // gate / up 2048+11008, down 11008+2048; 36 layers.
    const int64_t per_layer = 16 * (4096 + 2 * 2304 + 4096 + 3 * 13056);
    EXPECT_EQ(p.lora.trainable_parameters, 36 * per_layer);
    EXPECT_LT(p.lora.peak, p.full.peak);
    EXPECT_LT(p.full.activations_checkpointed, p.full.activations_full);
    EXPECT_EQ(p.full.activations, p.full.activations_checkpointed);
    run.model.gradient_checkpointing = false;
    EXPECT_EQ(plan_memory(m, run).full.activations, p.full.activations_full);
    run.algorithm.kl_coef = 0;
    EXPECT_EQ(plan_memory(m, run).full.reference, 0);
}

TEST(MemoryPlan, TeachersFollowTheEngine) {
    MMUPT_REQUIRE_SHARED_DATA();
    const ModelConfig m = real_3b();
    RunConfig run;  // bf16
    run.algorithm.kl_coef = 0;
    const MemoryPlan plain = plan_memory(m, run);
    EXPECT_EQ(plain.full.teacher, 0);
    // The frozen reference as voter is loaded without the KL too (load_training_model).
    run.algorithm.vote_source = VoteSource::reference;
    const MemoryPlan ref = plan_memory(m, run);
    EXPECT_EQ(ref.full.reference, ref.full.weights);
    EXPECT_EQ(ref.lora.reference, 0);
    EXPECT_EQ(ref.full.teacher, 0);
    // The EMA teacher: an fp32 copy of what trains (ema_teacher.h), and its bf16 cast while it
    // samples, on top of the rollout.
    run.algorithm.vote_source = VoteSource::ema;
    const MemoryPlan ema = plan_memory(m, run);
    EXPECT_EQ(ema.full.reference, 0);
    EXPECT_EQ(ema.full.teacher, 4 * ema.full.trainable_parameters);
    EXPECT_EQ(ema.lora.teacher, 4 * ema.lora.trainable_parameters);
    EXPECT_GE(ema.full.peak, plain.full.peak + ema.full.teacher);
    EXPECT_LT(ema.lora.teacher, ema.full.teacher / 50);  // the adapters only
    run.algorithm.reward = RewardKind::sft;              // no vote, no teacher
    EXPECT_EQ(plan_memory(m, run).full.teacher, 0);
}

TEST(MemoryPlan, LargestRolloutIsTheFitBoundary) {
    const ModelConfig m = tiny_model_config(ModelArch::qwen2_5_vl);
    RunConfig run;
    run.rollout.max_new_tokens = 256;
    run.data.max_prompt_length = 512;
    for (bool lora : {false, true}) {
        auto peak_at = [&](int64_t rows, int64_t device_memory = 0) {
            RunConfig r = run;
            r.trainer.rollout_batch_size = 1;
            r.rollout.n = rows;
            MemoryPlanOptions o;
            o.device_memory = device_memory;
            const MemoryPlan q = plan_memory(m, r, o);
            return lora ? q.lora : q.full;
        };
        // A device between the peaks at 1 and 4096 rows: the boundary lies in between.
        const int64_t device = (peak_at(1).peak + peak_at(4096).peak) / 2;
        const int64_t rows = peak_at(1, device).max_rollout_rows;
        ASSERT_GT(rows, 1) << lora;
        ASSERT_LT(rows, 4096) << lora;
        EXPECT_LE(peak_at(rows).peak, device);
        EXPECT_GT(peak_at(rows + 1).peak, device);
    }
}

// The adapter parameters LoraModel attaches for these options on the tiny preset.
int64_t lora_model_parameters(ModelArch arch, int64_t rank, const std::string& targets) {
    LoraOptions o;
    o.rank = rank;
    o.target_modules = targets;
    return LoraModel(test::tiny_model(arch), o).num_parameters();
}

TEST(MemoryPlan, LoraColumnComesFromTheConfigAndMatchesLoraModel) {
    const std::string yaml = test::temp_dir("plan-lora") + "/run.yaml";
    std::ofstream(yaml) << "model:\n  lora:\n    enabled: true\n    rank: 8\n";
    const RunConfig run = load_config(yaml, {}, /*for_training=*/false);
    for (ModelArch arch : {ModelArch::qwen2_5_vl, ModelArch::qwen2_vl}) {
        const MemoryPlan p = plan_memory(tiny_model_config(arch), run);
        EXPECT_TRUE(p.lora_enabled);
        EXPECT_EQ(p.lora_rank, 8);
        const int64_t expected = lora_model_parameters(arch, 8, kDefaultLoraTargets);
        ASSERT_GT(expected, 0);
        EXPECT_EQ(p.lora.trainable_parameters, expected) << static_cast<int>(arch);
        // Only the adapters train: their gradients and AdamW state, no reference copy.
        EXPECT_EQ(p.lora.gradients, 2 * expected);  // bf16 by default
        EXPECT_EQ(p.lora.reference, 0);
    }
    // A narrower target regex from the config, and --lora-rank's override of the rank.
    RunConfig narrow = run;
    narrow.model.lora.target_modules = R"(.*\.self_attn\.(q|v)_proj)";
    const ModelConfig m = tiny_model_config(ModelArch::qwen2_5_vl);
    EXPECT_EQ(plan_memory(m, narrow).lora.trainable_parameters,
              lora_model_parameters(ModelArch::qwen2_5_vl, 8, narrow.model.lora.target_modules));
    MemoryPlanOptions o;
    o.lora_rank = 4;
    const MemoryPlan q = plan_memory(m, narrow, o);
    EXPECT_EQ(q.lora_rank, 4);
    EXPECT_EQ(q.lora.trainable_parameters,
              lora_model_parameters(ModelArch::qwen2_5_vl, 4, narrow.model.lora.target_modules));
    EXPECT_FALSE(plan_memory(m, RunConfig{}).lora_enabled);
}

TEST(MemoryPlan, LoraTargetsLoraModelRejectsAreRejected) {
    const ModelConfig m = tiny_model_config(ModelArch::qwen2_5_vl);
    // The vision tower's qkv, a regex matching nothing, an invalid regex.
    for (const char* bad : {R"(.*attn\.qkv)", "nothing", "(q_proj"}) {
        RunConfig run;
        run.model.lora.target_modules = bad;
        EXPECT_THROW(plan_memory(m, run), ConfigError) << bad;
        LoraOptions o;
        o.target_modules = bad;
        EXPECT_THROW(LoraModel(test::tiny_model(ModelArch::qwen2_5_vl), o), ConfigError) << bad;
    }
}

}  // namespace
}  // namespace mmupt
