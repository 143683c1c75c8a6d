// The collapse alarm on synthetic runs: a run where one answer takes over every image fires, a
// healthy one with the same noise does not; patience, re-arming, `off`, and the state's JSON
// round trip (what makes a resumed run fire at the same step).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/reward/collapse_signals.h"
#include "core/trainer/collapse_alarm.h"
#include "core/util/errors.h"

namespace mmupt {
namespace {

// One synthetic step of 16 prompts on 16 images whose labels cycle through 3..9 and four
// colours. `taken` prompts answer "9" whatever their image; `contradict` of 32 checkable
// responses box something else than their reasoning; token entropy and agreement as given.
CollapseRecord step_record(int step, int taken, int contradict, double token_entropy,
                           double agreement, int jitter) {
    const char* labels[] = {"3", "4", "5", "6", "7", "8", "9", "red", "blue", "green", "yellow"};
    std::vector<PromptVote> votes;
    for (int i = 0; i < 16; ++i) {
        PromptVote v;
        v.image_key = "img-" + std::to_string(step) + "-" + std::to_string(i);
        v.majority_answer = i < taken ? "9" : labels[(i + jitter) % 11];
        votes.push_back(v);
    }
    std::vector<std::optional<bool>> c;
    for (int i = 0; i < 32; ++i) c.push_back(i < contradict);
    CollapseSignals s = compute_collapse_signals(votes, c);
    CollapseRecord r;
    r.step = step;
    r.answer_entropy = s.answer_entropy;
    r.distinct_share = s.distinct_share;
    r.same_answer_rate = s.same_answer_rate;
    r.contradiction_rate = s.contradiction_rate;
    r.token_entropy = token_entropy;
    r.majority_ratio = agreement;
    return r;
}

// Small step-to-step noise of a healthy run: answers shift, contradictions 0-2 of 32.
CollapseRecord healthy(int step) {
    return step_record(step, step % 3 == 0 ? 2 : 0, step % 3,
                       1.0 - 0.004 * step + 0.02 * (step % 2), 0.80 + 0.01 * (step % 3), step);
}

// From step 4 on, "9" takes two more prompts per step, the box leaves the reasoning, token
// entropy falls and agreement rises (docs/demo.md: 0.57 -> 0.9 within 10-20 steps).
CollapseRecord collapsing(int step) {
    if (step <= 3) return healthy(step);
    const int k = step - 3;
    return step_record(step, std::min(16, 2 + 2 * k), std::min(32, 1 + 3 * k),
                       std::max(0.2, 1.0 - 0.08 * k), std::min(0.98, 0.80 + 0.03 * k), step);
}

std::vector<int> firings(CollapseRecord (*run)(int), const CollapseConfig& config, int steps,
                         std::vector<double>* scores = nullptr) {
    CollapseState state;
    std::vector<int> fired;
    for (int t = 1; t <= steps; ++t) {
        CollapseVerdict v = observe_collapse(state, run(t), config);
        if (scores) scores->push_back(v.score);
        EXPECT_EQ(v.metrics.at("collapse/alarm"), v.fired ? 1.0 : 0.0);
        if (v.fired) {
            fired.push_back(t);
            EXPECT_FALSE(v.reasons.empty());
        }
    }
    return fired;
}

TEST(CollapseAlarm, OneAnswerTakingOverFiresEarly) {
    std::vector<double> scores;
    std::vector<int> fired = firings(&collapsing, CollapseConfig{}, 20, &scores);
    ASSERT_FALSE(fired.empty());
    // By step 8 "9" holds 12 of 16 prompts; the alarm must have fired before that.
    EXPECT_LE(fired.front(), 8);
    EXPECT_GT(fired.front(), 3);  // never inside the baseline
    EXPECT_EQ(scores[0], 0.0);
    EXPECT_GT(scores[12], scores[5]);
}

TEST(CollapseAlarm, HealthyRunNeverFires) {
    std::vector<double> scores;
    EXPECT_TRUE(firings(&healthy, CollapseConfig{}, 40, &scores).empty());
    for (double s : scores) EXPECT_LT(s, CollapseConfig{}.threshold);
}

TEST(CollapseAlarm, PatienceDelaysAndOffNeverFires) {
    CollapseConfig one;
    one.patience = 1;
    CollapseConfig four;
    four.patience = 4;
    const int first_one = firings(&collapsing, one, 20).at(0);
    EXPECT_EQ(firings(&collapsing, four, 20).at(0), first_one + 3);
    CollapseConfig off;
    off.alarm = CollapseAction::off;
    std::vector<double> scores;
    EXPECT_TRUE(firings(&collapsing, off, 20, &scores).empty());
    EXPECT_GE(scores.back(), off.threshold);  // the score is still computed
}

TEST(CollapseAlarm, FiresOncePerEpisodeAndRearmsWhenTheScoreFalls) {
    CollapseConfig c;
    c.patience = 1;
    CollapseState state;
    int fired = 0;
    for (int t = 1; t <= 12; ++t) fired += observe_collapse(state, collapsing(t), c).fired;
    EXPECT_EQ(fired, 1);
    // Recovery: healthy steps bring the window back below the threshold, then collapse again.
    for (int t = 13; t <= 18; ++t) fired += observe_collapse(state, healthy(t), c).fired;
    EXPECT_TRUE(state.armed);
    for (int t = 19; t <= 30; ++t) fired += observe_collapse(state, collapsing(t - 15), c).fired;
    EXPECT_EQ(fired, 2);
}

TEST(CollapseAlarm, EntropyTrendOnlyWhileAgreementRises) {
    CollapseConfig c;
    CollapseState state;
    CollapseVerdict v;
    for (int t = 1; t <= 10; ++t) v = observe_collapse(state, collapsing(t), c);
    EXPECT_GT(v.metrics.at("collapse/entropy_trend"), 0.2);
    // Entropy falling just as fast, agreement flat: no trend signal.
    CollapseState flat;
    for (int t = 1; t <= 10; ++t) {
        CollapseRecord r = healthy(t);
        r.token_entropy = t <= 3 ? 1.0 : 1.0 - 0.08 * (t - 3);
        r.majority_ratio = 0.8;
        v = observe_collapse(flat, r, c);
    }
    EXPECT_EQ(v.metrics.at("collapse/entropy_trend"), 0.0);
}

TEST(CollapseAlarm, StateRoundTripsSoAResumedRunFiresAtTheSameStep) {
    const CollapseConfig c;
    CollapseState whole;
    std::vector<CollapseVerdict> expected;
    for (int t = 1; t <= 14; ++t) expected.push_back(observe_collapse(whole, collapsing(t), c));
    CollapseState first;
    for (int t = 1; t <= 5; ++t) observe_collapse(first, collapsing(t), c);
    CollapseState resumed =
        collapse_state_from_json(nlohmann::json::parse(to_json(first).dump()), "state");
    for (int t = 6; t <= 14; ++t) {
        CollapseVerdict v = observe_collapse(resumed, collapsing(t), c);
        EXPECT_EQ(v.fired, expected[size_t(t - 1)].fired) << "step " << t;
        for (const auto& [k, x] : expected[size_t(t - 1)].metrics) {
            const double y = v.metrics.at(k);
            EXPECT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << k << " step " << t;
        }
    }
}

// A healthy run whose vote drifts from the reference's from step 4 on (the fall of
// docs/demo.md's grid: wrong answers, still diverse and reasoned, so the score stays low).
CollapseRecord drifting(int step) {
    CollapseRecord r = healthy(step);
    r.reference_drift = step <= 3 ? 0.10 : 0.10 + 0.03 * (step - 3);
    return r;
}

// Vote noise around a flat drift: window medians stay within 0.02 of the baseline.
CollapseRecord noisy_flat_drift(int step) {
    const double noise[] = {0.06, 0.14, 0.10, 0.12, 0.08};
    CollapseRecord r = healthy(step);
    r.reference_drift = noise[(step - 1) % 5];
    return r;
}

TEST(CollapseAlarm, DriftFromTheReferenceFiresWhileTheScoreStaysLow) {
    CollapseState state;
    int first = 0;
    for (int t = 1; t <= 12 && !first; ++t) {
        CollapseVerdict v = observe_collapse(state, drifting(t), CollapseConfig{});
        EXPECT_LT(v.score, CollapseConfig{}.threshold) << "step " << t;
        if (v.fired) {
            first = t;
            EXPECT_NE(v.reasons.at(0).find("collapse.drift_threshold"), std::string::npos)
                << v.reasons.at(0);
            EXPECT_GE(v.metrics.at("collapse/drift_rise"), CollapseConfig{}.drift_threshold);
        }
    }
    // The window's median is the previous step's drift: the rise over the baseline is
    // 0.03 * (step - 4), at or above 0.08 from step 7 on: two steps in a row by step 8.
    EXPECT_EQ(first, 8);
    CollapseConfig higher;
    higher.drift_threshold = 0.5;  // the rise reaches 0.24 by step 12
    EXPECT_EQ(firings(&drifting, higher, 12).size(), 0u);
}

TEST(CollapseAlarm, TheReferenceAsVoterTurnsTheDriftCriterionOff) {
    RunConfig run;
    EXPECT_EQ(firings(&drifting, effective_collapse_config(run), 12).size(), 1u);
    run.algorithm.vote_source = VoteSource::reference;  // its own vote is the label
    EXPECT_TRUE(firings(&drifting, effective_collapse_config(run), 12).empty());
    EXPECT_EQ(firings(&collapsing, effective_collapse_config(run), 20).size(), 1u);  // the score
    run.algorithm.reward = RewardKind::accuracy;
    EXPECT_EQ(effective_collapse_config(run).alarm, CollapseAction::off);
}

TEST(CollapseAlarm, NoisyFlatDriftAndUnmeasuredDriftNeverFire) {
    std::vector<double> scores;
    EXPECT_TRUE(firings(&noisy_flat_drift, CollapseConfig{}, 40, &scores).empty());
    CollapseState state;
    CollapseVerdict v;
    for (int t = 1; t <= 10; ++t) v = observe_collapse(state, healthy(t), CollapseConfig{});
    EXPECT_TRUE(std::isnan(v.metrics.at("collapse/reference_drift")));
    EXPECT_TRUE(std::isnan(v.metrics.at("collapse/drift_rise")));
}

TEST(CollapseAlarm, StateFromBeforeTheDriftSignalLoads) {
    CollapseState s;
    for (int t = 1; t <= 4; ++t) observe_collapse(s, drifting(t), CollapseConfig{});
    nlohmann::json j = to_json(s);
    EXPECT_DOUBLE_EQ(j["recent"].back()["reference_drift"].get<double>(), 0.13);
    for (auto* list : {&j["baseline"], &j["recent"]})
        for (auto& r : *list) r.erase("reference_drift");
    const CollapseState old = collapse_state_from_json(j, "old/trainer_state.json");
    ASSERT_EQ(old.recent.size(), 3u);
    EXPECT_TRUE(std::isnan(old.recent.back().reference_drift));
}

TEST(CollapseAlarm, MalformedStateIsACheckpointErrorNamingTheSource) {
    nlohmann::json j = to_json(CollapseState{});
    j.erase("armed");
    try {
        collapse_state_from_json(j, "ck/trainer_state.json");
        FAIL() << "no error";
    } catch (const CheckpointError& e) {
        EXPECT_NE(std::string(e.what()).find("ck/trainer_state.json"), std::string::npos);
    }
    j = to_json(CollapseState{});
    j["lr_scale"] = 0.0;
    EXPECT_THROW(collapse_state_from_json(j, "x"), CheckpointError);
}

}  // namespace
}  // namespace mmupt
