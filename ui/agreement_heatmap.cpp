// AgreementHeatmap: per-step sorted majority ratios into a QCPColorMap.
#include "ui/agreement_heatmap.h"

#include <qcustomplot.h>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/theme.h"

namespace mmupt::ui {

namespace {
constexpr int kMaxColumns = 600;  // wider runs are binned: each column shows its last step
}

AgreementHeatmap::AgreementHeatmap(QWidget* parent) : QFrame(parent) {
    setObjectName("agreementHeatmap");
    setFrameShape(QFrame::StyledPanel);
    auto* title = new QLabel(tr("<b>Agreement over time</b> (groups of each step sorted by "
                                "majority ratio)"),
                             this);
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(160);
    m_plot->xAxis->setLabel(tr("step"));
    m_plot->yAxis->setLabel(tr("groups (sorted)"));
    m_map = new QCPColorMap(m_plot->xAxis, m_plot->yAxis);
    QCPColorGradient gradient(QCPColorGradient::gpThermal);
    gradient.setNanHandling(QCPColorGradient::nhTransparent);  // steps without groups
    m_map->setGradient(gradient);
    m_map->setDataRange(QCPRange(0.0, 1.0));
    m_map->setInterpolate(false);
    auto* scale = new QCPColorScale(m_plot);
    m_plot->plotLayout()->addElement(0, 1, scale);
    scale->setGradient(gradient);
    scale->setDataRange(QCPRange(0.0, 1.0));
    scale->axis()->setLabel(tr("majority ratio"));
    m_map->setColorScale(scale);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(title);
    layout->addWidget(m_plot, 1);
    setDark(false);
}

void AgreementHeatmap::clear() {
    m_ratios.clear();
    refresh();
}

void AgreementHeatmap::addGroup(int step, double majorityRatio) {
    m_ratios[step].push_back(majorityRatio);
}

void AgreementHeatmap::refreshIfVisible() {
    if (m_dirty && isVisible()) refresh();
}

void AgreementHeatmap::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    refreshIfVisible();
}

void AgreementHeatmap::showEvent(QShowEvent* event) {
    QFrame::showEvent(event);
    refreshIfVisible();
}

void AgreementHeatmap::refresh() {
    m_dirty = false;
    if (m_ratios.empty()) {
        m_map->data()->clear();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
        return;
    }
    int first = m_ratios.begin()->first, last = m_ratios.rbegin()->first;
    size_t rows = 1;
    for (const auto& [step, ratios] : m_ratios) rows = std::max(rows, ratios.size());
    int span = last - first + 1;
    int columns = std::min(span, kMaxColumns);
    double stepsPerColumn = static_cast<double>(span) / columns;
    m_map->data()->setSize(columns, static_cast<int>(rows));
    double hi = last > first ? last : first + 1.0;
    m_map->data()->setRange(QCPRange(first, hi), QCPRange(0, std::max(1.0, rows - 1.0)));
    m_map->data()->fill(std::nan(""));
    for (const auto& [step, ratios] : m_ratios) {
        std::vector<double> sorted = ratios;
        std::sort(sorted.begin(), sorted.end());
        int column = std::min(columns - 1, static_cast<int>((step - first) / stepsPerColumn));
        for (size_t r = 0; r < sorted.size(); ++r)
            m_map->data()->setCell(column, static_cast<int>(r), sorted[r]);
    }
    m_plot->rescaleAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void AgreementHeatmap::setDark(bool dark) {
    stylePlot(m_plot, dark);  // the colour map covers the grid
    const QColor fg = plotColors(dark).foreground;
    if (auto* scale = m_map->colorScale()) {
        scale->axis()->setTickLabelColor(fg);
        scale->axis()->setLabelColor(fg);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace mmupt::ui
