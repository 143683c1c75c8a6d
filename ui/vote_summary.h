// Derived facts about one RolloutGroup for display: the vote histogram's bars (clusters by
// size, the majority marked, abstainers as a separate "no answer" bar), mean reward, and the
// boxed-answer span inside a response. Pure functions; no widgets.
#pragma once
#include <QString>
#include <optional>
#include <vector>

#include "core/session/session_types.h"

namespace mmupt::ui {

struct VoteBar {
    QString label;  // the cluster's answer, or "no answer"
    int count = 0;
    bool majority = false;
    bool noAnswer = false;
};

// Clusters by descending size (ties keep the group's cluster order), then the abstainers.
std::vector<VoteBar> voteBars(const RolloutGroup& group);
// Index into group.clusters of the majority cluster (majority_index names a response).
std::optional<int> majorityCluster(const RolloutGroup& group);
QString majorityAnswer(const RolloutGroup& group);  // "" when there is none
int noAnswerCount(const RolloutGroup& group);
// How many clusters share the largest size when two or more do (a 4 / 4 split: 2), else 0. On a
// tie the engine's vote picks the cluster sampled first.
int tiedClusters(const RolloutGroup& group);
int truncatedCount(const RolloutGroup& group);
// Responses whose boxed answer contradicts their own reasoning (contradicts_reasoning = true);
// nullopt when no response of the group could be checked (older runs, formats without numbers).
std::optional<int> contradictionCount(const RolloutGroup& group);
// What a contradiction mark means, for its tooltip.
QString contradictionTip();
double meanReward(const RolloutGroup& group);
// Exact text match of the majority answer with the hidden label (after trimming); nullopt when
// there is no label. Display aid only: the engine's grader decides equivalence.
std::optional<bool> majorityMatchesLabel(const RolloutGroup& group);

// [begin, end) of the content of the last balanced \boxed{...} in `text`; nullopt if none.
std::optional<std::pair<int, int>> lastBoxedSpan(const QString& text);
// The response as HTML with its boxed answer highlighted.
QString responseHtml(const QString& text, const QString& highlightColor);

}  // namespace mmupt::ui
