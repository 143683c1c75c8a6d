// validate(): per-field ranges from the schema table, then the cross-field rules of a GRPO run
// (batch sizes divide, pixel bounds ordered, groups of at least two). Also the "did you mean"
// key suggestion. Does not touch the file system (paths are checked when data is loaded).
#include <algorithm>
#include <cstdint>
#include <sstream>

#include "core/config/config_fields.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

using config_detail::Field;
using config_detail::FieldValue;

bool in_range(const FieldInfo& f, double v) {
    if (f.min && (f.min_open ? v <= *f.min : v < *f.min)) return false;
    if (f.max && (f.max_open ? v >= *f.max : v > *f.max)) return false;
    return true;
}

// Empty when the value is acceptable, else what is wrong (without the "key = value" prefix).
std::string field_problem(const Field& field, const FieldValue& v) {
    const FieldInfo& f = field.info;
    std::string allowed = "allowed: " + f.range;
    if (auto i = std::get_if<std::int64_t>(&v); i && !in_range(f, static_cast<double>(*i)))
        return "out of range, " + allowed;
    if (auto d = std::get_if<double>(&v); d && !in_range(f, *d)) return "out of range, " + allowed;
    if (auto s = std::get_if<std::string>(&v); s && field.accepts && !field.accepts(*s))
        return allowed;
    if (auto l = std::get_if<std::vector<double>>(&v)) {
        if (f.list_size && l->size() != *f.list_size) return "wrong length, " + allowed;
        for (double x : *l)
            if (!in_range(f, x)) return "item out of range, " + allowed;
    }
    return "";
}

bool is_empty(const FieldValue& v) {
    if (auto s = std::get_if<std::string>(&v)) return s->empty();
    if (auto l = std::get_if<std::vector<std::string>>(&v)) return l->empty();
    return false;
}

struct Issues {
    const RunConfig& c;
    std::vector<ConfigIssue> list;
    void add(const std::string& key, const std::string& message) {
        std::string value = get_field(c, key);
        list.push_back({key, value, key + " = " + (value.empty() ? "''" : value) + ": " + message});
    }
};

void cross_field_checks(const RunConfig& c, Issues& out) {
    const auto& t = c.trainer;
    if (t.mini_batch_size > t.rollout_batch_size) {
        out.add("trainer.mini_batch_size", "must be <= trainer.rollout_batch_size (" +
                                               std::to_string(t.rollout_batch_size) + " prompts)");
    } else if (t.mini_batch_size > 0 && t.rollout_batch_size % t.mini_batch_size != 0) {
        out.add("trainer.mini_batch_size",
                "must divide trainer.rollout_batch_size (" + std::to_string(t.rollout_batch_size) +
                    ") so every optimizer update sees the same number of prompts");
    }
    const std::int64_t mini_responses = t.mini_batch_size * c.rollout.n;
    if (t.micro_batch_size > 0 && mini_responses > 0 && mini_responses % t.micro_batch_size != 0) {
        out.add("trainer.micro_batch_size", "must divide trainer.mini_batch_size * rollout.n = " +
                                                std::to_string(mini_responses) + " responses");
    }
    if (c.data.min_pixels > c.data.max_pixels) {
        out.add("data.min_pixels",
                "must be <= data.max_pixels (" + std::to_string(c.data.max_pixels) + ")");
    }
    if (c.algorithm.reward != RewardKind::sft && c.rollout.n < 2) {
        out.add("rollout.n",
                "GRPO needs groups of at least 2 responses (allowed >= 2 unless "
                "algorithm.reward = sft)");
    }
    if (c.algorithm.reward != RewardKind::sft && c.rollout.temperature == 0.0 && c.rollout.n > 1) {
        out.add("rollout.temperature",
                "greedy sampling makes all rollout.n responses identical, so every group "
                "has zero reward variance; use > 0 (paper: 0.7)");
    }
    if (!c.model.lora.adapter_path.empty() && !c.model.lora.enabled) {
        out.add("model.lora.adapter_path",
                "is set but model.lora.enabled is false; set model.lora.enabled=true to "
                "train the adapter");
    }
    if (c.rollout.vote_n > 0 && c.rollout.vote_n < c.rollout.n &&
        c.algorithm.vote_source == VoteSource::policy) {
        out.add("rollout.vote_n",
                "must be 0 or >= rollout.n (" + std::to_string(c.rollout.n) +
                    "): the policy's voters are its n trained samples plus vote_n - n more");
    }
    if (c.algorithm.teacher_temperature > 0 && c.algorithm.vote_source == VoteSource::policy) {
        out.add("algorithm.teacher_temperature",
                "only applies to a teacher's votes; set algorithm.vote_source = reference or "
                "ema, or leave it at 0");
    }
    if (c.algorithm.vote_source != VoteSource::policy &&
        c.algorithm.reward != RewardKind::majority_vote) {
        out.add("algorithm.vote_source", std::string("= ") + to_string(c.algorithm.vote_source) +
                                             " is a majority-vote pseudo-label; set "
                                             "algorithm.reward = majority_vote or "
                                             "algorithm.vote_source = policy");
    }
    if (c.algorithm.reward == RewardKind::sft && c.algorithm.entropy_coef != 0) {
        out.add("algorithm.entropy_coef",
                "is a GRPO loss term and algorithm.reward = sft has no GRPO loss; set it to 0 "
                "or use algorithm.reward = majority_vote / accuracy");
    }
    if (c.collapse.window > c.collapse.baseline_steps * 100) {
        out.add("collapse.window", "must be at most 100 x collapse.baseline_steps");
    }
    if (t.val_every > 0 && c.data.val_files.empty()) {
        out.add("trainer.val_every", "validation is scheduled but data.val_files is empty");
    }
}

}  // namespace

