// The demo's sizes (full and --quick) and the run configs of its stages, built from them:
// stage 1 SFT on the labelled split, stages 2 / 3 GRPO with `accuracy` or `majority_vote`
// rewards from the base model. All float32 on the CPU; the test split is never a training input.
#pragma once
#include <string>

#include "core/config/run_config.h"
#include "core/demo/synthetic_dataset.h"

namespace mmupt::demo {

struct DemoScale {
    const char* name = "";
    DemoDataSizes data;
    int tokenizer_items = 0, tokenizer_merges = 0;     // BPE corpus (training items) and merges
    int sft_steps = 0, sft_batch = 0, sft_warmup = 0;  // stage 1
    double sft_lr = 0;
    int grpo_steps = 0, grpo_batch = 0, grpo_mini = 0, grpo_micro = 0;  // stages 2 and 3
    int group_size = 0, max_new_tokens = 0;  // G and response length (also for evaluation)
    double grpo_lr = 0, temperature = 0;     // temperature: training and sampled evaluation
    int eval_batch = 0, log_every = 0;
    double unsafe_lr = 0;  // the safeguard comparison's MM-UPT learning rate (collapses unguarded)
};

DemoScale full_scale();
DemoScale quick_scale();

// `dir` is the demo's output directory (data/, init/, base/ live there).
RunConfig sft_config(const DemoScale& scale, const std::string& dir, int threads);
RunConfig grpo_config(const DemoScale& scale, const std::string& dir, const std::string& base_model,
                      const std::string& output_dir, RewardKind reward, int seed, int threads);

// The safeguards of docs/collapse.md as the demo sets them (the frozen reference votes, uniform
// groups leave the loss); the collapse alarm stays at `warn`, so both runs show where it fires.
void apply_safeguards(RunConfig& config);

}  // namespace mmupt::demo
