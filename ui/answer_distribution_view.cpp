// AnswerDistributionView: one QCPBars per table row, stacked with moveAbove; a hover tooltip.
#include "ui/answer_distribution_view.h"

#include <qcustomplot.h>
#include <QLabel>
#include <QMouseEvent>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <iterator>

#include "ui/plot_axes.h"
#include "ui/theme.h"

namespace mmupt::ui {

namespace {
// Distinct hues for the top answers (colour-blind-safe Okabe-Ito order), then the pooled rows.
const QColor kAnswerColors[] = {QColor(0xe6, 0x9f, 0x00), QColor(0x56, 0xb4, 0xe9),
                                QColor(0x00, 0x9e, 0x73), QColor(0xcc, 0x79, 0xa7),
                                QColor(0x00, 0x72, 0xb2), QColor(0xd5, 0x5e, 0x00)};
static_assert(std::size(kAnswerColors) >= AnswerDistributionView::kTopAnswers);

QColor rowColor(const QString& label, int row, bool dark) {
    if (label == AnswerDistribution::otherLabel())
        return dark ? QColor(0x80, 0x80, 0x80) : QColor(0xa8, 0xa8, 0xa8);
    if (label == AnswerDistribution::noMajorityLabel())
        return dark ? QColor(0x50, 0x50, 0x50) : QColor(0xdc, 0xdc, 0xdc);
    return kAnswerColors[static_cast<size_t>(row) % std::size(kAnswerColors)];
}
}  // namespace

AnswerDistributionView::AnswerDistributionView(QWidget* parent) : QFrame(parent) {
    setObjectName("answerDistribution");
    setFrameShape(QFrame::StyledPanel);
    auto* title =
        new QLabel(tr("<b>Answer distribution</b> (share of prompts per majority answer)"), this);
    title->setWordWrap(true);  // never the widest thing in the metrics grid
    title->setToolTip(
        tr("For each step, the share of its prompts whose vote went to each majority answer.\n"
           "Many bands: the answers still depend on the images. One band filling the column: one\n"
           "answer has taken over, whatever the image (a collapse of the self-reward)."));
    m_plot = new QCustomPlot(this);
    m_plot->setObjectName("answerDistributionPlot");
    m_plot->setMinimumHeight(160);
    m_plot->xAxis->setLabel(tr("step"));
    m_plot->xAxis->setTicker(QSharedPointer<IntegerTicker>::create());
    m_plot->yAxis->setLabel(tr("share of prompts"));
    m_plot->yAxis->setRange(0.0, 1.0);
    // The bars fill the plot from 0 to 1: the legend goes beside it, not over it.
    m_plot->legend->setVisible(false);
    m_plot->legend->setFont(QFont(font().family(), 8));
    m_plot->axisRect()->insetLayout()->take(m_plot->legend);
    m_plot->plotLayout()->addElement(0, 1, m_plot->legend);
    m_plot->plotLayout()->setColumnStretchFactor(1, 0.001);
    m_plot->legend->setMaximumSize(160, QWIDGETSIZE_MAX);
    m_plot->setMouseTracking(true);
    m_plot->installEventFilter(this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(title);
    layout->addWidget(m_plot, 1);
    setDark(false);
}

void AnswerDistributionView::clear() {
    m_distribution.clear();
    refresh();
}

void AnswerDistributionView::addGroup(const RolloutGroup& group) { m_distribution.addGroup(group); }

void AnswerDistributionView::setMarkedSteps(const std::vector<int>& steps) {
    if (steps == m_markedSteps) return;
    m_markedSteps = steps;
    drawMarkers();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void AnswerDistributionView::refreshIfVisible() {
    if (m_dirty && isVisible()) refresh();
}

void AnswerDistributionView::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    refreshIfVisible();
}

void AnswerDistributionView::showEvent(QShowEvent* event) {
    QFrame::showEvent(event);
    refreshIfVisible();
}

int AnswerDistributionView::barLayers() const {
    int n = 0;
    for (int i = 0; i < m_plot->plottableCount(); ++i)
        if (qobject_cast<QCPBars*>(m_plot->plottable(i))) ++n;
    return n;
}

void AnswerDistributionView::refresh() {
    m_dirty = false;
    m_table = m_distribution.table(kTopAnswers);
    m_plot->clearPlottables();
    m_plot->legend->setVisible(!m_table.steps.empty());
    // Bars touch: width = the smallest gap between drawn steps (samples may skip steps).
    double& width = m_barWidth;
    width = 1.0;
    for (size_t i = 1; i < m_table.steps.size(); ++i)
        width = i == 1 ? m_table.steps[i] - m_table.steps[i - 1]
                       : std::min<double>(width, m_table.steps[i] - m_table.steps[i - 1]);
    const QVector<double> x(m_table.steps.begin(), m_table.steps.end());
    QCPBars* below = nullptr;
    for (int row = 0; row < m_table.rows.size(); ++row) {
        auto* bars = new QCPBars(m_plot->xAxis, m_plot->yAxis);
        const QColor c = rowColor(m_table.rows[row], row, m_dark);
        bars->setName(m_table.rows[row]);
        bars->setPen(Qt::NoPen);
        bars->setBrush(c);
        bars->setWidthType(QCPBars::wtPlotCoords);
        bars->setWidth(std::max(1.0, width));
        const auto& s = m_table.shares[static_cast<size_t>(row)];
        bars->setData(x, QVector<double>(s.begin(), s.end()), /*alreadySorted=*/true);
        if (below) bars->moveAbove(below);
        below = bars;
    }
    if (!m_table.steps.empty()) {
        const double half = std::max(1.0, width) / 2;
        m_plot->xAxis->setRange(m_table.steps.front() - half, m_table.steps.back() + half);
    }
    m_plot->yAxis->setRange(0.0, 1.0);
    const int px = std::max(1, m_plot->axisRect()->width());
    m_plot->xAxis->ticker()->setTickCount(tickCountFor(px, 60));
    drawMarkers();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void AnswerDistributionView::drawMarkers() {
    for (QCPItemStraightLine* line : m_markers) m_plot->removeItem(line);
    m_markers.clear();
    for (int step : m_markedSteps) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->setSelectable(false);
        line->setPen(QPen(plotColors(m_dark).alarm, 2, Qt::DashLine));
        line->point1->setCoords(step, 0);
        line->point2->setCoords(step, 1);
        m_markers.push_back(line);
    }
}

QString AnswerDistributionView::hoverText(double step) const {
    const auto& steps = m_table.steps;
    if (steps.empty()) return {};
    auto it = std::lower_bound(steps.begin(), steps.end(), step);
    size_t i = static_cast<size_t>(it - steps.begin());
    if (i == steps.size() || (i > 0 && step - steps[i - 1] < steps[i] - step)) --i;
    if (std::abs(steps[i] - step) > std::max(1.0, m_barWidth) / 2) return {};
    QStringList lines{tr("step %1").arg(steps[i])};
    for (int row = 0; row < m_table.rows.size(); ++row) {
        const double share = m_table.shares[static_cast<size_t>(row)][i];
        if (share > 0) lines << tr("%1: %2%").arg(m_table.rows[row]).arg(share * 100, 0, 'f', 0);
    }
    return lines.join('\n');
}

bool AnswerDistributionView::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_plot && event->type() == QEvent::MouseMove) {
        auto* move = static_cast<QMouseEvent*>(event);
        const QString text = hoverText(m_plot->xAxis->pixelToCoord(move->position().x()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(move->globalPosition().toPoint(), text, m_plot);
    }
    return QFrame::eventFilter(watched, event);
}

void AnswerDistributionView::setDark(bool dark) {
    m_dark = dark;
    stylePlot(m_plot, dark);
    const PlotColors c = plotColors(dark);
    QColor box = c.background;
    box.setAlpha(200);
    m_plot->legend->setBrush(box);
    m_plot->legend->setTextColor(c.foreground);
    m_plot->legend->setBorderPen(QPen(c.grid));
    refresh();
}

}  // namespace mmupt::ui
