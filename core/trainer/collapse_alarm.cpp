// Baselines, trend, score and firing of the collapse alarm (collapse_alarm.h).
#include "core/trainer/collapse_alarm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/util/errors.h"

namespace mmupt {
namespace {

using nlohmann::json;
using Field = double CollapseRecord::*;

constexpr size_t kMinSlopeSteps = 5;  // baseline steps needed to extrapolate the entropy trend

double nan() { return std::nan(""); }
double clamp01(double v) { return std::isfinite(v) ? std::min(1.0, std::max(0.0, v)) : nan(); }

// Mean of `field` over `records`, skipping NaN; NaN when none is finite.
double mean(const std::vector<CollapseRecord>& records, Field field) {
    double sum = 0;
    int n = 0;
    for (const auto& r : records)
        if (std::isfinite(r.*field)) sum += r.*field, ++n;
    return n ? sum / n : nan();
}

// Least-squares slope of `field` against the step (0 with fewer than two finite points).
double slope(const std::vector<CollapseRecord>& records, Field field) {
    double n = 0, st = 0, sv = 0, stt = 0, stv = 0;
    for (const auto& r : records) {
        if (!std::isfinite(r.*field)) continue;
        const double t = r.step, v = r.*field;
        n += 1, st += t, sv += v, stt += t * t, stv += t * v;
    }
    const double den = n * stt - st * st;
    return n >= 2 && den > 0 ? (n * stv - st * sv) / den : 0.0;
}

// Median of `field` over `records`, skipping NaN; NaN when none is finite.
double median(const std::vector<CollapseRecord>& records, Field field) {
    std::vector<double> v;
    for (const auto& r : records)
        if (std::isfinite(r.*field)) v.push_back(r.*field);
    if (v.empty()) return nan();
    std::sort(v.begin(), v.end());
    const size_t h = v.size() / 2;
    return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
}

double mean_step(const std::vector<CollapseRecord>& records) {
    double s = 0;
    for (const auto& r : records) s += r.step;
    return records.empty() ? 0.0 : s / static_cast<double>(records.size());
}

std::string fmt(const char* pattern, double a, double b) {
    char line[200];
    std::snprintf(line, sizeof line, pattern, a, b);
    return line;
}

json record_json(const CollapseRecord& r) {
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    return {{"step", r.step},
            {"answer_entropy", num(r.answer_entropy)},
            {"distinct_share", num(r.distinct_share)},
            {"same_answer_rate", num(r.same_answer_rate)},
            {"contradiction_rate", num(r.contradiction_rate)},
            {"token_entropy", num(r.token_entropy)},
            {"majority_ratio", num(r.majority_ratio)},
            {"reference_drift", num(r.reference_drift)}};
}

CollapseRecord record_from_json(const json& j) {
    auto num = [&](const char* key) {
        const json& v = j.at(key);
        return v.is_null() ? nan() : v.get<double>();
    };
    CollapseRecord r;
    r.step = j.at("step").get<int>();
    r.answer_entropy = num("answer_entropy");
    r.distinct_share = num("distinct_share");
    r.same_answer_rate = num("same_answer_rate");
    r.contradiction_rate = num("contradiction_rate");
    r.token_entropy = num("token_entropy");
    r.majority_ratio = num("majority_ratio");
    // Absent in checkpoints written before the signal existed: not measured then.
    r.reference_drift = j.contains("reference_drift") ? num("reference_drift") : nan();
    return r;
}

}  // namespace

json to_json(const CollapseState& s) {
    json baseline = json::array(), recent = json::array();
    for (const auto& r : s.baseline) baseline.push_back(record_json(r));
    for (const auto& r : s.recent) recent.push_back(record_json(r));
    return {{"baseline", baseline}, {"recent", recent},         {"above", s.above},
            {"armed", s.armed},     {"rollbacks", s.rollbacks}, {"lr_scale", s.lr_scale}};
}

CollapseState collapse_state_from_json(const json& j, const std::string& source) {
    CollapseState s;
    try {
        for (const auto& r : j.at("baseline")) s.baseline.push_back(record_from_json(r));
        for (const auto& r : j.at("recent")) s.recent.push_back(record_from_json(r));
        s.above = j.at("above").get<int>();
        s.armed = j.at("armed").get<bool>();
        s.rollbacks = j.at("rollbacks").get<int>();
        s.lr_scale = j.at("lr_scale").get<double>();
    } catch (const json::exception& e) {
        throw CheckpointError(source + ": malformed \"collapse\" block (" + e.what() + ")");
    }
    if (!(s.lr_scale > 0 && s.lr_scale <= 1))
        throw CheckpointError(source + ": collapse.lr_scale must be in (0, 1], got " +
                              std::to_string(s.lr_scale));
    return s;
}

CollapseConfig effective_collapse_config(const RunConfig& config) {
    CollapseConfig c = config.collapse;
    if (config.algorithm.reward != RewardKind::majority_vote) c.alarm = CollapseAction::off;
    if (config.algorithm.vote_source == VoteSource::reference)
        c.drift_threshold = std::numeric_limits<double>::infinity();
    return c;
}

CollapseVerdict observe_collapse(CollapseState& state, const CollapseRecord& record,
                                 const CollapseConfig& config) {
    if (static_cast<int64_t>(state.baseline.size()) < config.baseline_steps)
        state.baseline.push_back(record);
    state.recent.push_back(record);
    while (static_cast<int64_t>(state.recent.size()) > config.window)
        state.recent.erase(state.recent.begin());

    CollapseVerdict v;
    v.metrics["collapse/answer_entropy"] = record.answer_entropy;
    v.metrics["collapse/distinct_share"] = record.distinct_share;
    v.metrics["collapse/same_answer_rate"] = record.same_answer_rate;
    v.metrics["collapse/contradiction_rate"] = record.contradiction_rate;
    v.metrics["collapse/entropy_trend"] = 0.0;
    v.metrics["collapse/reference_drift"] = record.reference_drift;
    v.metrics["collapse/drift_rise"] = 0.0;
    v.metrics["collapse/score"] = 0.0;
    v.metrics["collapse/alarm"] = 0.0;
    // Nothing to compare with until the baseline steps are done (and the step after them).
    if (static_cast<int64_t>(state.baseline.size()) < config.baseline_steps ||
        record.step <= state.baseline.back().step)
        return v;

    const auto& b = state.baseline;
    const auto& w = state.recent;
    // Entropy trend: the baseline's token entropy extrapolated linearly to the window, against
    // what the window shows, while agreement is above its baseline. Relative to the baseline.
    const double eb = mean(b, &CollapseRecord::token_entropy);
    const double ew = mean(w, &CollapseRecord::token_entropy);
    const double ab = mean(b, &CollapseRecord::majority_ratio);
    const double aw = mean(w, &CollapseRecord::majority_ratio);
    double trend = 0.0;
    if (eb > 0 && std::isfinite(ew) && aw > ab) {
        // A slope from fewer than kMinSlopeSteps noisy steps predicts nothing: flat then.
        const double early =
            b.size() >= kMinSlopeSteps ? slope(b, &CollapseRecord::token_entropy) : 0.0;
        const double expected = std::max(0.0, eb + early * (mean_step(w) - mean_step(b)));
        trend = std::max(0.0, (expected - ew) / eb);
    }
    v.metrics["collapse/entropy_trend"] = trend;

    // Each component in [0, 1]: how far the window has moved from the baseline towards collapse.
    struct Part {
        double value;
        std::string why;
    };
    std::vector<Part> parts;
    const double hb = mean(b, &CollapseRecord::answer_entropy);
    const double hw = mean(w, &CollapseRecord::answer_entropy);
    if (hb > 0 && std::isfinite(hw))
        parts.push_back({clamp01((hb - hw) / hb),
                         fmt("the majority answers are less diverse across prompts: entropy %.2f "
                             "bits against %.2f in the first steps",
                             hw, hb)});
    const double db = mean(b, &CollapseRecord::distinct_share);
    const double dw = mean(w, &CollapseRecord::distinct_share);
    if (db > 0 && std::isfinite(dw))
        parts.push_back({clamp01((db - dw) / db),
                         fmt("distinct majority answers fell to %.0f%% of the prompts (first "
                             "steps: %.0f%%)",
                             100 * dw, 100 * db)});
    const double sb = mean(b, &CollapseRecord::same_answer_rate);
    const double sw = mean(w, &CollapseRecord::same_answer_rate);
    if (sb < 1 && std::isfinite(sb) && std::isfinite(sw))
        parts.push_back({clamp01((sw - sb) / (1 - sb)),
                         fmt("prompts with different images share their majority answer in "
                             "%.0f%% of pairs (first steps: %.0f%%)",
                             100 * sw, 100 * sb)});
    const double cb = mean(b, &CollapseRecord::contradiction_rate);
    const double cw = mean(w, &CollapseRecord::contradiction_rate);
    if (cb < 1 && std::isfinite(cw))
        parts.push_back(
            {clamp01((cw - (std::isfinite(cb) ? cb : 0.0)) / (1 - (std::isfinite(cb) ? cb : 0.0))),
             fmt("boxed answers contradict their own reasoning in %.0f%% of "
                 "checkable responses (first steps: %.0f%%)",
                 100 * cw, 100 * (std::isfinite(cb) ? cb : 0.0))});
    parts.push_back({clamp01(trend),
                     fmt("token entropy fell %.0f%% of its baseline below its early trend while "
                         "agreement rose to %.2f",
                         100 * trend, aw)});
    double sum = 0;
    for (const Part& p : parts) sum += p.value;
    v.score = sum / static_cast<double>(parts.size());
    v.metrics["collapse/score"] = v.score;

    std::stable_sort(parts.begin(), parts.end(),
                     [](const Part& x, const Part& y) { return x.value > y.value; });
    for (const Part& p : parts)
        if (p.value >= 0.1) v.reasons.push_back(p.why);

    // The drift from the reference's vote, apart from the score: it is the one signal that
    // moves when the vote wanders to wrong but still diverse, reasoned answers (docs/collapse.md).
    // The window's median, not its mean: one hard batch, where the reference's own sampled
    // majority is wrong on a few prompts the policy gets right, must not fire it.
    const double rb = mean(b, &CollapseRecord::reference_drift);
    const double rw = median(w, &CollapseRecord::reference_drift);
    const double rise = std::isfinite(rb) && std::isfinite(rw) ? rw - rb : nan();
    v.metrics["collapse/drift_rise"] = std::isfinite(rise) ? rise : nan();
    const bool drifting = std::isfinite(rise) && rise >= config.drift_threshold;
    if (std::isfinite(rise) && rise >= config.drift_threshold / 2)
        v.reasons.insert(v.reasons.begin(),
                         fmt("the policy's majority answers move away from the frozen "
                             "reference's: drift %.2f against %.2f in the first steps",
                             rw, rb));

    if (v.score >= config.threshold || drifting) {
        ++state.above;
    } else {
        state.above = 0;
        state.armed = true;
    }
    if (config.alarm != CollapseAction::off && state.armed && state.above >= config.patience) {
        v.fired = true;
        state.armed = false;
        v.metrics["collapse/alarm"] = 1.0;
        if (drifting)
            v.reasons.insert(v.reasons.begin(),
                             fmt("reference drift rose %.2f >= %.2f (collapse.drift_threshold)",
                                 rise, config.drift_threshold));
        if (v.score >= config.threshold)
            v.reasons.insert(
                v.reasons.begin(),
                fmt("collapse score %.2f >= %.2f (collapse.threshold)", v.score, config.threshold));
    }
    return v;
}

}  // namespace mmupt
