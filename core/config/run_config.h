// RunConfig: the one aggregate configuration of a training run, as nested plain structs whose
// member initialisers are the defaults (the paper's values where it has them, see
// docs/config.md). Units and ranges live in the schema table (config_schema.cpp), which drives
// loading, `--set`, validation, dumps and docs. This header holds data only: no parsing, no I/O.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace mmupt {

enum class Dtype { bfloat16, float16, float32 };
enum class RewardKind { majority_vote, accuracy, sft };
enum class KlEstimatorKind { k1, k2, k3 };
enum class LossAgg { token_mean, seq_mean_token_mean, seq_mean_token_sum_norm };
enum class VotePolicyKind { abstain, reference };
enum class BadImagePolicy { skip, error };
enum class ImageCheck { header, decode };
enum class VoteSource { policy, reference, ema };
enum class CollapseAction { warn, stop, rollback, off };

// Names as written in YAML ("token-mean", "majority_vote"); parse throws ConfigError naming key.
const char* to_string(Dtype v);
const char* to_string(RewardKind v);
const char* to_string(KlEstimatorKind v);
const char* to_string(LossAgg v);
const char* to_string(VotePolicyKind v);
const char* to_string(BadImagePolicy v);
const char* to_string(ImageCheck v);
const char* to_string(VoteSource v);
const char* to_string(CollapseAction v);

// The language model's q/k/v/o and gate/up/down projections of every decoder layer, as a
// regex matched in full against module names (PEFT's string target_modules). The vision
// tower's blocks are `blocks.N`, so it is never matched.
inline constexpr const char* kDefaultLoraTargets =
    R"(.*layers\.\d+\.(self_attn\.(q|k|v|o)_proj|mlp\.(gate|up|down)_proj))";

struct LoraRunConfig {  // `model.lora.*`: train low-rank adapters instead of the weights
    bool enabled = false;
    std::int64_t rank = 16;  // r
    double alpha = 32.0;     // scaling = alpha / r
    double dropout = 0.0;    // on the adapter input while training
    std::string target_modules = kDefaultLoraTargets;
    std::string adapter_path;  // a PEFT adapter directory to start from; "" = fresh adapters
};

struct ModelRunConfig {                  // `model.*` (named apart from the model's own ModelConfig)
    std::string path;                    // Hugging Face model directory; required to train
    Dtype dtype = Dtype::bfloat16;       // parameter / compute dtype
    std::string device = "auto";         // auto | cpu | cuda | cuda:N
    bool freeze_vision = false;          // paper: vision tower trainable
    bool gradient_checkpointing = true;  // recompute activations in backward
    LoraRunConfig lora;
};

struct DataConfig {
    std::vector<std::string> train_files;  // JSONL / JSON files or image folders
    std::vector<std::string> val_files;    // same; hidden labels used for evaluation only
    std::string prompt_key = "problem";    // falls back to "question" when left at default
    std::string answer_key = "answer";     // hidden label; never reaches the reward
    std::string image_key = "images";      // falls back to "image" when left at default
    std::string choices_key = "choices";   // falls back to "options" when left at default
    std::string format_prompt =
        "Please reason step by step, and put your final answer within \\boxed{}.";
    std::string image_folder_template = "Solve the problem shown in the image.";
    std::int64_t min_pixels = 262144;       // pixels; images upscaled to at least this
    std::int64_t max_pixels = 1204224;      // pixels; images downscaled to at most this
    std::int64_t max_prompt_length = 2048;  // tokens, incl. image tokens
    BadImagePolicy on_bad_image = BadImagePolicy::skip;
    ImageCheck image_check = ImageCheck::decode;
    std::int64_t max_image_bytes = 33554432;    // bytes (32 MiB); larger files are oversized
    std::int64_t max_image_pixels = 100000000;  // width*height; larger images are oversized
    std::int64_t max_examples = 0;              // 0 = all; else keep the first N per file list
    bool shuffle = true;                        // shuffle each epoch by (seed, epoch)
};

struct RolloutConfig {
    std::int64_t n = 10;                 // G: responses sampled per prompt
    double temperature = 0.7;            // sampling temperature
    double top_p = 0.99;                 // nucleus mass
    std::int64_t top_k = 0;              // 0 = disabled
    std::int64_t max_new_tokens = 2048;  // tokens per response
    std::int64_t seed = -1;              // -1 = derive from trainer.seed
    double val_temperature = 0.0;        // 0 = greedy evaluation
    std::int64_t vote_n = 0;             // voters per prompt (TTRL); 0 = n (the trained ones)
};

