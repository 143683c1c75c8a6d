// The Trainer's collapse alarm and vote safeguards (docs/collapse.md): extra voters, or the
// frozen reference or the EMA teacher as the voter (score_step), the label-free signals and the
// alarm of each step (add_collapse_metrics), and what a firing does between steps (act_on_alarm:
// warn, stop, rollback to the last checkpoint with a lower learning rate).
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/dist/process_group.h"
#include "core/reward/collapse_signals.h"
#include "core/reward/reference_drift.h"
#include "core/trainer/ema_teacher.h"
#include "core/trainer/trainer.h"
#include "core/util/errors.h"

namespace mmupt {

ScoredRollout Trainer::score_step(int step, const Rollout& rollout,
                                  const std::vector<Prompt>& prompts) {
    const AlgorithmConfig& a = config_.algorithm;
    const int64_t n = config_.rollout.n;
    const bool teacher = a.vote_source != VoteSource::policy;
    const int64_t voters = config_.rollout.vote_n > 0 ? config_.rollout.vote_n : n;
    const int64_t extra = teacher ? voters : voters - n;
    const bool self_reward = a.reward == RewardKind::majority_vote;
    const bool reference_votes = a.vote_source == VoteSource::reference;
    // The reference's own samples for collapse/reference_drift; the teacher's serve when the
    // reference is the teacher (at algorithm.teacher_temperature, if set: the drift is then
    // measured against its near-greedy majority; the alarm ignores it then, collapse_alarm.h).
    const int64_t watch = self_reward ? config_.collapse.reference_samples : 0;
    const bool has_reference = model_.lora || model_.reference;
    if (watch > 0 && !reference_votes && !has_reference && !warned_no_reference_) {
        warned_no_reference_ = true;
        log(LogLevel::info,
            "collapse/reference_drift is not measured: it needs the frozen reference, which this "
            "run does not load (algorithm.kl_coef = 0 without LoRA); set algorithm.kl_coef > 0 "
            "to watch it, or collapse.reference_samples = 0 to silence this");
    }
    // Voters and watchers draw from their own streams: (seed ^ tag, step, prompt, sample).
    auto params_for = [&](int64_t samples, uint64_t tag, double temperature = 0.0) {
        GenerationParams params = generation_params(step);
        params.num_samples = static_cast<int>(samples);
        params.seed = sample_key(state_.sampling_seed ^ tag, static_cast<uint64_t>(step));
        if (temperature > 0) params.sampling.temperature = temperature;
        return params;
    };
    // The teacher may vote at its own temperature; the drift watch samples at the rollout's.
    auto sample_reference = [&](int64_t samples, uint64_t tag, double temperature = 0.0) {
        const GenerationParams params = params_for(samples, tag, temperature);
        if (model_.lora) {  // the reference is the base model: adapters off
            AdaptersDisabled base(model_.lora.get());
            return sample_rollout(model_.policy, prompts, params, model_.dir.tokenizer);
        }
        if (model_.reference)
            return sample_rollout(model_.reference, prompts, params, model_.dir.tokenizer);
        throw ConfigError(
            "algorithm.vote_source = reference needs the frozen reference model, and this run "
            "has none; start the run with `mmupt train` (it loads the reference from "
            "model.path) or set algorithm.vote_source = policy");
    };
    // (B)(M) texts of a rollout of M samples per prompt.
    auto per_prompt = [&](const Rollout& r, int64_t m) {
        std::vector<std::vector<std::string>> texts;
        for (size_t b = 0; b < prompts.size(); ++b)
            texts.emplace_back(r.texts.begin() + static_cast<int64_t>(b) * m,
                               r.texts.begin() + static_cast<int64_t>(b + 1) * m);
        return texts;
    };

    auto sample_teacher = [&](int64_t samples) {
        const double t = a.teacher_temperature;
        if (a.vote_source != VoteSource::ema) return sample_reference(samples, 0x7eac4e5ULL, t);
        // The policy's weights holding the EMA's values for the rollout.
        if (!teacher_) throw ModelError("algorithm.vote_source = ema: the EMA teacher is missing");
        TeacherWeights swapped(*teacher_);
        return sample_rollout(model_.policy, prompts, params_for(samples, 0x7eac4e5ULL, t),
                              model_.dir.tokenizer);
    };

    ScoredRollout scored;
    std::vector<std::vector<std::string>> reference_texts;
    if (!self_reward || extra <= 0) {
        scored = score_rollout(rollout, prompts, reward_, step);
    } else {
        ExtraVoters v;
        v.teacher = teacher;
        v.texts = per_prompt(
            teacher ? sample_teacher(extra)
                    : sample_rollout(model_.policy, prompts, params_for(extra, 0x70735ULL),
                                     model_.dir.tokenizer),
            extra);
        scored = score_rollout(rollout, prompts, reward_, step, &v);
        if (reference_votes) reference_texts = std::move(v.texts);
    }
    if (watch > 0 && !reference_votes && has_reference)
        reference_texts = per_prompt(sample_reference(watch, 0x4d1f7ULL), watch);
    for (size_t b = 0; b < reference_texts.size(); ++b)
        scored.reference_answers.push_back(
            extract_answers(reference_texts[b], prompts[b].question));
    return scored;
}

void Trainer::add_collapse_metrics(StepMetrics& m, const ScoredRollout& scored,
                                   const std::vector<Prompt>& prompts) {
    std::vector<CollapsePrompt> inputs(prompts.size());
    for (size_t b = 0; b < prompts.size(); ++b) {
        const Example* ex = prompts[b].example;
        CollapsePrompt& p = inputs[b];
        // Different images, not different questions: two questions about one image may share
        // their answer legitimately.
        p.image_key = ex && !ex->image_paths.empty() ? ex->image_paths.front()
                      : ex                           ? ex->id
                                                     : "prompt-" + std::to_string(b);
        p.majority = scored.policy_majority.at(b);
        for (const SampledResponse& r : scored.groups.at(b).responses) {
            p.answers.push_back(r.answer);
            p.contradicts.push_back(r.contradicts_reasoning);
        }
        if (b < scored.reference_answers.size()) p.reference = scored.reference_answers[b];
    }
    auto value = [&](const char* key) {
        auto it = m.values.find(key);
        return it == m.values.end() ? std::nan("") : it->second;
    };
    double token_entropy = value("actor/entropy");
    double majority_ratio = value("vote/majority_ratio");
    // Data-parallel: the signals over all B prompts, the same on every rank, so that every rank
    // reaches the same verdict (stop / rollback happen everywhere at the same step).
    gather_collapse_inputs(inputs, token_entropy, majority_ratio);

    std::vector<PromptVote> votes;
    std::vector<std::optional<bool>> contradictions;
    std::vector<AnswerList> policy, reference;
    for (CollapsePrompt& p : inputs) {
        votes.push_back(PromptVote{p.image_key, p.majority});
        contradictions.insert(contradictions.end(), p.contradicts.begin(), p.contradicts.end());
        policy.push_back(std::move(p.answers));
        reference.push_back(std::move(p.reference));
    }
    const CollapseSignals s = compute_collapse_signals(votes, contradictions);
    CollapseRecord record;
    record.step = m.step > 0 ? m.step : state_.step + 1;
    record.answer_entropy = s.answer_entropy;
    record.distinct_share = s.distinct_share;
    record.same_answer_rate = s.same_answer_rate;
    record.contradiction_rate = s.contradiction_rate;
    record.token_entropy = token_entropy;
    record.majority_ratio = majority_ratio;
    double disagreement = std::nan("");
    if (!scored.reference_answers.empty()) {
        const ReferenceDrift d = compute_reference_drift(policy, reference);
        record.reference_drift = d.drift;
        disagreement = d.disagreement;
    }
    const CollapseConfig alarm = effective_collapse_config(config_);
    CollapseVerdict verdict = observe_collapse(state_.collapse, record, alarm);
    for (const auto& [k, v] : verdict.metrics) m.values[k] = v;
    m.values["collapse/reference_disagreement"] = disagreement;
    fired_alarm_.reset();
    if (verdict.fired) {
        FiredAlarm f;
        f.step = record.step;
        f.reasons = verdict.reasons;
        for (const auto& [k, v] : verdict.metrics)
            if (k != "collapse/alarm") f.signals[k] = v;
        fired_alarm_ = std::move(f);
    }
}

bool Trainer::act_on_alarm() {
    if (!fired_alarm_) return true;
    const FiredAlarm f = std::move(*fired_alarm_);
    fired_alarm_.reset();
    CollapseAction action = config_.collapse.alarm;
    std::string note;
    std::optional<CheckpointInfo> to = store_.latest();
    if (action == CollapseAction::rollback && dist_) {
        // Every rank returns to rank 0's choice (the same verdict brought every rank here).
        const int step = to ? to->step : 0;
        to = agree_on_checkpoint(*dist_, to);
        if (to) to->step = read_trainer_state(to->path).step;
        if (to && to->step != step)
            log(LogLevel::warning, "rank " + std::to_string(dist_->rank()) +
                                       " rolls back to rank 0's checkpoint " + to->path);
    }
    if (action == CollapseAction::rollback) {
        if (state_.collapse.rollbacks >= config_.collapse.max_rollbacks) {
            action = CollapseAction::stop;
            note = " (collapse.max_rollbacks = " + std::to_string(config_.collapse.max_rollbacks) +
                   " rollbacks done: stopping instead)";
        } else if (!to || to->step >= f.step) {
            action = CollapseAction::stop;
            note = " (no checkpoint before this step to roll back to: stopping instead)";
        }
    }
    const char* name = to_string(action);
    std::string reasons;
    for (const std::string& r : f.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
    // Rollback first: it drops the records after the checkpoint, the alarm's line stays.
    if (action == CollapseAction::rollback) roll_back(*to);
    nlohmann::json signals = nlohmann::json::object();
    for (const auto& [k, v] : f.signals)
        signals[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    writer_.append_alarm(nlohmann::json{
        {"step", f.step},
        {"action", name},
        {"reasons", f.reasons},
        {"signals", signals}}.dump());
    std::string message = "collapse alarm at step " + std::to_string(f.step) + " (" + name + ")" +
                          note + ": " + reasons;
    if (action == CollapseAction::rollback)
        message += "; rolled back to step " + std::to_string(to->step) + ", learning rate now " +
                   std::to_string(config_.optim.lr * state_.collapse.lr_scale);
    if (action == CollapseAction::warn)
        message += ". Training continues (collapse.alarm = warn); look at samples.jsonl";
    log(LogLevel::warning, message);
    if (action != CollapseAction::stop) return true;
    alarm_stop_ = "stopped by the collapse alarm at step " + std::to_string(f.step) + note + ": " +
                  reasons + ". The checkpoint of this step is kept; continue with " +
                  "`mmupt train --resume " + writer_.dir() +
                  " --set collapse.alarm=warn` or start again with safeguards (docs/collapse.md)";
    return false;
}

void Trainer::roll_back(const CheckpointInfo& to) {
    CollapseState keep = state_.collapse;
    const double elapsed = elapsed_s();
    {
        TrainingModel saved = load_training_model(config_, to.path);
        at::NoGradGuard no_grad;
        if (model_.lora) {
            auto now = model_.lora->named_parameters();
            auto then = saved.lora->named_parameters();
            for (size_t i = 0; i < now.size(); ++i) now[i].second.copy_(then.at(i).second);
        } else {
            auto now = model_.policy->named_parameters();
            auto then = saved.policy->named_parameters();
            for (auto& item : now) item.value().copy_(then[item.key()]);
        }
    }
    TrainerState restored = read_trainer_state(to.path);
    optimizer_->load_state(read_optimizer_state(to.path), restored.optimizer_steps);
    restore_teacher(to.path);  // the teacher the checkpoint's step voted with
    cursor_->restore(restored.cursor);
    keep.rollbacks += 1;
    keep.lr_scale *= config_.collapse.rollback_lr_factor;
    keep.above = 0;
    keep.armed = true;
    keep.recent = restored.collapse.recent;  // the window as it was at the checkpoint
    restored.collapse = keep;
    // The best checkpoint stays: it is on disk (never pruned) and a valid model even when its
    // step lies after `to` (best.json is left as it is).
    restored.best = state_.best;
    restored.elapsed_s = elapsed;
    started_ = std::chrono::steady_clock::now();
    state_ = restored;
    last_saved_step_ = state_.step;
    writer_.truncate_after(state_.step);
}

void Trainer::restore_teacher(const std::string& checkpoint_dir) {
    if (!teacher_) return;
    if (auto saved = read_teacher_ema(checkpoint_dir)) {
        teacher_->load_state(*saved, checkpoint_dir + "/" + kTeacherEmaFile);
        return;
    }
    // Saved while another voter was configured (resumed with --allow-config-change).
    teacher_->reset();
    log(LogLevel::warning, checkpoint_dir + " has no " + kTeacherEmaFile +
                               ": the EMA teacher starts from this checkpoint's policy");
}

}  // namespace mmupt
