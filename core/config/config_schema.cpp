// The schema table: every RunConfig field declared once with its key (derived from the member
// path), unit, range and doc; type and default come from the member itself. Also the enum names
// and get_field / set_field. Validation is in config_validate.cpp, YAML in config_io.cpp.
#include <algorithm>
#include <cstdio>
#include <iterator>
#include <regex>
#include <type_traits>
#include <utility>

#include "core/config/config_fields.h"
#include "core/config/dtype_name.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

template <class E>
struct EnumNames;
template <>
struct EnumNames<Dtype> {
    static constexpr const char* names[] = {"bfloat16", "float16", "float32"};
};
template <>
struct EnumNames<RewardKind> {
    static constexpr const char* names[] = {"majority_vote", "accuracy", "sft"};
};
template <>
struct EnumNames<KlEstimatorKind> {
    static constexpr const char* names[] = {"k1", "k2", "k3"};
};
template <>
struct EnumNames<LossAgg> {
    static constexpr const char* names[] = {"token-mean", "seq-mean-token-mean",
                                            "seq-mean-token-sum-norm"};
};
template <>
struct EnumNames<VotePolicyKind> {
    static constexpr const char* names[] = {"abstain", "reference"};
};
template <>
struct EnumNames<BadImagePolicy> {
    static constexpr const char* names[] = {"skip", "error"};
};
template <>
struct EnumNames<ImageCheck> {
    static constexpr const char* names[] = {"header", "decode"};
};
template <>
struct EnumNames<VoteSource> {
    static constexpr const char* names[] = {"policy", "reference", "ema"};
};
template <>
struct EnumNames<CollapseAction> {
    static constexpr const char* names[] = {"warn", "stop", "rollback", "off"};
};

template <class E>
const char* enum_name(E v) {
    return EnumNames<E>::names[static_cast<std::size_t>(v)];
}

}  // namespace

const char* to_string(Dtype v) { return enum_name(v); }
std::optional<Dtype> parse_dtype_name(std::string_view name) {
    for (std::size_t i = 0; i < std::size(EnumNames<Dtype>::names); ++i)
        if (name == EnumNames<Dtype>::names[i]) return static_cast<Dtype>(i);
    return std::nullopt;
}
const char* to_string(RewardKind v) { return enum_name(v); }
const char* to_string(KlEstimatorKind v) { return enum_name(v); }
const char* to_string(LossAgg v) { return enum_name(v); }
const char* to_string(VotePolicyKind v) { return enum_name(v); }
const char* to_string(BadImagePolicy v) { return enum_name(v); }
const char* to_string(ImageCheck v) { return enum_name(v); }
const char* to_string(VoteSource v) { return enum_name(v); }
const char* to_string(CollapseAction v) { return enum_name(v); }

const char* to_string(FieldType t) {
    switch (t) {
        case FieldType::boolean:
            return "bool";
        case FieldType::integer:
            return "int";
        case FieldType::real:
            return "float";
        case FieldType::string:
            return "string";
        case FieldType::string_list:
            return "list<string>";
        case FieldType::real_list:
            return "list<float>";
        case FieldType::choice:
            return "choice";
    }
    return "?";
}

