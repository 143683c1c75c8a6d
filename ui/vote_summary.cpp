// Vote bars, majority lookup, boxed-answer span.
#include "ui/vote_summary.h"

#include <QObject>
#include <algorithm>
#include <numeric>

namespace mmupt::ui {

std::optional<int> majorityCluster(const RolloutGroup& g) {
    if (!g.majority_index) return std::nullopt;
    int r = *g.majority_index;
    if (r < 0 || r >= static_cast<int>(g.responses.size())) return std::nullopt;
    int c = g.responses[static_cast<size_t>(r)].cluster;
    if (c < 0 || c >= static_cast<int>(g.clusters.size())) return std::nullopt;
    return c;
}

std::vector<VoteBar> voteBars(const RolloutGroup& g) {
    std::optional<int> major = majorityCluster(g);
    std::vector<int> order(g.clusters.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
        return g.clusters[static_cast<size_t>(a)].members.size() >
               g.clusters[static_cast<size_t>(b)].members.size();
    });
    std::vector<VoteBar> bars;
    for (int c : order) {
        const AnswerCluster& cluster = g.clusters[static_cast<size_t>(c)];
        bars.push_back({QString::fromStdString(cluster.answer),
                        static_cast<int>(cluster.members.size()), major && *major == c, false});
    }
    int none = noAnswerCount(g);
    if (none > 0) bars.push_back({QObject::tr("no answer"), none, false, true});
    return bars;
}

QString majorityAnswer(const RolloutGroup& g) {
    auto c = majorityCluster(g);
    return c ? QString::fromStdString(g.clusters[static_cast<size_t>(*c)].answer) : QString();
}

int noAnswerCount(const RolloutGroup& g) {
    return static_cast<int>(std::count_if(g.responses.begin(), g.responses.end(),
                                          [](const SampledResponse& r) { return !r.answer; }));
}

int tiedClusters(const RolloutGroup& g) {
    size_t top = 0;
    int sharing = 0;
    for (const auto& c : g.clusters) {
        if (c.members.size() > top) {
            top = c.members.size();
            sharing = 1;
        } else if (c.members.size() == top) {
            ++sharing;
        }
    }
    return top > 0 && sharing >= 2 ? sharing : 0;
}

int truncatedCount(const RolloutGroup& g) {
    return static_cast<int>(std::count_if(g.responses.begin(), g.responses.end(),
                                          [](const SampledResponse& r) { return r.truncated; }));
}

std::optional<int> contradictionCount(const RolloutGroup& group) {
    std::optional<int> n;
    for (const SampledResponse& r : group.responses)
        if (r.contradicts_reasoning) n = n.value_or(0) + (*r.contradicts_reasoning ? 1 : 0);
    return n;
}

QString contradictionTip() {
    return QObject::tr("the boxed answer differs from the last number in its own reasoning");
}

double meanReward(const RolloutGroup& g) {
    if (g.responses.empty()) return 0.0;
    double sum = 0.0;
    for (const auto& r : g.responses) sum += r.reward;
    return sum / static_cast<double>(g.responses.size());
}

std::optional<bool> majorityMatchesLabel(const RolloutGroup& g) {
    if (!g.label) return std::nullopt;
    QString answer = majorityAnswer(g).trimmed();
    return !answer.isEmpty() && answer == QString::fromStdString(*g.label).trimmed();
}

std::optional<std::pair<int, int>> lastBoxedSpan(const QString& text) {
    const QString marker = QStringLiteral("\\boxed{");
    int from = text.size();
    while (from > 0) {
        int at = text.lastIndexOf(marker, from - 1);
        if (at < 0) return std::nullopt;
        int begin = at + static_cast<int>(marker.size());
        int depth = 1;
        for (int i = begin; i < text.size(); ++i) {
            if (text[i] == '{') ++depth;
            if (text[i] == '}' && --depth == 0) return std::make_pair(begin, i);
        }
        from = at;  // unbalanced: try an earlier box
    }
    return std::nullopt;
}

QString responseHtml(const QString& text, const QString& highlightColor) {
    auto esc = [](const QString& s) { return s.toHtmlEscaped().replace('\n', "<br>"); };
    auto span = lastBoxedSpan(text);
    if (!span) return esc(text);
    auto [begin, end] = *span;
    return esc(text.left(begin)) + "<span style=\"background:" + highlightColor +
           "; color:black; font-weight:bold\">" + esc(text.mid(begin, end - begin)) + "</span>" +
           esc(text.mid(end));
}

}  // namespace mmupt::ui