struct AlgorithmConfig {
    RewardKind reward = RewardKind::majority_vote;
    double kl_coef = 1e-2;      // KL-in-loss coefficient; 0 disables the reference
    double entropy_coef = 0.0;  // entropy bonus in the loss (verl entropy_coeff); 0 = off
    KlEstimatorKind kl_estimator = KlEstimatorKind::k3;
    double kl_clamp = 10.0;        // per-token KL clamped to [-kl_clamp, kl_clamp]
    double clip_ratio_low = 0.2;   // ratio lower bound 1 - low
    double clip_ratio_high = 0.3;  // ratio upper bound 1 + high ("clip-higher")
    double dual_clip = 3.0;        // dual-clip bound c for negative advantages
    LossAgg loss_agg = LossAgg::token_mean;
    bool norm_adv_by_std = true;  // GRPO: divide by group std (+1e-6)
    VotePolicyKind vote_policy = VotePolicyKind::abstain;
    double agreement_threshold = 0.0;             // SRT tau: min majority share to reward; 0 = off
    bool soft_reward = false;                     // reward = share of the response's answer cluster
    bool skip_uniform_groups = false;             // drop groups whose rewards are all equal
    VoteSource vote_source = VoteSource::policy;  // who votes: policy, frozen reference, EMA
    double teacher_ema_decay = 0.99;   // vote_source = ema: t <- decay t + (1 - decay) policy
    double teacher_temperature = 0.0;  // the teacher's voting samples; 0 = rollout.temperature
};

struct OptimConfig {
    double lr = 1e-6;  // AdamW learning rate, constant after warmup
    double weight_decay = 1e-2;
    std::vector<double> betas = {0.9, 0.999};  // AdamW (beta1, beta2)
    double eps = 1e-8;
    double grad_clip = 1.0;         // global L2 norm; 0 = off
    std::int64_t warmup_steps = 0;  // optimizer steps of linear warmup
};

struct TrainerConfig {
    std::int64_t rollout_batch_size = 16;   // prompts per step (paper: 512)
    std::int64_t mini_batch_size = 4;       // prompts per optimizer update (paper: 128)
    std::int64_t micro_batch_size = 4;      // responses per forward/backward (accumulation)
    std::int64_t ppo_epochs = 1;            // passes over one rollout batch
    std::int64_t epochs = 15;               // passes over the training data
    std::int64_t max_steps = 0;             // steps (rollout batches); 0 = until `epochs` done
    std::int64_t save_every = 50;           // steps between checkpoints; 0 = final only
    std::int64_t keep_last = 3;             // checkpoints kept; 0 = keep all
    std::int64_t log_every = 1;             // steps between log lines (metrics every step)
    std::int64_t val_every = 0;             // steps between validations; 0 = never
    std::string output_dir = "runs/mmupt";  // the run directory
    // The validation metric that picks the best checkpoint (best.json); "none" = no selection.
    std::string best_metric = "val/sampled_accuracy";
    std::int64_t seed = 1;
    std::int64_t threads = 0;        // CPU threads for intra-op work; 0 = all cores
    std::int64_t max_bad_steps = 5;  // consecutive steps with a non-finite loss / gradient
    double dist_timeout_s = 300;     // data-parallel runs: rendezvous / collective timeout, s
};

// `collapse.*`: the label-free collapse alarm (docs/collapse.md).
struct CollapseConfig {
    CollapseAction alarm = CollapseAction::warn;  // what a firing does
    std::int64_t baseline_steps = 3;              // the run's first steps, the reference level
    std::int64_t window = 3;                      // steps averaged into the current level
    double threshold = 0.2;                       // collapse/score at which the alarm fires
    std::int64_t patience = 2;                    // consecutive steps at or above the threshold
    double rollback_lr_factor = 0.5;              // rollback: lr multiplied by this
    std::int64_t max_rollbacks = 2;               // then the alarm stops the run instead
    // collapse/reference_drift: samples of the frozen reference per prompt and step (0 = off);
    // reused from the teacher when algorithm.vote_source = reference.
    std::int64_t reference_samples = 8;
    double drift_threshold = 0.08;  // rise of reference_drift over its baseline that fires
};

struct RunConfig {
    ModelRunConfig model;
    DataConfig data;
    RolloutConfig rollout;
    AlgorithmConfig algorithm;
    OptimConfig optim;
    TrainerConfig trainer;
    CollapseConfig collapse;
};

bool operator==(const RunConfig& a, const RunConfig& b);  // field by field, via the schema
inline bool operator!=(const RunConfig& a, const RunConfig& b) { return !(a == b); }

}  // namespace mmupt
