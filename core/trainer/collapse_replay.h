// The collapse alarm replayed over a finished run's metrics.jsonl with other `collapse.*`
// settings: "would it have fired, and when, with this threshold?" without training again. The
// alarm reads only what every GRPO step writes (collapse/*, actor/entropy, vote/majority_ratio),
// and in `warn` / `off` mode it never changes training, so the replay with the run's own settings
// gives back the run's own collapse/score and collapse/alarm (tested). Not modelled: rollbacks
// (records after a rollback point were dropped from the file) and data-parallel runs (their
// metrics are means over ranks; each rank's alarm saw its own). Torch-free.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/session/session_types.h"
#include "core/trainer/collapse_alarm.h"

namespace mmupt {

struct ReplayedStep {
    int step = 0;
    CollapseVerdict verdict;
};

// The alarm's input of one step, read back from its metrics (null / absent = NaN). nullopt for
// a step without collapse signals (SFT, an older engine).
std::optional<CollapseRecord> collapse_record_from_metrics(const StepMetrics& m);

// observe_collapse over the steps in order, from a fresh state. The action is not carried out;
// `config.alarm = off` still computes the scores.
std::vector<ReplayedStep> replay_collapse(const std::vector<StepMetrics>& steps,
                                          const CollapseConfig& config);

}  // namespace mmupt
