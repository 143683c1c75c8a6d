// Agreement over time as a heat map: one column per step, one row per rollout group of that
// step sorted by majority ratio (lowest at the bottom), colour = majority ratio. Shows the
// spread of agreement, and collapse (everything turning 1.0), at a glance. QCustomPlot colour map.
#pragma once
#include <QFrame>
#include <map>
#include <vector>

class QCustomPlot;
class QCPColorMap;

namespace mmupt::ui {

class AgreementHeatmap : public QFrame {
    Q_OBJECT
  public:
    explicit AgreementHeatmap(QWidget* parent = nullptr);
    void clear();
    void addGroup(int step, double majorityRatio);
    void refresh();
    void markDirty() { m_dirty = true; }
    void refreshIfVisible();  // draws pending data when on screen
    void setDark(bool dark);
    int stepCount() const { return static_cast<int>(m_ratios.size()); }
    QCustomPlot* plot() const { return m_plot; }

  protected:
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

  private:
    bool m_dirty = false;
    QCustomPlot* m_plot;
    QCPColorMap* m_map;
    std::map<int, std::vector<double>> m_ratios;  // step -> majority ratios of its groups
};

}  // namespace mmupt::ui
