// The alarm over recorded metrics (collapse_replay.h).
#include "core/trainer/collapse_replay.h"

#include <cmath>

namespace mmupt {

std::optional<CollapseRecord> collapse_record_from_metrics(const StepMetrics& m) {
    if (!m.values.count("collapse/answer_entropy")) return std::nullopt;
    auto value = [&](const char* key) {
        auto it = m.values.find(key);
        return it == m.values.end() ? std::nan("") : it->second;
    };
    CollapseRecord r;
    r.step = m.step;
    r.answer_entropy = value("collapse/answer_entropy");
    r.distinct_share = value("collapse/distinct_share");
    r.same_answer_rate = value("collapse/same_answer_rate");
    r.contradiction_rate = value("collapse/contradiction_rate");
    r.token_entropy = value("actor/entropy");
    r.majority_ratio = value("vote/majority_ratio");
    r.reference_drift = value("collapse/reference_drift");
    return r;
}

std::vector<ReplayedStep> replay_collapse(const std::vector<StepMetrics>& steps,
                                          const CollapseConfig& config) {
    CollapseState state;
    std::vector<ReplayedStep> out;
    for (const StepMetrics& m : steps) {
        const auto record = collapse_record_from_metrics(m);
        if (!record) continue;
        out.push_back({m.step, observe_collapse(state, *record, config)});
    }
    return out;
}

}  // namespace mmupt
