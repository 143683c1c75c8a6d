// Rollouts: G sampled responses per prompt (the batched KV-cache generator), decoded; then the
// label-free part of the step: extract each answer, vote per group, reward. The hidden label is
// read only after the reward exists, for diagnostics, except in the supervised `accuracy`
// baseline, which is the one path that hands labels to a reward. Also builds the samples.jsonl
// records. Not here: advantages and updates. Shapes: B prompts, G samples, row b*G + g.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/config/run_config.h"
#include "core/reward/reward_diagnostics.h"
#include "core/reward/reward_function.h"
#include "core/sampling/generator.h"
#include "core/session/session_types.h"
#include "core/tokenizer/tokenizer.h"
#include "core/trainer/prompt_builder.h"

namespace mmupt {

struct Rollout {
    int64_t samples_per_prompt = 0;                  // G
    std::vector<std::vector<int64_t>> response_ids;  // (B*G) new tokens, stop token included
    std::vector<std::string> texts;                  // (B*G) decoded, special tokens skipped
    std::vector<uint8_t> truncated;                  // (B*G) 1 = hit max_new_tokens
    std::vector<std::vector<float>> logprobs;        // (B*G) the sampler's, one per kept id
    GenerationStats stats;
    int64_t vision_token_cuts = 0;  // samples cut before a vision placeholder token
};

// Samples on the model's thread under NoGradGuard (the generator restores the training mode).
Rollout sample_rollout(VlmModel& policy, const std::vector<Prompt>& prompts,
                       const GenerationParams& params, const Tokenizer& tokenizer);

// The reward of a run, chosen by algorithm.reward. Only `accuracy` holds a function that takes a
// label; `majority_vote` holds a label-free one (a RewardGroup has no label field).
struct RewardSetup {
    RewardKind kind = RewardKind::majority_vote;
    VoteOptions vote;                   // also used for the label-free vote diagnostics
    UnsupervisedRewardFn unsupervised;  // majority_vote
    SupervisedRewardFn supervised;      // accuracy
};
RewardSetup make_reward_setup(const AlgorithmConfig& algorithm);

// Voters besides the policy's G trained samples (rollout.vote_n, algorithm.vote_source).
struct ExtraVoters {
    std::vector<std::vector<std::string>> texts;  // (B)(M) decoded voter responses
    bool teacher = false;  // true: only these vote (the reference); false: they join the G
};

struct ScoredRollout {
    std::vector<double> rewards;                              // (B*G)
    std::vector<VoteResult> votes;                            // (B) label-free vote of each group
    std::vector<std::optional<std::string>> policy_majority;  // (B) the policy's own majority
    std::vector<HiddenLabelDiagnostics> labels;  // groups whose example has a hidden label
    std::vector<RolloutGroup> groups;            // (B) samples.jsonl records
    // (B)(M) the frozen reference's answers to the step's prompts (collapse/reference_drift);
    // empty when the step sampled none.
    std::vector<std::vector<std::optional<std::string>>> reference_answers;
};

// The answer extracted from each text (nullopt = none), for a prompt asking `question`.
std::vector<std::optional<std::string>> extract_answers(const std::vector<std::string>& texts,
                                                        const std::string& question);

// Extract, vote, reward, then (separately) the hidden-label diagnostics. Throws DataError when
// the supervised baseline meets an example without a label.
// `voters` (majority_vote only): extra voters or a teacher; null = the G samples vote.
ScoredRollout score_rollout(const Rollout& rollout, const std::vector<Prompt>& prompts,
                            const RewardSetup& reward, int step,
                            const ExtraVoters* voters = nullptr);

}  // namespace mmupt
