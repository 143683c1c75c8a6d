// Demo sizes and stage configs. Full size follows the tuning runs in docs/demo.md (validation
// split only): SFT 600 steps at lr 2e-3 gives a base model that sees the shapes; GRPO stages at
// T = 1.0 and lr 5e-5, the setting where MM-UPT did least harm (higher rates collapse the boxed
// answer onto a few image-independent values). Quick size only proves the pipeline runs.
#include "core/demo/demo_scale.h"

#include "core/config/config_schema.h"
#include "core/demo/synthetic_tasks.h"

namespace mmupt::demo {

DemoScale full_scale() {
    DemoScale s;
    s.name = "full";
    s.data = {3000, 400, 200, {}};  // families: the demo mix
    s.tokenizer_items = 400, s.tokenizer_merges = 400;
    s.sft_steps = 600, s.sft_batch = 16, s.sft_warmup = 20, s.sft_lr = 2e-3;
    s.grpo_steps = 20, s.grpo_batch = 16, s.grpo_mini = 4, s.grpo_micro = 32;
    s.group_size = 8, s.max_new_tokens = 48, s.grpo_lr = 5e-5, s.temperature = 1.0;
    s.eval_batch = 16, s.log_every = 5;
    s.unsafe_lr = 2e-4;  // docs/demo.md: MM-UPT 0.835 -> 0.710 from the 600-step base
    return s;
}

DemoScale quick_scale() {
    DemoScale s = full_scale();
    s.name = "quick";
    s.data = {48, 32, 16, {}};
    s.tokenizer_items = 60, s.tokenizer_merges = 200;
    s.sft_steps = 16, s.sft_batch = 8, s.sft_warmup = 4;
    s.grpo_steps = 2, s.grpo_batch = 4, s.grpo_mini = 2, s.grpo_micro = 8;
    s.group_size = 4, s.max_new_tokens = 24;
    s.log_every = 1;
    return s;
}

namespace {

RunConfig common(const DemoScale& s, const std::string& output_dir, int seed, int threads) {
    RunConfig c;
    c.model.dtype = Dtype::float32;
    c.model.device = "cpu";
    c.model.gradient_checkpointing = false;
    c.data.min_pixels = c.data.max_pixels = kImagePixels * kImagePixels;
    c.data.max_prompt_length = 512;
    c.rollout.n = s.group_size;
    c.rollout.temperature = s.temperature;
    c.rollout.top_p = 1.0;
    c.rollout.max_new_tokens = s.max_new_tokens;
    c.trainer.epochs = 1000;  // max_steps ends each stage
    c.trainer.save_every = 0;
    c.trainer.keep_last = 1;
    c.trainer.seed = seed;
    c.trainer.threads = threads;
    c.trainer.output_dir = output_dir;
    return c;
}

}  // namespace

RunConfig sft_config(const DemoScale& s, const std::string& dir, int threads) {
    RunConfig c = common(s, dir + "/base", /*seed=*/1, threads);
    c.model.path = dir + "/init";
    c.data.train_files = {dir + "/data/sft.jsonl"};
    c.algorithm.reward = RewardKind::sft;
    c.algorithm.kl_coef = 0.0;
    c.optim.lr = s.sft_lr;
    c.optim.weight_decay = 0.0;
    c.optim.warmup_steps = s.sft_warmup;
    c.trainer.rollout_batch_size = c.trainer.mini_batch_size = c.trainer.micro_batch_size =
        s.sft_batch;
    c.trainer.max_steps = s.sft_steps;
    validate(c, /*for_training=*/true);
    return c;
}

RunConfig grpo_config(const DemoScale& s, const std::string& dir, const std::string& base_model,
                      const std::string& output_dir, RewardKind reward, int seed, int threads) {
    RunConfig c = common(s, output_dir, seed, threads);
    c.model.path = base_model;
    // Both train on the same questions (upt.jsonl): supervised GRPO is given their labels,
    // MM-UPT sees them only as hidden diagnostics (the reward never reads them). Training the
    // baseline on sft.jsonl instead would compare against questions the base already memorised.
    c.data.train_files = {dir + "/data/upt.jsonl"};
    c.algorithm.reward = reward;
    c.optim.lr = s.grpo_lr;
    c.trainer.rollout_batch_size = s.grpo_batch;
    c.trainer.mini_batch_size = s.grpo_mini;
    c.trainer.micro_batch_size = s.grpo_micro;
    c.trainer.max_steps = s.grpo_steps;
    validate(c, /*for_training=*/true);
    return c;
}

void apply_safeguards(RunConfig& c) {
    c.algorithm.vote_source = VoteSource::reference;
    c.algorithm.skip_uniform_groups = true;
    validate(c, /*for_training=*/true);
}

}  // namespace mmupt::demo
