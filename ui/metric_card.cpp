// MetricCard: series storage, decimated graphs, follow-latest ranges, PNG/CSV export.
#include "ui/metric_card.h"

#include <qcustomplot.h>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QTextStream>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

#include "ui/plot_math.h"
#include "ui/theme.h"

namespace mmupt::ui {

MetricCard::MetricCard(const QString& title, const QStringList& keys, QWidget* parent)
    : QFrame(parent), m_title(title), m_keys(keys) {
    setObjectName("metricCard:" + keys.value(0));
    setFrameShape(QFrame::StyledPanel);
    auto* titleLabel = new QLabel("<b>" + title.toHtmlEscaped() + "</b>", this);
    titleLabel->setToolTip(keys.join(", "));
    m_valueLabel = new QLabel(this);
    m_followButton = new QToolButton(this);
    m_followButton->setText(tr("Follow"));
    m_followButton->setCheckable(true);
    m_followButton->setChecked(true);
    m_followButton->setToolTip(
        tr("Follow latest data (off once you zoom or pan; "
           "double-click the plot to turn it back on)"));
    connect(m_followButton, &QToolButton::toggled, this, &MetricCard::setFollowLatest);
    auto* exportButton = new QToolButton(this);
    exportButton->setText(tr("Export"));
    connect(exportButton, &QToolButton::clicked, this, &MetricCard::chooseExport);
    auto* header = new QHBoxLayout;
    header->addWidget(titleLabel);
    header->addStretch();
    header->addWidget(m_valueLabel);
    header->addWidget(m_followButton);
    header->addWidget(exportButton);

    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(140);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    // Software rendering of many antialiased polylines is what costs at high data rates.
    m_plot->setPlottingHint(QCP::phFastPolylines, true);
    m_raw = m_plot->addGraph();
    m_raw->setAntialiased(false);  // faint and dense: antialiasing buys nothing there
    m_smooth = m_plot->addGraph();
    m_plot->xAxis->setLabel(tr("step"));
    connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &MetricCard::onXRangeChanged);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { setFollowLatest(true); });
    setDark(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);
}

void MetricCard::clear() {
    m_step.clear();
    m_time.clear();
    m_value.clear();
    m_valueLabel->clear();
    refresh();
}

void MetricCard::appendPoint(double step, double timeS, double value) {
    // Keep x ascending: a replayed run may repeat a step after a resume; later lines win.
    while (!m_step.empty() && m_step.back() >= step) {
        m_step.pop_back();
        m_time.pop_back();
        m_value.pop_back();
    }
    m_step.push_back(step);
    m_time.push_back(timeS);
    m_value.push_back(value);
}

void MetricCard::refreshIfVisible() {
    if (m_dirty && isVisible()) refresh();
}

void MetricCard::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    refreshIfVisible();
}

void MetricCard::showEvent(QShowEvent* event) {
    QFrame::showEvent(event);
    refreshIfVisible();
}

