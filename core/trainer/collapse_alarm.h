// The collapse alarm (docs/collapse.md): each step's label-free signals (collapse_signals.h)
// compared with the run's first `collapse.baseline_steps` steps, averaged over the last
// `collapse.window` steps, folded into one score in [0, 1]; separately, the rise of the drift
// from the frozen reference's vote (reference_drift.h) over its baseline. The alarm fires when
// the score stays at or above `collapse.threshold`, or the drift's rise at or above
// `collapse.drift_threshold`, for `collapse.patience` steps, and re-arms only after both fall
// below. The state lives in trainer_state.json (TrainerState::collapse), so a resumed run
// computes the same signals and fires at the same step. Torch-free; what a firing does (warn,
// stop, rollback) is the Trainer's (trainer_collapse.cpp).
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/config/run_config.h"

namespace mmupt {

// One step's raw signals; NaN = not measured that step.
struct CollapseRecord {
    int step = 0;
    double answer_entropy = 0, distinct_share = 0, same_answer_rate = 0, contradiction_rate = 0;
    double token_entropy = 0, majority_ratio = 0;
    double reference_drift = std::numeric_limits<double>::quiet_NaN();  // reference_drift.h
};

struct CollapseState {
    std::vector<CollapseRecord> baseline;  // the run's first steps (up to baseline_steps)
    std::vector<CollapseRecord> recent;    // the last `window` steps, oldest first
    int above = 0;                         // consecutive steps with score >= threshold
    bool armed = true;                     // false after a firing, until the score falls
    int rollbacks = 0;                     // rollbacks done so far in this run
    double lr_scale = 1.0;                 // optim.lr multiplier after rollbacks
};

nlohmann::json to_json(const CollapseState& state);
// Throws CheckpointError naming `source` on a malformed block.
CollapseState collapse_state_from_json(const nlohmann::json& j, const std::string& source);

struct CollapseVerdict {
    std::map<std::string, double> metrics;  // collapse/* of the step (metrics.jsonl)
    double score = 0.0;
    bool fired = false;                // the alarm fires on this step
    std::vector<std::string> reasons;  // human sentences, strongest first (empty: none notable)
};

// The settings the alarm runs with in a run configured as `config`: `off` for supervised
// rewards (the alarm watches self-rewards; they get the signals only), and no drift criterion
// when the frozen reference itself votes (algorithm.vote_source = reference): the pseudo-label
// is then the reference's own vote and cannot be pulled away from it, and the drift only
// measures how often the reference's sampled majority is wrong where the policy is right (the
// demo's safeguarded run fired on that at step 7 while it gained).
CollapseConfig effective_collapse_config(const RunConfig& config);

// Adds `record` to `state` and judges it. `config.alarm == off` computes everything but never
// fires.
CollapseVerdict observe_collapse(CollapseState& state, const CollapseRecord& record,
                                 const CollapseConfig& config);

}  // namespace mmupt
