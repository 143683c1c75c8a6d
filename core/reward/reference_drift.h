// Drift of the policy's vote away from the frozen reference's (docs/collapse.md,
// collapse/reference_drift): on each prompt, the share of the policy's samples in its own
// majority minus the share that agree with the reference's majority answer. While the policy
// sharpens what the reference already believed, both shares rise together and the drift stays
// near its start (vote noise only); when the self-reward pulls the vote onto an answer the
// reference did not favour (a majority that reinforces itself), the policy concentrates away
// from the reference's answer and the drift grows. It needs no label, only M samples of the
// reference on the step's prompts. Torch-free.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/reward/majority_vote.h"

namespace mmupt {

using AnswerList = std::vector<std::optional<std::string>>;  // nullopt = no answer extracted

struct ReferenceDrift {
    int prompts = 0;  // prompts where the reference has a majority (the others are left out)
    // Mean over those prompts of own-majority share - share equivalent to the reference's
    // majority (both over the G policy samples, abstainers counted in G); NaN when prompts = 0.
    double drift = 0.0;
    // Of those prompts where the policy has a majority too, the share whose majority answer is
    // not equivalent to the reference's; NaN when there is none.
    double disagreement = 0.0;
};

// `policy` (B)(G): the trained samples' answers; `reference` (B)(M): the reference's.
// Majorities are pluralities (no agreement threshold; ties broken as majority_vote does).
ReferenceDrift compute_reference_drift(const std::vector<AnswerList>& policy,
                                       const std::vector<AnswerList>& reference,
                                       const EquivalenceFn& equivalent = default_equivalence());

}  // namespace mmupt