namespace config_detail {
namespace {

// Builder for the per-field metadata the member itself cannot carry.
struct Spec {
    FieldInfo info;
    std::function<bool(const std::string&)> accepts;
    std::string rule_text;
    Spec(std::string unit, std::string doc) {
        info.unit = std::move(unit);
        info.doc = std::move(doc);
    }
    Spec& ge(double v) { return info.min = v, info.min_open = false, *this; }
    Spec& gt(double v) { return info.min = v, info.min_open = true, *this; }
    Spec& le(double v) { return info.max = v, info.max_open = false, *this; }
    Spec& lt(double v) { return info.max = v, info.max_open = true, *this; }
    Spec& size(std::size_t n) { return info.list_size = n, *this; }
    Spec& required() { return info.required = true, *this; }
    Spec& rule(std::string text, std::function<bool(const std::string&)> fn) {
        rule_text = std::move(text);
        accepts = std::move(fn);
        return *this;
    }
};

std::string format_bound(double v, bool integer) {
    if (integer) return std::to_string(static_cast<long long>(v));
    std::string s = format_real(v);
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
}

std::string range_text(const FieldInfo& f, const std::string& rule) {
    if (!rule.empty()) return rule;
    if (f.type == FieldType::boolean) return "true | false";
    if (f.type == FieldType::choice) {
        std::string s = "one of: ";
        for (std::size_t i = 0; i < f.choices.size(); ++i) s += (i ? " | " : "") + f.choices[i];
        return s;
    }
    bool integer = f.type == FieldType::integer;
    std::string num;
    if (f.min && f.max) {
        num = std::string(f.min_open ? "(" : "[") + format_bound(*f.min, integer) + ", " +
              format_bound(*f.max, integer) + (f.max_open ? ")" : "]");
    } else if (f.min) {
        num = std::string(f.min_open ? "> " : ">= ") + format_bound(*f.min, integer);
    } else if (f.max) {
        num = std::string(f.max_open ? "< " : "<= ") + format_bound(*f.max, integer);
    }
    if (f.type == FieldType::real_list) {
        std::string n = f.list_size ? std::to_string(*f.list_size) + " numbers" : "numbers";
        return num.empty() ? n : n + " in " + num;
    }
    if (f.type == FieldType::string_list) return "list of paths";
    return num.empty() ? "any" : num;
}

template <class T>
constexpr FieldType type_of() {
    if constexpr (std::is_same_v<T, bool>) return FieldType::boolean;
    if constexpr (std::is_same_v<T, std::int64_t>) return FieldType::integer;
    if constexpr (std::is_same_v<T, double>) return FieldType::real;
    if constexpr (std::is_same_v<T, std::string>) return FieldType::string;
    if constexpr (std::is_same_v<T, std::vector<std::string>>) return FieldType::string_list;
    if constexpr (std::is_same_v<T, std::vector<double>>) return FieldType::real_list;
    if constexpr (std::is_enum_v<T>) return FieldType::choice;
}

// `ref` is a generic lambda returning a reference to the member for a (const) RunConfig.
template <class Ref>
Field make_field(const char* key, Ref ref, Spec spec) {
    using T = std::remove_cv_t<std::remove_reference_t<decltype(ref(std::declval<RunConfig&>()))>>;
    Field f;
    f.info = std::move(spec.info);
    f.info.key = key;
    f.info.section = f.info.key.substr(0, f.info.key.find('.'));
    f.info.type = type_of<T>();
    f.accepts = std::move(spec.accepts);
    if constexpr (std::is_enum_v<T>) {
        for (const char* n : EnumNames<T>::names) f.info.choices.emplace_back(n);
        f.get = [ref](const RunConfig& c) { return FieldValue(std::string(enum_name(ref(c)))); };
        f.set = [ref](RunConfig& c, const FieldValue& v) {
            const auto& s = std::get<std::string>(v);
            const auto& names = EnumNames<T>::names;
            for (std::size_t i = 0; i < std::size(names); ++i)
                if (s == names[i]) ref(c) = static_cast<T>(i);
        };
    } else {
        f.get = [ref](const RunConfig& c) { return FieldValue(ref(c)); };
        f.set = [ref](RunConfig& c, const FieldValue& v) { ref(c) = std::get<T>(v); };
    }
    f.info.range = range_text(f.info, spec.rule_text);
    f.info.default_value = format_value(f.get(RunConfig{}));
    return f;
}

// Key from the member path, so the two cannot drift apart.
#define MMUPT_FIELD(section, name) \
#section "." #name, [](auto& c) -> auto& { return c.section.name; }

bool nonempty(const std::string& s) { return !s.empty(); }

bool valid_regex(const std::string& s) {
    try {
        std::regex re(s, std::regex::ECMAScript);
        return !s.empty();
    } catch (const std::regex_error&) {
        return false;
    }
}

// trainer.best_metric: the accuracies a validation reports (trainer_step.cpp), or none.
const char* const kBestMetrics[] = {"val/sampled_accuracy", "val/greedy_accuracy",
                                    "val/maj_accuracy", "none"};
bool best_metric_ok(const std::string& s) {
    return std::find(std::begin(kBestMetrics), std::end(kBestMetrics), s) != std::end(kBestMetrics);
}
std::string best_metric_rule() {
    std::string s;
    for (const char* c : kBestMetrics) s += (s.empty() ? "" : " | ") + std::string(c);
    return s;
}

bool device_ok(const std::string& s) {
    if (s == "auto" || s == "cpu" || s == "cuda") return true;
    if (s.rfind("cuda:", 0) != 0 || s.size() == 5) return false;
    return std::all_of(s.begin() + 5, s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

std::vector<Field> build_fields() {
    const double kMaxTokens = 131072;
    return {
        // model
        make_field(MMUPT_FIELD(model, path),
                   Spec("", "Hugging Face model directory (config.json, safetensors, tokenizer)")
                       .required()),
        make_field(MMUPT_FIELD(model, dtype), Spec("", "parameter and compute dtype")),
        make_field(MMUPT_FIELD(model, device),
                   Spec("", "device to train on; auto = cuda:0 when available, else cpu")
                       .rule("auto | cpu | cuda | cuda:N", device_ok)),
        make_field(MMUPT_FIELD(model, freeze_vision),
                   Spec("", "freeze the vision tower (paper: trainable)")),
        make_field(MMUPT_FIELD(model, gradient_checkpointing),
                   Spec("", "recompute activations in backward to save memory")),
        make_field(MMUPT_FIELD(model, lora.enabled),
                   Spec("",
                        "train LoRA adapters (PEFT-compatible) instead of all weights; the "
                        "vision tower stays frozen")),
        make_field(MMUPT_FIELD(model, lora.rank),
                   Spec("", "LoRA rank r (PEFT's r)").ge(1).le(4096)),
        make_field(MMUPT_FIELD(model, lora.alpha),
                   Spec("", "LoRA alpha; the adapter output is scaled by alpha / rank").gt(0)),
        make_field(MMUPT_FIELD(model, lora.dropout),
                   Spec("", "dropout on the adapter input while training").ge(0).lt(1)),
        make_field(MMUPT_FIELD(model, lora.target_modules),
                   Spec("",
                        "regex matched in full against module names "
                        "(model.language_model.layers.N.self_attn.q_proj); default: the "
                        "language model's q/k/v/o/gate/up/down projections")
                       .rule("a regular expression", valid_regex)),
        make_field(MMUPT_FIELD(model, lora.adapter_path),
                   Spec("",
                        "PEFT adapter directory (adapter_config.json + "
                        "adapter_model.safetensors) to start from; \"\" = new adapters")),
        // data
        make_field(MMUPT_FIELD(data, train_files),
                   Spec("", "training sources: .jsonl / .json files or image folders").required()),
        make_field(MMUPT_FIELD(data, val_files),
                   Spec("", "validation sources (same formats); labels used for evaluation only")),
        make_field(MMUPT_FIELD(data, prompt_key),
                   Spec("", "record key of the question; at the default, \"question\" is tried too")
                       .rule("non-empty", nonempty)),
        make_field(
            MMUPT_FIELD(data, answer_key),
            Spec("", "record key of the optional answer: a hidden label, never a reward input")
                .rule("non-empty", nonempty)),
        make_field(MMUPT_FIELD(data, image_key),
                   Spec("",
                        "record key of an image path or list of paths, relative to the file; "
                        "at the default, \"image\" is tried too")
                       .rule("non-empty", nonempty)),
        make_field(MMUPT_FIELD(data, choices_key),
                   Spec("",
                        "record key of optional multiple-choice options; at the default, "
                        "\"options\" is tried too")
                       .rule("non-empty", nonempty)),
        make_field(
            MMUPT_FIELD(data, format_prompt),
            Spec("", "appended to each question after a space (paper's prompt); may be empty")),
        make_field(MMUPT_FIELD(data, image_folder_template),
                   Spec("",
                        "question for images from a plain folder; {name} = file name, "
                        "{stem} = name without extension")
                       .rule("non-empty", nonempty)),
        make_field(
            MMUPT_FIELD(data, min_pixels),
            Spec("pixels", "images smaller than this are upscaled (paper: 262144 = 512²)").ge(784)),
        make_field(
            MMUPT_FIELD(data, max_pixels),
            Spec("pixels", "images larger than this are downscaled (paper: 1204224)").ge(784)),
        make_field(MMUPT_FIELD(data, max_prompt_length),
                   Spec("tokens", "longest prompt incl. image tokens (paper: 2048)")
                       .ge(16)
                       .le(kMaxTokens)),
        make_field(MMUPT_FIELD(data, on_bad_image),
                   Spec("",
                        "missing / corrupt / oversized image: skip the example (counted and "
                        "warned) or stop with an error")),
        make_field(MMUPT_FIELD(data, image_check),
                   Spec("",
                        "header = format, size and end marker only; decode = also decode "
                        "(reduced size) to prove the image readable")),
        make_field(MMUPT_FIELD(data, max_image_bytes),
                   Spec("bytes", "image files larger than this count as oversized").ge(1)),
        make_field(
            MMUPT_FIELD(data, max_image_pixels),
            Spec("pixels", "images with more pixels (width*height) count as oversized").ge(1)),
        make_field(MMUPT_FIELD(data, max_examples),
                   Spec("examples", "keep only the first N examples of each split; 0 = all").ge(0)),
        make_field(MMUPT_FIELD(data, shuffle),
                   Spec("", "reshuffle the training order each epoch, by (trainer.seed, epoch)")),
        // rollout
        make_field(MMUPT_FIELD(rollout, n),
                   Spec("responses", "G: responses sampled per prompt (paper: 10)").ge(1).le(1024)),
        make_field(MMUPT_FIELD(rollout, temperature),
                   Spec("", "sampling temperature (paper: 0.7); 0 = greedy").ge(0).le(10)),
        make_field(MMUPT_FIELD(rollout, top_p),
                   Spec("", "nucleus sampling mass (paper: 0.99)").gt(0).le(1)),
        make_field(MMUPT_FIELD(rollout, top_k),
                   Spec("tokens", "keep the k most likely tokens; 0 = disabled (paper)").ge(0)),
        make_field(MMUPT_FIELD(rollout, max_new_tokens),
                   Spec("tokens", "longest response (paper: 2048)").ge(1).le(kMaxTokens)),
        make_field(
            MMUPT_FIELD(rollout, seed),
            Spec("", "base of per-sample seeds (step, prompt, sample); -1 = trainer.seed").ge(-1)),
        make_field(MMUPT_FIELD(rollout, val_temperature),
                   Spec("", "temperature for validation; 0 = greedy").ge(0).le(10)),
        make_field(MMUPT_FIELD(rollout, vote_n),
                   Spec("responses",
                        "voters per prompt (TTRL: vote over more samples than are trained on); "
                        "0 = rollout.n; with algorithm.vote_source = reference / ema, the "
                        "teacher's samples")
                       .ge(0)
                       .le(1024)),
        // algorithm
        make_field(MMUPT_FIELD(algorithm, reward),
                   Spec("",
                        "majority_vote = MM-UPT self-reward; accuracy = supervised GRPO on "
                        "labels (baseline); sft = label likelihood (baseline)")),
        make_field(MMUPT_FIELD(algorithm, kl_coef),
                   Spec("",
                        "weight of the KL-to-initial-model loss (paper: 1e-2); 0 = no "
                        "reference model")
                       .ge(0)
                       .le(10)),
        make_field(MMUPT_FIELD(algorithm, entropy_coef),
                   Spec("",
                        "weight of the entropy term: the loss gets - coef x the token entropy, "
                        "aggregated like the loss; > 0 is a bonus that resists collapse, < 0 "
                        "minimises entropy (sharpens toward the policy's mode); 0 = off (paper)")
                       .ge(-10)
                       .le(10)),
        make_field(MMUPT_FIELD(algorithm, kl_estimator),
                   Spec("", "per-token KL estimator; k3 = low_var_kl (paper)")),
        make_field(MMUPT_FIELD(algorithm, kl_clamp),
                   Spec("nats", "per-token KL clamped to [-c, c] (paper: 10)").gt(0)),
        make_field(MMUPT_FIELD(algorithm, clip_ratio_low),
                   Spec("", "PPO ratio lower clip 1 - low (paper: 0.2)").ge(0).lt(1)),
        make_field(
            MMUPT_FIELD(algorithm, clip_ratio_high),
            Spec("", "PPO ratio upper clip 1 + high (paper: 0.3, clip-higher)").ge(0).le(10)),
        make_field(MMUPT_FIELD(algorithm, dual_clip),
                   Spec("", "dual-clip bound for negative advantages (paper: 3.0)").gt(1).le(100)),
        make_field(
            MMUPT_FIELD(algorithm, loss_agg),
            Spec("", "how token losses are averaged (paper: token-mean over the mini-batch)")),
        make_field(MMUPT_FIELD(algorithm, norm_adv_by_std),
                   Spec("", "GRPO: divide group-centred rewards by the group std + 1e-6 (paper)")),
        make_field(MMUPT_FIELD(algorithm, vote_policy),
                   Spec("",
                        "abstain = responses without an answer earn 0 and never win the vote; "
                        "reference = the authors' code (\"None\" can win)")),
        make_field(MMUPT_FIELD(algorithm, agreement_threshold),
                   Spec("", "SRT tau: reward a group only when majority share >= tau; 0 = off")
                       .ge(0)
                       .le(1)),
        make_field(
            MMUPT_FIELD(algorithm, soft_reward),
            Spec("", "reward = share of the group giving the same answer (SRT soft reward)")),
        make_field(MMUPT_FIELD(algorithm, skip_uniform_groups),
                   Spec("", "drop groups whose rewards are all equal from the loss (DAPO)")),
        make_field(MMUPT_FIELD(algorithm, vote_source),
                   Spec("",
                        "policy = the trained model's own samples vote (MM-UPT); reference = the "
                        "frozen initial model's samples vote and the policy is rewarded for "
                        "matching them (a teacher that cannot collapse, Co-rewarding); ema = the "
                        "same with a slowly updated teacher, an EMA of the policy")),
        make_field(MMUPT_FIELD(algorithm, teacher_ema_decay),
                   Spec("",
                        "vote_source = ema: after each optimizer update teacher = decay x teacher "
                        "+ (1 - decay) x policy; 0.99 follows the policy over ~100 updates")
                       .gt(0)
                       .lt(1)),
        make_field(MMUPT_FIELD(algorithm, teacher_temperature),
                   Spec("",
                        "vote_source = reference / ema: sampling temperature of the teacher's "
                        "voting samples (0 = rollout.temperature). Lower, its majority nears its "
                        "greedy answer, which a weak model gets right more often than its "
                        "samples' majority; the policy still samples at rollout.temperature")
                       .ge(0)
                       .le(4)),
        // optim
        make_field(
            MMUPT_FIELD(optim, lr),
            Spec("", "AdamW learning rate, constant after warmup (paper: 1e-6)").gt(0).le(1)),
        make_field(MMUPT_FIELD(optim, weight_decay),
                   Spec("", "AdamW decoupled weight decay (paper: 1e-2)").ge(0).le(1)),
        make_field(MMUPT_FIELD(optim, betas),
                   Spec("", "AdamW (beta1, beta2) (paper: [0.9, 0.999])").size(2).ge(0).lt(1)),
        make_field(MMUPT_FIELD(optim, eps), Spec("", "AdamW epsilon").gt(0).le(1)),
        make_field(
            MMUPT_FIELD(optim, grad_clip),
            Spec("", "clip the global gradient L2 norm to this (paper: 1.0); 0 = off").ge(0)),
        make_field(MMUPT_FIELD(optim, warmup_steps),
                   Spec("optimizer steps", "linear learning-rate warmup (paper: 0)").ge(0)),
        // trainer
        make_field(MMUPT_FIELD(trainer, rollout_batch_size),
                   Spec("prompts", "prompts per step (paper: 512; scaled for one GPU)").ge(1)),
        make_field(MMUPT_FIELD(trainer, mini_batch_size),
                   Spec("prompts",
                        "prompts per optimizer update (paper: 128); must divide "
                        "rollout_batch_size")
                       .ge(1)),
        make_field(MMUPT_FIELD(trainer, micro_batch_size),
                   Spec("responses",
                        "responses per forward/backward pass (gradient "
                        "accumulation); must divide mini_batch_size * rollout.n")
                       .ge(1)),
        make_field(MMUPT_FIELD(trainer, ppo_epochs),
                   Spec("", "passes over each rollout batch (paper: 1)").ge(1).le(100)),
        make_field(MMUPT_FIELD(trainer, epochs),
                   Spec("", "passes over the training data (paper: 15)").ge(1)),
        make_field(MMUPT_FIELD(trainer, max_steps),
                   Spec("steps", "stop after this many steps; 0 = when `epochs` are done").ge(0)),
        make_field(MMUPT_FIELD(trainer, save_every),
                   Spec("steps", "checkpoint period; 0 = only at the end").ge(0)),
        make_field(MMUPT_FIELD(trainer, keep_last),
                   Spec("checkpoints", "keep the newest N checkpoints; 0 = keep all").ge(0)),
        make_field(MMUPT_FIELD(trainer, log_every),
                   Spec("steps", "log-line period (metrics.jsonl gets every step)").ge(1)),
        make_field(MMUPT_FIELD(trainer, val_every),
                   Spec("steps", "validation period on data.val_files; 0 = never").ge(0)),
        make_field(MMUPT_FIELD(trainer, best_metric),
                   Spec("",
                        "with val_every > 0: the validation metric whose best step is kept as "
                        "a checkpoint (never pruned) and named in best.json; greedy validation "
                        "(rollout.val_temperature = 0) measures only val/greedy_accuracy, "
                        "which is then used; none = no selection")
                       .rule(best_metric_rule(), best_metric_ok)),
        make_field(MMUPT_FIELD(trainer, output_dir),
                   Spec("", "the run directory: config.yaml, metrics.jsonl, checkpoints")
                       .rule("non-empty", nonempty)),
        make_field(MMUPT_FIELD(trainer, seed),
                   Spec("", "seed of data order, sampling and initialisation").ge(0)),
        make_field(MMUPT_FIELD(trainer, threads),
                   Spec("threads", "CPU threads for intra-op work; 0 = all cores").ge(0).le(1024)),
        make_field(MMUPT_FIELD(trainer, max_bad_steps),
                   Spec("steps",
                        "fail the run after this many consecutive steps whose loss or gradient "
                        "norm was not finite (each is skipped and logged)")
                       .ge(1)),
        make_field(MMUPT_FIELD(trainer, dist_timeout_s),
                   Spec("s",
                        "data-parallel runs (--nproc, torchrun, srun): how long a rank waits "
                        "for the others at the rendezvous and in each collective before it "
                        "fails naming the rank that died or hung")
                       .ge(1)
                       .le(86400)),
        // collapse
        make_field(MMUPT_FIELD(collapse, alarm),
                   Spec("",
                        "what the collapse alarm does when it fires: warn (log, alarms.jsonl), "
                        "stop (checkpoint and end), rollback (back to the last checkpoint before "
                        "the alarm, lr lowered), off (signals only)")),
        make_field(MMUPT_FIELD(collapse, baseline_steps),
                   Spec("steps", "the run's first steps, whose mean signals are the baseline")
                       .ge(1)
                       .le(1000)),
        make_field(MMUPT_FIELD(collapse, window),
                   Spec("steps", "recent steps averaged before comparing with the baseline")
                       .ge(1)
                       .le(1000)),
        make_field(MMUPT_FIELD(collapse, threshold),
                   Spec("",
                        "collapse/score (0..1) at which the alarm fires; 0 = at the first step "
                        "after the baseline (a dry run of the action)")
                       .ge(0)
                       .le(1)),
        make_field(MMUPT_FIELD(collapse, patience),
                   Spec("steps", "consecutive steps at or above the threshold before it fires")
                       .ge(1)
                       .le(1000)),
        make_field(MMUPT_FIELD(collapse, rollback_lr_factor),
                   Spec("", "rollback: the learning rate is multiplied by this").gt(0).lt(1)),
        make_field(MMUPT_FIELD(collapse, max_rollbacks),
                   Spec("", "rollbacks allowed per run; the next firing stops the run").ge(0)),
        make_field(MMUPT_FIELD(collapse, reference_samples),
                   Spec("samples",
                        "answers sampled from the frozen reference per prompt and step for "
                        "collapse/reference_drift (one more rollout of that size per step; 0 = "
                        "off; free when algorithm.vote_source = reference)")
                       .ge(0)
                       .le(1024)),
        make_field(MMUPT_FIELD(collapse, drift_threshold),
                   Spec("",
                        "rise of collapse/reference_drift over its baseline at which the alarm "
                        "fires (like collapse.threshold for the score)")
                       .gt(0)
                       .le(1)),
    };
}

}  // namespace

const std::vector<Field>& fields() {
    static const std::vector<Field> table = build_fields();
    return table;
}

const Field* find(const std::string& key) {
    for (const auto& f : fields())
        if (f.info.key == key) return &f;
    return nullptr;
}

}  // namespace config_detail

const std::vector<FieldInfo>& config_schema() {
    static const std::vector<FieldInfo> infos = [] {
        std::vector<FieldInfo> v;
        for (const auto& f : config_detail::fields()) v.push_back(f.info);
        return v;
    }();
    return infos;
}

const FieldInfo* find_field(const std::string& key) {
    const auto* f = config_detail::find(key);
    return f ? &f->info : nullptr;
}

namespace {
const config_detail::Field& require_field(const std::string& key) {
    const auto* f = config_detail::find(key);
    if (f) return *f;
    std::string hint = suggest_key(key);
    throw ConfigError("unknown config key '" + key + "'" +
                      (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                      "; see docs/config.md or `mmupt config --docs`");
}
}  // namespace

std::string get_field(const RunConfig& config, const std::string& key) {
    return config_detail::format_value(require_field(key).get(config));
}

void set_field(RunConfig& config, const std::string& key, const std::string& value) {
    const auto& f = require_field(key);
    f.set(config, config_detail::parse_text(f, value, key));
}

void apply_override(RunConfig& config, const std::string& assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigError("--set '" + assignment + "': expected key=value, e.g. rollout.n=8");
    set_field(config, assignment.substr(0, eq), assignment.substr(eq + 1));
}

bool operator==(const RunConfig& a, const RunConfig& b) {
    for (const auto& f : config_detail::fields())
        if (f.get(a) != f.get(b)) return false;
    return true;
}

}  // namespace mmupt