std::vector<ConfigIssue> check_config(const RunConfig& config, bool for_training) {
    Issues out{config, {}};
    for (const auto& field : config_detail::fields()) {
        FieldValue v = field.get(config);
        if (std::string p = field_problem(field, v); !p.empty()) out.add(field.info.key, p);
        if (for_training && field.info.required && is_empty(v))
            out.add(field.info.key, "required to train (" + field.info.doc + ")");
    }
    cross_field_checks(config, out);
    return out.list;
}

void validate(const RunConfig& config, bool for_training) {
    auto issues = check_config(config, for_training);
    if (issues.empty()) return;
    std::ostringstream msg;
    msg << "invalid config (" << issues.size() << (issues.size() == 1 ? " problem" : " problems")
        << "):";
    for (const auto& i : issues) msg << "\n  " << i.message;
    throw ConfigError(msg.str());
}

std::string suggest_key(const std::string& key) {
    auto tail = [](const std::string& k) {
        auto dot = k.rfind('.');
        return dot == std::string::npos ? k : k.substr(dot + 1);
    };
    // A whole-key typo ("rollout.temprature"), the right name in the wrong or no section
    // ("lr", "trainer.lr"), or a truncated name ("mini_batch"); typos only when close relative
    // to the length.
    const std::string key_tail = tail(key);
    std::string best;
    std::size_t best_score = SIZE_MAX;
    for (const auto& f : config_detail::fields()) {
        std::size_t full = config_detail::edit_distance(key, f.info.key);
        std::size_t name = config_detail::edit_distance(key_tail, tail(f.info.key));
        std::size_t score = SIZE_MAX;
        if (full <= std::max<std::size_t>(2, key.size() / 4)) score = full;
        if (name <= std::max<std::size_t>(1, key_tail.size() / 4))
            score = std::min(score, name + 2);
        const std::string t = tail(f.info.key);
        if (key_tail.size() >= 3 && t.size() > key_tail.size() &&
            t.compare(0, key_tail.size(), key_tail) == 0)  // "mini_batch" -> "mini_batch_size"
            score = std::min(score, f.info.key.rfind(key, 0) == 0 ? std::size_t{1} : 3);
        if (score < best_score) best_score = score, best = f.info.key;
    }
    return best;
}

}  // namespace mmupt
