// One training step of the Trainer (trainer.h), top to bottom: prompts -> G samples -> extract,
// vote, reward -> group advantages -> old / reference log-probs -> PPO updates -> report.
// The supervised `sft` baseline replaces the middle with labelled targets and cross-entropy.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>

#include "core/grpo/group_advantage.h"
#include "core/trainer/device_memory.h"
#include "core/trainer/ema_teacher.h"
#include "core/trainer/evaluate.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"
#include "core/util/test_pause.h"

namespace mmupt {
namespace {

// Rollouts with LoRA run the side path: merging the adapters into W for the rollout was no
// faster on the small preset (docs/trainer.md, "LoRA") and unmerging rounds the base weights.
// MMUPT_LORA_ROLLOUT=merge switches merging on, for measuring only (scripts/bench-lora.sh).
bool merge_lora_for_rollout() {
    const char* e = std::getenv("MMUPT_LORA_ROLLOUT");
    return e ? std::string(e) == "merge" : false;
}
const bool kMergeLoraForRollout = merge_lora_for_rollout();

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

GrpoLossOptions loss_options(const AlgorithmConfig& a) {
    GrpoLossOptions o;
    o.clip_ratio_low = a.clip_ratio_low;
    o.clip_ratio_high = a.clip_ratio_high;
    o.clip_ratio_dual = a.dual_clip;
    o.kl_coef = a.kl_coef;
    o.entropy_coef = a.entropy_coef;
    o.kl_estimator = a.kl_estimator == KlEstimatorKind::k1   ? KlEstimator::kK1
                     : a.kl_estimator == KlEstimatorKind::k2 ? KlEstimator::kK2
                                                             : KlEstimator::kK3;
    o.aggregation = a.loss_agg == LossAgg::token_mean ? LossAggregation::kTokenMean
                    : a.loss_agg == LossAgg::seq_mean_token_mean
                        ? LossAggregation::kSeqMeanTokenMean
                        : LossAggregation::kSeqMeanTokenSumNorm;
    return o;
}

// Metrics shared by both step kinds: the optimizer side.
void put_update_metrics(StepMetrics& m, const UpdateStats& u) {
    m.values["actor/loss"] = u.loss;
    m.values["actor/pg_loss"] = u.pg_loss;
    m.values["actor/kl_loss"] = u.kl_loss;
    m.values["actor/entropy"] = u.entropy;
    m.values["actor/ppo_kl"] = u.ppo_kl;
    m.values["actor/pg_clipfrac_higher"] = u.pg_clipfrac_higher;
    m.values["actor/pg_clipfrac_lower"] = u.pg_clipfrac_lower;
    m.values["actor/grad_norm"] = u.grad_norm;
    m.values["actor/lr"] = u.lr;
    m.values["actor/updates"] = static_cast<double>(u.updates);
    m.values["actor/skipped_updates"] = static_cast<double>(u.skipped_updates);
}

}  // namespace

std::vector<Prompt> Trainer::next_prompts() {
    const size_t B = static_cast<size_t>(config_.trainer.rollout_batch_size);
    std::vector<Prompt> out;
    // A prompt that cannot be built (too long, image unreadable now) is replaced by the next
    // example, so every step has B prompts; give up after 4B tries.
    for (size_t tries = 0; out.size() < B && tries < 4 * B; ++tries) {
        const Example& ex = data_.examples[cursor_->next_batch(1).front()];
        std::string why;
        if (auto p = prompts_->build(ex, &why))
            out.push_back(std::move(*p));
        else
            log(LogLevel::warning, "skipping " + ex.id + ": " + why);
    }
    if (out.size() < B)
        throw DataError("only " + std::to_string(out.size()) + " of " + std::to_string(4 * B) +
                        " examples in a row could be turned into prompts; check "
                        "data.max_prompt_length and the images (see train.log)");
    return out;
}

GenerationParams Trainer::generation_params(int step) const {
    GenerationParams p;
    p.sampling.temperature = config_.rollout.temperature;
    p.sampling.top_p = config_.rollout.top_p;
    p.sampling.top_k = static_cast<int>(config_.rollout.top_k);
    p.num_samples = static_cast<int>(config_.rollout.n);
    p.max_new_tokens = static_cast<int>(config_.rollout.max_new_tokens);
    p.stop_ids = model_.dir.generation.eos_token_ids;
    const SpecialTokenIds& sp = model_.dir.tokenizer.special_ids();
    if (p.stop_ids.empty())
        for (int32_t id : {sp.im_end, sp.endoftext})
            if (id >= 0) p.stop_ids.push_back(id);
    // Draws depend on (seed, step, prompt, sample, position) only: reproducible and resumable.
    p.seed = sample_key(state_.sampling_seed, static_cast<uint64_t>(step));
    return p;
}

UpdatePlan Trainer::update_plan(int64_t rows_per_prompt) const {
    const TrainerConfig& t = config_.trainer;
    UpdatePlan plan;
    plan.mini_rows = t.mini_batch_size * rows_per_prompt;
    plan.micro_rows = std::min(t.micro_batch_size, plan.mini_rows);
    plan.ppo_epochs = t.ppo_epochs;
    plan.base_lr = config_.optim.lr * state_.collapse.lr_scale;  // lowered by alarm rollbacks
    plan.warmup_steps = config_.optim.warmup_steps;
    plan.device = device_;
    // GRPO scores the samples at the temperature they were drawn at (as the reference code);
    // SFT (K = 1 target per prompt) at T = 1.
    plan.temperature =
        config_.algorithm.reward == RewardKind::sft ? 1.0 : config_.rollout.temperature;
    const char* prefix = std::getenv("MMUPT_PREFIX_SCORING");
    plan.shared_prefix = !(prefix && std::string(prefix) == "0");
    const TrainerControl* control = control_;
    if (control) plan.cancelled = [control] { return control->cancel.load(); };
    if (EmaTeacher* teacher = teacher_.get()) plan.after_step = [teacher] { teacher->update(); };
    distribute_plan(plan);  // data-parallel: this rank's slices, global denominators
    return plan;
}

std::optional<StepMetrics> Trainer::train_step() {
    const int step = state_.step + 1;
    test_pause_set_step(step);
    const auto t0 = Clock::now();
    const DataCursorState cursor_before = cursor_->state();
    std::vector<Prompt> prompts = next_prompts();  // B prompts: image + question + format prompt
    prompts = local_prompts(step, std::move(prompts));  // data-parallel: this rank's B/W
    bool cancelled = false;
    StepMetrics m = config_.algorithm.reward == RewardKind::sft
                        ? sft_step(step, prompts, cancelled)
                        : grpo_step(step, prompts, cancelled);
    if (cancelled) {
        cursor_->restore(cursor_before);  // the step never happened
        return std::nullopt;
    }
    reduce_step(m, step);  // data-parallel: metrics over all ranks, samples to rank 0
    state_.step = step;
    m.step = step;
    m.values["timing_s/step"] = seconds_since(t0);
    m.values["perf/tokens_per_s"] = m.values["perf/step_tokens"] / m.values["timing_s/step"];
    m.values["data/epoch"] = static_cast<double>(cursor_->epoch());
    m.values["progress/total_steps"] = static_cast<double>(total_steps_);
    const int64_t val_every = config_.trainer.val_every;
    if (val_every > 0 && step % val_every == 0 && writes_run_dir()) validate_into(m);
    m.values["perf/peak_memory_gb"] = peak_device_memory_gb(device_);  // NaN (null) on CPU
    m.wall_time_s = elapsed_s();
    state_.metrics = m.values;
    report_step(m, step_groups_);
    check_finite(m);
    return m;
}

Rollout Trainer::lora_rollout(int step, const std::vector<Prompt>& prompts) {
    const GenerationParams params = generation_params(step);
    if (!model_.lora || !kMergeLoraForRollout)
        return sample_rollout(model_.policy, prompts, params, model_.dir.tokenizer);
    // W + s*B*A folded in for the rollout and taken out after (the same product, so the
    // weights come back to within rounding, not bit for bit).
    model_.lora->merge();
    try {
        Rollout r = sample_rollout(model_.policy, prompts, params, model_.dir.tokenizer);
        model_.lora->unmerge();
        return r;
    } catch (...) {
        model_.lora->unmerge();
        throw;
    }
}

void Trainer::seed_lora_dropout(int step) {
    // Dropout draws from the device's default generator: seeding it by (seed, step) makes a
    // resumed run draw the same masks (recompute.cpp replays them in backward).
    if (!model_.lora || config_.model.lora.dropout <= 0) return;
    at::Generator gen = at::globalContext().defaultGenerator(device_);
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(sample_key(state_.sampling_seed ^ 0x10a4ULL, static_cast<uint64_t>(step)));
}

StepMetrics Trainer::grpo_step(int step, const std::vector<Prompt>& prompts, bool& cancelled) {
    StepMetrics m;
    const int64_t G = config_.rollout.n;
    // 1. Sample G responses per prompt with the current policy (no gradients).
    const auto t_rollout = Clock::now();
    Rollout rollout = lora_rollout(step, prompts);
    const double rollout_s = seconds_since(t_rollout);
    test_pause_point("rollout");
    if (control_ && control_->cancel) return cancelled = true, m;

    // 2. Extract answers, vote per group, reward (labels only reach the `accuracy` baseline).
    const auto t_vote = Clock::now();
    ScoredRollout scored = score_step(step, rollout, prompts);  // + extra voters / teacher
    const double vote_s = seconds_since(t_vote);  // their rollouts and the reference's watch

    // 3. Group advantages by explicit group id: (r - mean) / (std + 1e-6) per prompt.
    const auto t_update = Clock::now();
    const int64_t N = static_cast<int64_t>(scored.rewards.size());                         // B*G
    at::Tensor rewards = at::tensor(scored.rewards, at::kDouble).to(device_, at::kFloat);  // (N)
    at::Tensor group_ids = at::arange(N, at::kLong).floor_divide(G).to(device_);           // (N)
    std::vector<float> agreement_host;
    for (const auto& v : scored.votes)
        agreement_host.insert(agreement_host.end(), G, v.majority_ratio);
    AdvantageOptions adv_options;
    adv_options.normalize_by_std = config_.algorithm.norm_adv_by_std;
    adv_options.drop_zero_variance = config_.algorithm.skip_uniform_groups;
    GroupAdvantages adv = compute_group_advantages(rewards, group_ids, adv_options,
                                                   at::tensor(agreement_host).to(device_));  // (N)

    // 4. Prompt + response rows; old-policy and frozen-reference log-probs (no gradients).
    const UpdatePlan plan = update_plan(G);
    SequenceBatch seq = pack_sequences(prompts, rollout.response_ids, G,
                                       model_.dir.tokenizer.special_ids().endoftext);
    if (vision_frozen()) cache_image_features(seq, model_.policy);  // one encoding per prompt
    PolicyBatch batch;
    batch.sequences = &seq;
    batch.advantages = adv.advantages.to(at::kFloat);
    at::Tensor keep = adv.keep.to(at::kCPU, at::kByte).contiguous();  // (N) 0/1
    batch.keep.assign(keep.data_ptr<uint8_t>(), keep.data_ptr<uint8_t>() + N);
    const bool single_update = plan.ppo_epochs == 1 && plan.mini_rows >= N;
    const auto t_old = Clock::now();
    if (!single_update) batch.old_log_probs = score_micro_batches(model_.policy, seq, plan);
    const double old_s = seconds_since(t_old);
    const auto t_ref = Clock::now();
    if (model_.reference && config_.algorithm.kl_coef > 0)
        batch.ref_log_probs = score_micro_batches(model_.reference, seq, plan);
    if (model_.lora && config_.algorithm.kl_coef > 0) {  // the base model: adapters off
        AdaptersDisabled base(model_.lora.get());
        batch.ref_log_probs = score_micro_batches(model_.policy, seq, plan);
    }
    const double ref_s = seconds_since(t_ref);
    seed_lora_dropout(step);

    // 5. PPO: mini-batches of prompts, micro-batches of responses, KL in the loss, AdamW.
    const auto t_policy = Clock::now();
    UpdateStats update =
        ppo_update(model_.policy, *optimizer_, batch, loss_options(config_.algorithm), plan);
    if (update.cancelled) return cancelled = true, m;
    const double policy_s = seconds_since(t_policy);
    const double update_s = seconds_since(t_update);

    // 6. Report: label-free vote statistics first, hidden-label diagnostics when present.
    const VoteSummary votes = summarize_votes(scored.votes);
    double reward_sum = 0, length_sum = 0, truncated = 0;
    for (double r : scored.rewards) reward_sum += r;
    for (int64_t i = 0; i < N; ++i) {
        length_sum += static_cast<double>(rollout.response_ids[size_t(i)].size());
        truncated += rollout.truncated[size_t(i)];
    }
    m.values["reward/mean"] = reward_sum / double(N);
    m.values["vote/majority_ratio"] = votes.mean_majority_ratio;
    m.values["vote/no_answer_rate"] = votes.no_answer_rate;
    m.values["vote/zero_variance_groups"] =
        double(adv.num_zero_variance_groups) / double(std::max<int64_t>(adv.num_groups, 1));
    m.values["vote/entropy"] = votes.mean_vote_entropy;
    m.values["vote/clusters"] = votes.mean_num_clusters;
    m.values["vote/labeled_share"] = votes.labeled_share;
    m.values["vote/dropped_groups"] = double(adv.num_dropped_groups);
    if (!scored.labels.empty()) {
        const HiddenLabelSummary l = summarize_hidden_labels(scored.labels);
        m.values["label/accuracy"] = l.label_accuracy;
        m.values["label/reward_accuracy"] = l.reward_accuracy;
        m.values["label/pass_at_n"] = l.pass_at_g;
    }
    put_update_metrics(m, update);
    if (config_.algorithm.entropy_coef != 0) m.values["actor/entropy_loss"] = update.entropy_loss;
    m.values["response_length/mean"] = length_sum / double(N);
    m.values["response_length/clip_ratio"] = truncated / double(N);
    m.values["response_length/vision_token_cuts"] = double(rollout.vision_token_cuts);
    m.values["timing_s/rollout"] = rollout_s;
    m.values["timing_s/update"] = update_s;
    m.values["timing_s/vote"] = vote_s;
    // Parts of timing_s/update: where a step's time goes (docs/trainer.md, LoRA against full).
    m.values["timing_s/old_log_probs"] = old_s;  // 0 when one update per rollout needs none
    m.values["timing_s/ref_log_probs"] = ref_s;
    m.values["timing_s/policy_update"] = policy_s;  // forward, backward, optimizer
    const double trained = double(seq.attention_mask.sum().item<int64_t>());  // prompt + response
    m.values["perf/step_tokens"] = trained;
    m.values["perf/rollout_tokens_per_s"] = double(rollout.stats.generated_tokens) / rollout_s;
    m.values["perf/train_tokens_per_s"] = trained * double(plan.ppo_epochs) / update_s;
    add_collapse_metrics(m, scored, prompts);  // collapse/* and the alarm (docs/collapse.md)
    step_groups_ = std::move(scored.groups);
    return m;
}

StepMetrics Trainer::sft_step(int step, const std::vector<Prompt>& prompts, bool& cancelled) {
    (void)step;
    StepMetrics m;
    // 1. Targets: the example's worked solution, else \boxed{answer}, then the end-of-turn token.
    const Tokenizer& tok = model_.dir.tokenizer;
    std::vector<std::vector<int64_t>> targets;
    double length_sum = 0, truncated = 0;
    for (const Prompt& p : prompts) {
        const Example& ex = *p.example;
        const std::string text = ex.solution ? *ex.solution : "\\boxed{" + *ex.answer + "}";
        std::vector<int64_t> ids;
        for (int32_t id : tok.encode(text)) ids.push_back(id);
        if (static_cast<int64_t>(ids.size()) >= config_.rollout.max_new_tokens) {
            ids.resize(static_cast<size_t>(config_.rollout.max_new_tokens - 1));
            truncated += 1;
        }
        ids.push_back(tok.special_ids().im_end);
        length_sum += static_cast<double>(ids.size());
        targets.push_back(std::move(ids));
    }
    // 2. Cross-entropy on the target tokens, mini-batches x micro-batches, AdamW.
    const auto t_update = Clock::now();
    const UpdatePlan plan = update_plan(1);
    SequenceBatch seq = pack_sequences(prompts, targets, 1, tok.special_ids().endoftext);
    if (vision_frozen()) cache_image_features(seq, model_.policy);
    seed_lora_dropout(step);
    UpdateStats update = sft_update(model_.policy, *optimizer_, seq, plan);
    if (update.cancelled) return cancelled = true, m;
    const double update_s = seconds_since(t_update);

    // 3. Report. No sampling, no vote: those keys are null for this baseline.
    const double nan = std::nan("");
    for (const char* key :
         {"reward/mean", "vote/majority_ratio", "vote/no_answer_rate", "vote/zero_variance_groups"})
        m.values[key] = nan;
    put_update_metrics(m, update);
    const double n = static_cast<double>(prompts.size());
    m.values["response_length/mean"] = length_sum / n;
    m.values["response_length/clip_ratio"] = truncated / n;
    m.values["timing_s/rollout"] = 0.0;
    m.values["timing_s/update"] = update_s;
    const double trained = double(seq.attention_mask.sum().item<int64_t>());
    m.values["perf/step_tokens"] = trained;
    m.values["perf/train_tokens_per_s"] = trained * double(plan.ppo_epochs) / update_s;
    step_groups_.clear();
    return m;
}

void Trainer::validate_into(StepMetrics& m) {
    const auto t0 = Clock::now();
    EvalOptions o;
    o.temperature = config_.rollout.val_temperature;
    o.num_samples = o.temperature > 0 ? static_cast<int>(config_.rollout.n) : 0;
    o.max_new_tokens = static_cast<int>(config_.rollout.max_new_tokens);
    o.seed = state_.sampling_seed;
    o.batch_size = static_cast<int>(config_.trainer.rollout_batch_size);
    EvalResult r = evaluate(model_.policy, model_.dir, val_data_.examples, config_.data, o);
    m.values["val/greedy_accuracy"] = r.greedy_accuracy;
    if (o.num_samples > 0) {
        m.values["val/sampled_accuracy"] = r.sampled_accuracy;
        m.values["val/maj_accuracy"] = r.majority_accuracy;
        m.values["val/majority_ratio"] = r.mean_majority_ratio;
    }
    m.values["timing_s/validation"] = seconds_since(t0);
}

void Trainer::report_step(const StepMetrics& m, const std::vector<RolloutGroup>& groups) {
    writer_.append_metrics(m);
    test_pause_point("metrics");  // metrics.jsonl has the step, samples.jsonl not yet
    writer_.append_groups(groups);
    test_pause_point("report");
    if (observer_) {
        observer_->on_step(m);
        if (!groups.empty()) observer_->on_groups(groups);
    }
    if (m.step % config_.trainer.log_every == 0) {
        auto v = [&](const char* k) {
            auto it = m.values.find(k);
            return it == m.values.end() ? std::nan("") : it->second;
        };
        char line[256];
        std::snprintf(line, sizeof line,
                      "step %d/%d reward %.3f majority %.3f loss %.4f kl %.4f grad_norm %.3f "
                      "%.1f s",
                      m.step, total_steps_, v("reward/mean"), v("vote/majority_ratio"),
                      v("actor/loss"), v("actor/kl_loss"), v("actor/grad_norm"),
                      v("timing_s/step"));
        log(LogLevel::info, line);
    }
}

void Trainer::check_finite(const StepMetrics& m) {
    const double skipped = m.values.at("actor/skipped_updates");
    const double loss = m.values.at("actor/loss");
    const bool bad = skipped > 0 || !std::isfinite(loss);
    if (!bad) {
        state_.bad_steps = 0;
        return;
    }
    ++state_.bad_steps;
    log(LogLevel::warning,
        "step " + std::to_string(m.step) + ": non-finite loss or gradient norm; " +
            std::to_string(static_cast<int>(skipped)) + " optimizer update(s) skipped (" +
            std::to_string(state_.bad_steps) + " such step(s) in a row)");
    if (state_.bad_steps >= config_.trainer.max_bad_steps)
        throw ModelError(std::to_string(state_.bad_steps) +
                         " consecutive steps had a non-finite loss or gradient norm "
                         "(trainer.max_bad_steps = " +
                         std::to_string(config_.trainer.max_bad_steps) +
                         "): the model diverged or holds NaN weights. Lower optim.lr, use "
                         "model.dtype=float32 or bfloat16 instead of float16, or resume from an "
                         "earlier checkpoint.");
}

}  // namespace mmupt
