// The policy's vote against the reference's (reference_drift.h).
#include "core/reward/reference_drift.h"

#include <cmath>
#include <stdexcept>

namespace mmupt {

ReferenceDrift compute_reference_drift(const std::vector<AnswerList>& policy,
                                       const std::vector<AnswerList>& reference,
                                       const EquivalenceFn& equivalent) {
    if (policy.size() != reference.size())
        throw std::invalid_argument("compute_reference_drift: " + std::to_string(policy.size()) +
                                    " policy groups but " + std::to_string(reference.size()) +
                                    " reference groups");
    VoteOptions plurality;
    plurality.agreement_threshold = 0.0;
    plurality.soft_reward = false;
    double drift_sum = 0;
    int with_majority = 0, disagree = 0;
    ReferenceDrift out;
    for (size_t b = 0; b < policy.size(); ++b) {
        const auto label =
            majority_vote(static_cast<int64_t>(b), reference[b], plurality, equivalent)
                .majority_answer();
        if (!label || policy[b].empty()) continue;
        const VoteResult own =
            majority_vote(static_cast<int64_t>(b), policy[b], plurality, equivalent);
        int agree = 0;
        for (const auto& a : policy[b]) agree += a && equivalent(*a, *label);
        const double g = static_cast<double>(policy[b].size());
        drift_sum += own.majority_ratio - agree / g;
        ++out.prompts;
        if (const auto mine = own.majority_answer()) {
            ++with_majority;
            disagree += !equivalent(*mine, *label);
        }
    }
    out.drift = out.prompts ? drift_sum / out.prompts : std::nan("");
    out.disagreement = with_majority ? static_cast<double>(disagree) / with_majority : std::nan("");
    return out;
}

}  // namespace mmupt
