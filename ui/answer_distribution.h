// The "answer distribution" behind its view: per step, the share of the step's prompts whose
// vote went to each majority answer (the majority cluster's answer of each group). The run's most
// frequent majority answers keep their own rows, the rest are pooled as "other", and groups with
// no majority (every response abstained) form their own row, so one answer taking over the run
// shows as one row growing to 1. Pure: no widgets, no drawing (answer_distribution_view.h draws).
#pragma once
#include <QString>
#include <QStringList>
#include <map>
#include <vector>

#include "core/session/session_types.h"

namespace mmupt::ui {

class AnswerDistribution {
  public:
    // The row labels of the pooled rows.
    static QString otherLabel();       // "other"
    static QString noMajorityLabel();  // "(no majority)"

    struct Table {
        std::vector<int> steps;  // ascending, every step with at least one group
        // Row labels: the top answers (most groups over the run first; ties by first seen),
        // then "other" if any answer was pooled, then "(no majority)" if any group had none.
        QStringList rows;
        // shares[row][i]: fraction of step steps[i]'s groups in that row; a column sums to 1.
        std::vector<std::vector<double>> shares;
        int groups = 0;  // groups counted
    };

    void clear();
    void addGroup(const RolloutGroup& group);
    void addGroup(int step, const QString& majorityAnswer);  // "" = no majority
    int groupCount() const { return m_groups; }
    // At most `topAnswers` answers get a row of their own.
    Table table(int topAnswers) const;

  private:
    std::map<int, std::map<QString, int>> m_counts;  // step -> answer ("" = none) -> groups
    std::map<QString, int> m_totals;                 // answer -> groups over the run
    std::map<QString, int> m_firstSeen;              // answer -> order of first appearance
    int m_groups = 0;
};

}  // namespace mmupt::ui
