// Sampling and scoring of one rollout batch (rollout.h).
#include "core/trainer/rollout.h"

#include <algorithm>

#include "core/reward/collapse_signals.h"
#include "core/reward/teacher_vote.h"
#include "core/util/errors.h"

namespace mmupt {
Rollout sample_rollout(VlmModel& policy, const std::vector<Prompt>& prompts,
                       const GenerationParams& params, const Tokenizer& tokenizer) {
    std::vector<GenerationRequest> requests;
    for (const Prompt& p : prompts) {
        GenerationRequest r;
        r.prompt_ids = p.ids;
        r.pixel_values = p.pixel_values;
        r.image_grids = p.grids;
        r.prompt_key = example_key(p.example ? p.example->id : p.text);
        requests.push_back(std::move(r));
    }
    Rollout out;
    out.samples_per_prompt = params.num_samples;
    auto samples = generate(policy, requests, params, &out.stats);  // [b][g]
    // Vision placeholders in a response would be filled with image features by the scorer
    // (and break its image count); a sample is cut before the first one (untrained models
    // produce them, real ones practically never).
    const ModelConfig& mc = policy->config();
    const std::vector<int64_t> vision = {mc.image_token_id, mc.video_token_id,
                                         mc.vision_start_token_id, mc.vision_end_token_id};
    const int64_t filler = tokenizer.special_ids().endoftext;
    for (auto& group : samples)
        for (auto& s : group) {
            auto cut = std::find_first_of(s.ids.begin(), s.ids.end(), vision.begin(), vision.end());
            if (cut != s.ids.end()) {
                s.logprobs.resize(static_cast<size_t>(cut - s.ids.begin()));
                s.ids.erase(cut, s.ids.end());
                if (s.ids.empty()) s.ids.push_back(filler);
                s.stopped = false;
                ++out.vision_token_cuts;
            }
            std::vector<int32_t> ids32(s.ids.begin(), s.ids.end());
            out.texts.push_back(tokenizer.decode(ids32, /*skip_special=*/true));
            out.truncated.push_back(s.stopped ? 0 : 1);
            out.logprobs.push_back(std::move(s.logprobs));
            out.response_ids.push_back(std::move(s.ids));
        }
    return out;
}

RewardSetup make_reward_setup(const AlgorithmConfig& a) {
    RewardSetup r;
    r.kind = a.reward;
    r.vote.policy =
        a.vote_policy == VotePolicyKind::reference ? VotePolicy::kReference : VotePolicy::kAbstain;
    r.vote.agreement_threshold = a.agreement_threshold;
    r.vote.soft_reward = a.soft_reward;
    RewardOptions options;
    options.vote = r.vote;
    if (a.reward == RewardKind::majority_vote) {
        options.name = "majority_vote";
        r.unsupervised = make_unsupervised_reward(options);
    } else if (a.reward == RewardKind::accuracy) {
        options.name = "accuracy";
        r.supervised = make_supervised_reward(options);
    }
    return r;
}

std::vector<std::optional<std::string>> extract_answers(const std::vector<std::string>& texts,
                                                        const std::string& question) {
    ExtractOptions extract;
    extract.question = question;
    std::vector<std::optional<std::string>> answers;
    for (const auto& text : texts) answers.push_back(extract_answer(text, extract));
    return answers;
}

ScoredRollout score_rollout(const Rollout& rollout, const std::vector<Prompt>& prompts,
                            const RewardSetup& reward, int step, const ExtraVoters* voters) {
    if (reward.kind != RewardKind::majority_vote) voters = nullptr;
    const size_t G = static_cast<size_t>(rollout.samples_per_prompt);
    ScoredRollout out;
    for (size_t b = 0; b < prompts.size(); ++b) {
        const Prompt& prompt = prompts[b];
        const Example* ex = prompt.example;
        RewardGroup group;
        group.group_id = static_cast<int64_t>(b);  // explicit id, carried from sampling
        group.question = prompt.question;
        group.responses.assign(rollout.texts.begin() + b * G, rollout.texts.begin() + (b + 1) * G);

        // The reward. Only the supervised baseline is handed the label.
        GroupRewards rewarded;
        std::optional<std::string> own_majority;  // the policy's own, when a teacher votes
        if (voters && voters->teacher) {
            const auto answers = extract_answers(group.responses, group.question);
            VoteResult v =
                teacher_vote(group.group_id, answers,
                             extract_answers(voters->texts.at(b), group.question), reward.vote);
            own_majority = majority_vote(group.group_id, answers, reward.vote).majority_answer();
            rewarded.group_id = group.group_id;
            rewarded.rewards = rewarded.task_rewards = v.rewards;
            rewarded.vote = std::move(v);
        } else if (voters) {  // TTRL: the G trained samples and the extra ones vote together
            group.responses.insert(group.responses.end(), voters->texts.at(b).begin(),
                                   voters->texts.at(b).end());
            group.num_trained = static_cast<int>(G);
            rewarded = reward.unsupervised(group);
        } else if (reward.kind == RewardKind::accuracy) {
            if (!ex || !ex->answer)
                throw DataError((ex ? ex->id : std::string("a prompt")) +
                                ": algorithm.reward = accuracy needs a label (data.answer_key) "
                                "on every example");
            rewarded = reward.supervised(group, *ex->answer);
        } else {
            rewarded = reward.unsupervised(group);
        }
        // The label-free vote, for diagnostics (it is the reward itself under majority_vote).
        VoteResult vote;
        if (rewarded.vote) {
            vote = *rewarded.vote;
        } else {
            vote = majority_vote(group.group_id, extract_answers(group.responses, group.question),
                                 reward.vote);
        }
        out.rewards.insert(out.rewards.end(), rewarded.rewards.begin(), rewarded.rewards.end());
        out.policy_majority.push_back(voters && voters->teacher ? own_majority
                                                                : vote.majority_answer());

        // Hidden-label diagnostics read the finished vote; nothing flows back.
        if (ex && ex->answer) out.labels.push_back(hidden_label_diagnostics(vote, *ex->answer));

        RolloutGroup rec;
        rec.step = step;
        rec.group_id = ex ? ex->id : "prompt-" + std::to_string(b);
        rec.image_path = ex && !ex->image_paths.empty() ? ex->image_paths.front() : "";
        rec.question = prompt.question;
        for (size_t g = 0; g < G; ++g) {
            SampledResponse r;
            r.text = group.responses[g];
            r.answer = vote.answers[g];
            r.cluster = vote.cluster_of[g];
            r.reward = rewarded.rewards[g];
            r.num_tokens = static_cast<int>(rollout.response_ids[b * G + g].size());
            r.truncated = rollout.truncated[b * G + g] != 0;
            r.contradicts_reasoning = contradicts_reasoning(r.text, prompt.question);
            rec.responses.push_back(std::move(r));
        }
        // samples.jsonl holds the G trained responses; extra voters stay out of the clusters.
        for (const auto& c : vote.clusters) {
            AnswerCluster cluster{c.answer, {}};
            for (int i : c.members)
                if (i < static_cast<int>(G)) cluster.members.push_back(i);
            rec.clusters.push_back(std::move(cluster));
        }
        if (vote.majority_cluster && !rec.clusters[*vote.majority_cluster].members.empty())
            rec.majority_index = rec.clusters[*vote.majority_cluster].members.front();
        rec.majority_ratio = vote.majority_ratio;
        if (ex) rec.label = ex->answer;
        out.groups.push_back(std::move(rec));
        out.votes.push_back(std::move(vote));
    }
    return out;
}

}  // namespace mmupt
