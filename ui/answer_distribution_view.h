// The "Answer distribution" card: per step, stacked bars of the share of the step's prompts
// whose majority answer is each of the run's top answers (own colours), "other" and "(no
// majority)" (greys). A healthy run shows many thin bands; one answer taking over the run shows
// as one band filling the column. Alarm steps are marked with vertical lines. Computation:
// answer_distribution.h. Drawing is throttled by MetricsPanel (markDirty / refreshIfVisible).
#pragma once
#include <QFrame>
#include <vector>

#include "core/session/session_types.h"
#include "ui/answer_distribution.h"

class QCustomPlot;
class QCPItemStraightLine;

namespace mmupt::ui {

class AnswerDistributionView : public QFrame {
    Q_OBJECT
  public:
    static constexpr int kTopAnswers = 6;  // answers with a colour of their own

    explicit AnswerDistributionView(QWidget* parent = nullptr);
    void clear();
    void addGroup(const RolloutGroup& group);
    void setMarkedSteps(const std::vector<int>& steps);
    void refresh();
    void markDirty() { m_dirty = true; }
    void refreshIfVisible();
    void setDark(bool dark);

    const AnswerDistribution& distribution() const { return m_distribution; }
    const AnswerDistribution::Table& shownTable() const { return m_table; }  // as last drawn
    int barLayers() const;  // stacked bar series drawn (one per row of the table)
    int markerCount() const { return static_cast<int>(m_markers.size()); }
    // The hover read-out at plot x `step` ("" where no step was drawn).
    QString hoverText(double step) const;
    QCustomPlot* plot() const { return m_plot; }

  protected:
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    void drawMarkers();

    AnswerDistribution m_distribution;
    AnswerDistribution::Table m_table;
    std::vector<int> m_markedSteps;
    std::vector<QCPItemStraightLine*> m_markers;
    QCustomPlot* m_plot;
    double m_barWidth = 1.0;  // steps between drawn columns (the smallest gap)
    bool m_dirty = false;
    bool m_dark = false;
};

}  // namespace mmupt::ui
