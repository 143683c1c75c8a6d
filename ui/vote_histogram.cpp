// VoteHistogram painting.
#include "ui/vote_histogram.h"

#include <QPainter>
#include <algorithm>

namespace mmupt::ui {

VoteHistogram::VoteHistogram(QWidget* parent) : QWidget(parent) {
    setObjectName("voteHistogram");
    setMinimumSize(160, 90);
}

void VoteHistogram::setGroup(const RolloutGroup& group) {
    m_bars = voteBars(group);
    m_total = static_cast<int>(group.responses.size());
    setToolTip(tr("%1 responses, %2 clusters, majority ratio %3")
                   .arg(m_total)
                   .arg(group.clusters.size())
                   .arg(group.majority_ratio, 0, 'f', 2));
    update();
}

void VoteHistogram::clear() {
    m_bars.clear();
    m_total = 0;
    update();
}

void VoteHistogram::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    paintVoteBars(p, rect().adjusted(4, 4, -4, -4), m_bars, m_total, true, palette());
}

QPixmap VoteHistogram::renderMini(const RolloutGroup& group, QSize size) {
    QPixmap pm(size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    paintVoteBars(p, pm.rect().adjusted(1, 1, -1, -1), voteBars(group),
                  static_cast<int>(group.responses.size()), false, QPalette());
    return pm;
}

void paintVoteBars(QPainter& p, const QRect& rect, const std::vector<VoteBar>& bars, int total,
                   bool labels, const QPalette& palette) {
    if (bars.empty() || total <= 0) {
        if (labels) {
            p.setPen(palette.color(QPalette::PlaceholderText));
            p.drawText(rect, Qt::AlignCenter, QObject::tr("no vote"));
        }
        return;
    }
    int labelHeight = labels ? p.fontMetrics().height() + 2 : 0;
    QRect area = rect.adjusted(0, labels ? labelHeight : 0, 0, -labelHeight);
    int n = static_cast<int>(bars.size());
    double slot = static_cast<double>(area.width()) / n;
    double barWidth = std::max(2.0, slot * 0.75);
    const QColor majority(0xe0, 0x8a, 0x1e), other(0x4a, 0x86, 0xc8), none(0x9e, 0x9e, 0x9e);
    for (int i = 0; i < n; ++i) {
        const VoteBar& b = bars[static_cast<size_t>(i)];
        double h = area.height() * static_cast<double>(b.count) / total;
        QRectF bar(area.left() + i * slot + (slot - barWidth) / 2, area.bottom() - h, barWidth, h);
        p.fillRect(bar, b.noAnswer ? none : (b.majority ? majority : other));
        if (!labels) continue;
        p.setPen(palette.color(QPalette::WindowText));
        p.drawText(QRectF(bar.left() - 8, bar.top() - labelHeight, bar.width() + 16, labelHeight),
                   Qt::AlignHCenter | Qt::AlignBottom, QString::number(b.count));
        QString text = p.fontMetrics().elidedText(b.label, Qt::ElideRight, int(slot) - 2);
        p.setPen(b.noAnswer ? none : palette.color(QPalette::WindowText));
        p.drawText(QRectF(area.left() + i * slot, area.bottom() + 2, slot, labelHeight),
                   Qt::AlignHCenter | Qt::AlignTop, text);
    }
    // G/2: a bar above this line holds an absolute majority.
    QPen dash(palette.color(QPalette::Mid), 1, Qt::DashLine);
    p.setPen(dash);
    double y = area.bottom() - area.height() * 0.5;
    p.drawLine(QPointF(area.left(), y), QPointF(area.right(), y));
}

}  // namespace mmupt::ui
