// A small painted bar chart of one group's vote: clusters by size, the majority bar in the
// accent colour, the "no answer" bar grey, a dashed line at G/2. Full size shows answer labels
// and counts; `renderMini` paints a label-free version into a pixmap for grid tiles.
#pragma once
#include <QPixmap>
#include <QWidget>
#include <vector>

#include "ui/vote_summary.h"

namespace mmupt::ui {

class VoteHistogram : public QWidget {
    Q_OBJECT
  public:
    explicit VoteHistogram(QWidget* parent = nullptr);
    void setGroup(const RolloutGroup& group);
    void clear();
    const std::vector<VoteBar>& bars() const { return m_bars; }
    QSize sizeHint() const override { return {260, 120}; }
    static QPixmap renderMini(const RolloutGroup& group, QSize size);

  protected:
    void paintEvent(QPaintEvent* event) override;

  private:
    std::vector<VoteBar> m_bars;
    int m_total = 0;
};

// Paints bars into `rect`; shared by the widget and renderMini.
void paintVoteBars(QPainter& p, const QRect& rect, const std::vector<VoteBar>& bars, int total,
                   bool labels, const QPalette& palette);

}  // namespace mmupt::ui