void MetricCard::refresh() {
    m_dirty = false;
    if (!m_value.empty())
        m_valueLabel->setText(std::isfinite(m_value.back())
                                  ? QString::number(m_value.back(), 'g', 4)
                                  : QStringLiteral("—"));
    if (m_follow && !m_value.empty()) {
        const auto& x = xs();
        double lo = x.front(), hi = x.back();
        if (hi <= lo) hi = lo + 1.0;
        m_settingRange = true;
        m_plot->xAxis->setRange(lo, hi);
        m_settingRange = false;
    }
    rebuildGraphs();
    if (m_follow) {
        bool found = false;
        QCPRange yr = m_raw->getValueRange(found, QCP::sdBoth, m_plot->xAxis->range());
        if (found) {
            // A flat series (a constant learning rate) gets a range around its value, not
            // +-1e-9 with tick labels like "5.0001e-5".
            const double span = yr.upper - yr.lower;
            const double mag = std::max(std::abs(yr.upper), std::abs(yr.lower));
            const double pad = span > 1e-6 * mag && span > 0 ? span * 0.08
                               : mag > 0                     ? mag * 0.1
                                                             : 1.0;
            m_plot->yAxis->setRange(yr.lower - pad, yr.upper + pad);
        }
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricCard::rebuildGraphs() {
    const auto& x = xs();
    QCPRange r = m_plot->xAxis->range();
    // One min/max pair per 2 pixels: about one point per pixel column.
    int buckets = std::max(25, m_plot->axisRect()->width() / 2);
    auto toGraph = [](QCPGraph* g, const Decimated& d) {
        g->setData(QVector<double>(d.x.begin(), d.x.end()), QVector<double>(d.y.begin(), d.y.end()),
                   /*alreadySorted=*/true);
    };
    toGraph(m_raw, minMaxDecimate(x, m_value, r.lower, r.upper, buckets));
    toGraph(m_smooth,
            minMaxDecimate(x, debiasedEma(m_value, m_smoothing), r.lower, r.upper, buckets));
}

void MetricCard::onXRangeChanged() {
    if (m_settingRange) return;
    // The user zoomed or panned (wheel, drag, or code acting for them): keep their view.
    setFollowLatest(false);
    rebuildGraphs();
}

void MetricCard::setSmoothing(double weight) {
    m_smoothing = weight;
    rebuildGraphs();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricCard::setXAxisMode(XAxisMode mode) {
    if (mode == m_mode) return;
    m_mode = mode;
    if (mode == XAxisMode::time) {
        auto ticker = QSharedPointer<QCPAxisTickerTime>::create();
        ticker->setTimeFormat("%h:%m:%s");
        m_plot->xAxis->setTicker(ticker);
        m_plot->xAxis->setLabel(tr("elapsed (h:m:s)"));
    } else {
        m_plot->xAxis->setTicker(QSharedPointer<QCPAxisTicker>::create());
        m_plot->xAxis->setLabel(tr("step"));
    }
    bool follow = m_follow;
    m_follow = true;  // a new axis has no user view to keep
    refresh();
    m_follow = follow;
}

void MetricCard::setFollowLatest(bool follow) {
    if (follow == m_follow) return;
    m_follow = follow;
    m_followButton->setChecked(follow);
    if (follow) refresh();
    emit followLatestChanged(follow);
}

void MetricCard::setDark(bool dark) {
    m_dark = dark;
    stylePlot(m_plot, dark);
    QColor line = plotColors(dark).accent;
    QColor faint = line;
    faint.setAlpha(70);
    m_raw->setPen(QPen(faint, 1));
    m_smooth->setPen(QPen(line, 2));
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int MetricCard::rawPointCount() const { return m_raw->data()->size(); }
int MetricCard::smoothedPointCount() const { return m_smooth->data()->size(); }

bool MetricCard::exportPng(const QString& path, int width, int height) {
    return m_plot->savePng(path, width, height);
}

bool MetricCard::exportCsv(const QString& path) const {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QTextStream out(&f);
    std::vector<double> smooth = debiasedEma(m_value, m_smoothing);
    out << "step,time_s," << m_keys.value(0) << ",smoothed\n";
    auto num = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 10) : QString(); };
    for (size_t i = 0; i < m_value.size(); ++i)
        out << m_step[i] << ',' << num(m_time[i]) << ',' << num(m_value[i]) << ',' << num(smooth[i])
            << '\n';
    return out.status() == QTextStream::Ok;
}

void MetricCard::chooseExport() {
    QMenu menu(this);
    QAction* png = menu.addAction(tr("Export PNG…"));
    QAction* csv = menu.addAction(tr("Export CSV…"));
    QAction* chosen = menu.exec(QCursor::pos());
    if (!chosen) return;
    QString base = m_keys.value(0).replace('/', '_');
    if (chosen == png) {
        QString path = QFileDialog::getSaveFileName(this, tr("Export PNG"), base + ".png",
                                                    tr("PNG images (*.png)"));
        if (!path.isEmpty()) exportPng(path);
    } else if (chosen == csv) {
        QString path = QFileDialog::getSaveFileName(this, tr("Export CSV"), base + ".csv",
                                                    tr("CSV files (*.csv)"));
        if (!path.isEmpty()) exportCsv(path);
    }
}

}  // namespace mmupt::ui
