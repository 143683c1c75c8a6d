// Interim field table (mirrors branch `config`'s RunConfig; see config_fields.h) and checks.
#include "ui/config_fields.h"

#include <QObject>
#include <cmath>

namespace mmupt::ui {

namespace {
using T = ConfigFieldSpec::Type;

ConfigFieldSpec f(const char* key, T type, const char* def, const char* doc,
                  std::optional<double> min = std::nullopt,
                  std::optional<double> max = std::nullopt, QStringList choices = {}) {
    ConfigFieldSpec s{key, type, def, doc, {}, min, max, choices};
    if (!choices.isEmpty())
        s.range = QObject::tr("one of: %1").arg(choices.join(" | "));
    else if (min && max)
        s.range = QStringLiteral("[%1, %2]").arg(*min).arg(*max);
    else if (min)
        s.range = QStringLiteral(">= %1").arg(*min);
    return s;
}
}  // namespace

const std::vector<ConfigFieldSpec>& builtinConfigFields() {
    static const std::vector<ConfigFieldSpec> fields = {
        f("model.path", T::string, "",
          "Hugging Face model directory (config.json, safetensors, "
          "tokenizer)"),
        f("model.dtype", T::choice, "bfloat16", "parameter and compute dtype", {}, {},
          {"bfloat16", "float16", "float32"}),
        f("model.device", T::string, "auto", "auto | cpu | cuda | cuda:N"),
        f("model.freeze_vision", T::boolean, "false", "freeze the vision tower (paper: trainable)"),
        f("model.gradient_checkpointing", T::boolean, "true",
          "recompute activations in backward to save memory"),
        f("data.train_files", T::list, "[]",
          "training sources: .jsonl / .json files or image "
          "folders"),
        f("data.val_files", T::list, "[]", "validation sources; labels used for evaluation only"),
        f("data.prompt_key", T::string, "problem", "record key of the question"),
        f("data.answer_key", T::string, "answer",
          "record key of the hidden label (never a reward "
          "input)"),
        f("data.image_key", T::string, "images", "record key of an image path or list of paths"),
        f("data.format_prompt", T::string,
          "Please reason step by step, and put your final answer within \\boxed{}.",
          "appended to each question after a space (paper's prompt)"),
        f("data.min_pixels", T::integer, "262144", "images smaller are upscaled (pixels)", 784),
        f("data.max_pixels", T::integer, "1204224", "images larger are downscaled (pixels)", 784),
        f("data.max_prompt_length", T::integer, "2048", "longest prompt incl. image tokens", 16,
          131072),
        f("data.max_examples", T::integer, "0", "keep only the first N examples; 0 = all", 0),
        f("rollout.n", T::integer, "10", "G: responses sampled per prompt (paper: 10)", 2, 256),
        f("rollout.temperature", T::real, "0.7", "sampling temperature (paper: 0.7)", 0, 2),
        f("rollout.top_p", T::real, "0.99", "nucleus mass (paper: 0.99)", 0, 1),
        f("rollout.max_new_tokens", T::integer, "2048", "tokens per response", 1, 131072),
        f("algorithm.reward", T::choice, "majority_vote", "reward function", {}, {},
          {"majority_vote", "accuracy", "sft"}),
        f("algorithm.kl_coef", T::real, "0.01",
          "KL-in-loss coefficient; 0 disables the "
          "reference",
          0),
        f("algorithm.clip_ratio_low", T::real, "0.2", "ratio lower bound 1 - low", 0, 1),
        f("algorithm.clip_ratio_high", T::real, "0.3", "ratio upper bound 1 + high", 0, 10),
        f("algorithm.vote_policy", T::choice, "abstain",
          "abstain: no answer earns 0; reference: 'None' may win the vote (replication)", {}, {},
          {"abstain", "reference"}),
        f("algorithm.agreement_threshold", T::real, "0",
          "SRT tau: min majority share to reward; 0 = off", 0, 1),
        f("algorithm.soft_reward", T::boolean, "false", "reward = share of the answer's cluster"),
        f("algorithm.skip_uniform_groups", T::boolean, "false",
          "drop groups whose rewards are all equal"),
        f("optim.lr", T::real, "1e-06", "AdamW learning rate (paper: 1e-6)", 0, 1),
        f("optim.weight_decay", T::real, "0.01", "AdamW weight decay", 0, 1),
        f("optim.grad_clip", T::real, "1", "global L2 norm clip; 0 = off", 0),
        f("trainer.rollout_batch_size", T::integer, "16", "prompts per step (paper: 512)", 1),
        f("trainer.mini_batch_size", T::integer, "4", "prompts per optimizer update", 1),
        f("trainer.epochs", T::integer, "15", "passes over the training data", 1),
        f("trainer.max_steps", T::integer, "0", "steps; 0 = until `epochs` are done", 0),
        f("trainer.save_every", T::integer, "50", "steps between checkpoints; 0 = final only", 0),
        f("trainer.keep_last", T::integer, "3", "checkpoints kept; 0 = all", 0),
        f("trainer.output_dir", T::string, "runs/mmupt", "the run directory"),
        f("trainer.seed", T::integer, "1", "random seed"),
    };
    return fields;
}

QString checkFieldValue(const ConfigFieldSpec& field, const QString& text) {
    QString t = text.trimmed();
    bool ok = true;
    double v = 0.0;
    switch (field.type) {
        case T::boolean:
            if (t != "true" && t != "false")
                return QObject::tr("%1: '%2' is not true or false").arg(field.key, text);
            return {};
        case T::integer:
            v = static_cast<double>(t.toLongLong(&ok));
            break;
        case T::real:
            v = t.toDouble(&ok);
            ok = ok && std::isfinite(v);
            break;
        case T::choice:
            if (!field.choices.contains(t))
                return QObject::tr("%1: '%2' is not one of %3")
                    .arg(field.key, text, field.choices.join(", "));
            return {};
        case T::string:
        case T::list:
            return {};
    }
    if (!ok)
        return QObject::tr("%1: '%2' is not a%3 number")
            .arg(field.key, text, field.type == T::integer ? "n integer" : "");
    if ((field.min && v < *field.min) || (field.max && v > *field.max))
        return QObject::tr("%1: %2 is outside %3").arg(field.key, text, field.range);
    return {};
}

}  // namespace mmupt::ui
