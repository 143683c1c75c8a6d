// Label-free collapse signals of one GRPO step (docs/collapse.md): how diverse the step's
// majority answers are across its prompts, how often prompts with different images get the same
// majority answer, and how often a response's boxed answer contradicts its own reasoning. In a
// majority-vote collapse the box comes loose from the reasoning and settles on a few
// image-independent values: diversity falls, same-answer pairs and contradictions rise, while
// agreement goes up. Torch-free; no label ever enters. The run-relative part (baselines, trend,
// score, alarm) is core/trainer/collapse_alarm.h.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/reward/majority_vote.h"

namespace mmupt {

// One prompt of the step, as the signals see it.
struct PromptVote {
    std::string image_key;                       // what tells images apart (path or example id)
    std::optional<std::string> majority_answer;  // nullopt: no majority (nobody answered, < tau)
};

struct CollapseSignals {
    int prompts_with_majority = 0;
    // Entropy in bits of the majority answers across the prompts that have one (answers
    // clustered by `equivalent`); NaN when no prompt has a majority.
    double answer_entropy = 0.0;
    // Distinct majority answers / prompts with a majority; NaN when none has one.
    double distinct_share = 0.0;
    // Of the pairs of prompts with different image keys (both with a majority), the share whose
    // majority answers are equivalent; NaN when there is no such pair.
    double same_answer_rate = 0.0;
    // Responses whose boxed answer differs from their reasoning / checkable responses; NaN when
    // none was checkable.
    double contradiction_rate = 0.0;
    int checkable_responses = 0;
};

// `contradictions`: one entry per response of the step (any order), nullopt = not checkable.
CollapseSignals compute_collapse_signals(const std::vector<PromptVote>& prompts,
                                         const std::vector<std::optional<bool>>& contradictions,
                                         const EquivalenceFn& equivalent = default_equivalence());

// Does the response's final boxed answer differ from the last number (or choice letter) of the
// reasoning before the box? "there are 8. \boxed{9}" -> true, "there are 8. \boxed{8}" -> false.
// Checkable only when the box holds a plain number and the text before it has a number, or the
// question lists options, the box names one and the text before it names one; else nullopt.
std::optional<bool> contradicts_reasoning(const std::string& response,
                                          const std::string& question = "");

}  // namespace mmupt
