// AnswerDistribution: counts per (step, majority answer); the table ranks and pools them.
#include "ui/answer_distribution.h"

#include <QObject>
#include <algorithm>

#include "ui/vote_summary.h"

namespace mmupt::ui {

QString AnswerDistribution::otherLabel() { return QObject::tr("other"); }
QString AnswerDistribution::noMajorityLabel() { return QObject::tr("(no majority)"); }

void AnswerDistribution::clear() {
    m_counts.clear();
    m_totals.clear();
    m_firstSeen.clear();
    m_groups = 0;
}

void AnswerDistribution::addGroup(const RolloutGroup& group) {
    addGroup(group.step, majorityAnswer(group));
}

void AnswerDistribution::addGroup(int step, const QString& majorityAnswer) {
    ++m_counts[step][majorityAnswer];
    ++m_groups;
    if (majorityAnswer.isEmpty()) return;
    ++m_totals[majorityAnswer];
    m_firstSeen.emplace(majorityAnswer, static_cast<int>(m_firstSeen.size()));
}

AnswerDistribution::Table AnswerDistribution::table(int topAnswers) const {
    Table t;
    t.groups = m_groups;
    std::vector<QString> ranked;
    for (const auto& [answer, n] : m_totals) ranked.push_back(answer);
    std::sort(ranked.begin(), ranked.end(), [this](const QString& a, const QString& b) {
        const int na = m_totals.at(a), nb = m_totals.at(b);
        return na != nb ? na > nb : m_firstSeen.at(a) < m_firstSeen.at(b);
    });
    const size_t top = std::min(ranked.size(), static_cast<size_t>(std::max(0, topAnswers)));
    std::map<QString, int> rowOf;  // answer -> row; pooled answers are absent
    for (size_t i = 0; i < top; ++i) {
        rowOf[ranked[i]] = static_cast<int>(i);
        t.rows << ranked[i];
    }
    const int other = ranked.size() > top ? static_cast<int>(t.rows.size()) : -1;
    if (other >= 0) t.rows << otherLabel();
    bool anyNone = false;
    for (const auto& [step, counts] : m_counts) anyNone = anyNone || counts.count(QString()) > 0;
    const int none = anyNone ? static_cast<int>(t.rows.size()) : -1;
    if (none >= 0) t.rows << noMajorityLabel();

    t.shares.assign(static_cast<size_t>(t.rows.size()), std::vector<double>(m_counts.size(), 0.0));
    size_t column = 0;
    for (const auto& [step, counts] : m_counts) {
        t.steps.push_back(step);
        int total = 0;
        for (const auto& [answer, n] : counts) total += n;
        for (const auto& [answer, n] : counts) {
            auto it = rowOf.find(answer);
            const int row = answer.isEmpty() ? none : it != rowOf.end() ? it->second : other;
            t.shares[static_cast<size_t>(row)][column] += double(n) / total;
        }
        ++column;
    }
    return t;
}

}  // namespace mmupt::ui
