// MetricCard: per-run series, decimated graphs, follow-latest ranges, hover tracer, wheel policy,
// empty state, PNG/CSV export.
#include "ui/metric_card.h"

#include <qcustomplot.h>
#include <QAbstractScrollArea>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QScrollBar>
#include <QTextStream>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "ui/plot_axes.h"
#include "ui/plot_math.h"
#include "ui/theme.h"

namespace mmupt::ui {

namespace {
constexpr int kStepLabelPx = 60;  // room per x tick label: "12000", "1:02:03"
constexpr int kTimeLabelPx = 80;

QString num(double v) { return std::isfinite(v) ? QString::number(v, 'g', 4) : "—"; }
}  // namespace

MetricCard::MetricCard(const QString& title, const QStringList& keys, QWidget* parent)
    : QFrame(parent), m_title(title), m_keys(keys) {
    setObjectName("metricCard:" + keys.value(0));
    setFrameShape(QFrame::StyledPanel);
    auto* titleLabel = new QLabel("<b>" + title.toHtmlEscaped() + "</b>", this);
    titleLabel->setToolTip(keys.join(", "));
    m_titleLabel = titleLabel;
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
    m_plot->setFocusPolicy(Qt::ClickFocus);  // a click gives the wheel to the plot
    m_plot->setToolTip(
        tr("Drag to pan; Ctrl+wheel (or click, then wheel) to zoom; "
           "double-click to follow the latest data"));
    m_plot->installEventFilter(this);
    m_plot->setMouseTracking(true);
    // Software rendering of many antialiased polylines is what costs at high data rates.
    m_plot->setPlottingHint(QCP::phFastPolylines, true);
    m_plot->xAxis->setTicker(QSharedPointer<IntegerTicker>::create());
    m_plot->xAxis->setLabel(tr("step"));
    m_series.push_back(Series{});
    m_series[0].raw = m_plot->addGraph();
    m_series[0].smooth = m_plot->addGraph();

    m_emptyText = new QCPItemText(m_plot);
    m_emptyText->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_emptyText->position->setCoords(0.5, 0.5);
    m_emptyText->setText(tr("no data yet"));
    m_emptyText->setSelectable(false);
    m_tracerLine = new QCPItemStraightLine(m_plot);
    m_tracerLine->setSelectable(false);
    m_tracerText = new QCPItemText(m_plot);
    m_tracerText->position->setType(QCPItemPosition::ptAxisRectRatio);
    m_tracerText->setPositionAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_tracerText->setTextAlignment(Qt::AlignLeft);
    m_tracerText->setPadding(QMargins(4, 2, 4, 2));
    m_tracerText->setSelectable(false);
    hideTracer();

    connect(m_plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
            &MetricCard::onXRangeChanged);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] { setFollowLatest(true); });
    setDark(false);
    updateEmptyState();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(header);
    layout->addWidget(m_plot, 1);
}

MetricCard::Series* MetricCard::find(const QString& id) {
    for (auto& s : m_series)
        if (s.id == id) return &s;
    return nullptr;
}

const MetricCard::Series* MetricCard::find(const QString& id) const {
    return const_cast<MetricCard*>(this)->find(id);
}

void MetricCard::clear() {
    clearSeries(QString());
    m_valueLabel->clear();
    refresh();
}

void MetricCard::clearSeries(const QString& id) {
    if (Series* s = find(id)) {
        s->step.clear();
        s->time.clear();
        s->value.clear();
    }
}

void MetricCard::appendPoint(double step, double timeS, double value) {
    appendPointTo(QString(), step, timeS, value);
}

void MetricCard::appendPointTo(const QString& id, double step, double timeS, double value) {
    Series* s = find(id);
    if (!s) return;
    // Keep x ascending: a replayed run may repeat a step after a resume; later lines win.
    while (!s->step.empty() && s->step.back() >= step) {
        s->step.pop_back();
        s->time.pop_back();
        s->value.pop_back();
    }
    s->step.push_back(step);
    s->time.push_back(timeS);
    s->value.push_back(value);
}

void MetricCard::setMainLabel(const QString& label) { m_series[0].label = label; }

void MetricCard::setDescription(const QString& text) {
    m_titleLabel->setToolTip(text + "\n(" + m_keys.join(", ") + ")");
}

QString MetricCard::description() const { return m_titleLabel->toolTip(); }

void MetricCard::setEmptyText(const QString& text) {
    if (m_emptyText->text() == text) return;
    m_emptyText->setText(text);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString MetricCard::emptyText() const { return m_emptyText->text(); }

void MetricCard::setMarkedSteps(const std::vector<int>& steps) {
    if (steps == m_markedSteps) return;
    m_markedSteps = steps;
    updateMarkers();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricCard::updateMarkers() {
    for (QCPItemStraightLine* line : m_markers) m_plot->removeItem(line);
    m_markers.clear();
    const PlotColors c = plotColors(m_dark);
    for (double x : markerPositions()) {
        auto* line = new QCPItemStraightLine(m_plot);
        line->setSelectable(false);
        line->setPen(QPen(c.alarm, 1.5, Qt::DashLine));
        line->point1->setCoords(x, 0);
        line->point2->setCoords(x, 1);
        m_markers.push_back(line);
    }
}

std::vector<double> MetricCard::markerPositions() const {
    std::vector<double> out;
    const Series& main = m_series[0];
    for (int step : m_markedSteps) {
        if (m_mode == XAxisMode::step) {
            out.push_back(step);
            continue;
        }
        // Time mode: the current run's elapsed time at that step, when it has reached it.
        auto it = std::lower_bound(main.step.begin(), main.step.end(), double(step));
        if (it != main.step.end() && *it == step)
            out.push_back(main.time[static_cast<size_t>(it - main.step.begin())]);
    }
    return out;
}

void MetricCard::addSeries(const QString& id, const QString& label, const QColor& color) {
    if (id.isEmpty() || find(id)) return;
    Series s;
    s.id = id;
    s.label = label;
    s.color = color;
    s.raw = m_plot->addGraph();
    s.smooth = m_plot->addGraph();
    m_series.push_back(std::move(s));
    styleSeries(m_series.back());
}

void MetricCard::removeSeries(const QString& id) {
    auto it = std::find_if(m_series.begin() + 1, m_series.end(),
                           [&](const Series& s) { return s.id == id; });
    if (it == m_series.end()) return;
    m_plot->removeGraph(it->raw);
    m_plot->removeGraph(it->smooth);
    m_series.erase(it);
    markDirty();
}

void MetricCard::setSeriesVisible(const QString& id, bool visible) {
    if (Series* s = find(id)) {
        s->visible = visible;
        s->raw->setVisible(visible);
        s->smooth->setVisible(visible);
        markDirty();
    }
}

int MetricCard::seriesSize(const QString& id) const {
    const Series* s = find(id);
    return s ? static_cast<int>(s->value.size()) : 0;
}

void MetricCard::refreshIfVisible() {
    if (m_dirty && isVisible()) refresh();
}

void MetricCard::resizeEvent(QResizeEvent* event) {
    QFrame::resizeEvent(event);
    updateTicks();
    refreshIfVisible();
}

void MetricCard::showEvent(QShowEvent* event) {
    QFrame::showEvent(event);
    refreshIfVisible();
}

void MetricCard::refresh() {
    m_dirty = false;
    const Series& main = m_series[0];
    if (!main.value.empty()) m_valueLabel->setText(num(main.value.back()));
    if (m_follow) {
        double lo = INFINITY, hi = -INFINITY;
        for (const Series& s : m_series) {
            if (!s.visible || s.value.empty()) continue;
            lo = std::min(lo, xs(s).front());
            hi = std::max(hi, xs(s).back());
        }
        if (std::isfinite(lo)) {
            if (hi <= lo) hi = lo + 1.0;
            m_settingRange = true;
            m_plot->xAxis->setRange(lo, hi);
            m_settingRange = false;
        }
    }
    rebuildGraphs();
    updateEmptyState();
    if (m_mode == XAxisMode::time && !m_markedSteps.empty()) updateMarkers();
    if (m_follow) {
        QCPRange yr;
        bool any = false;
        for (const Series& s : m_series) {
            bool found = false;
            QCPRange r = s.raw->getValueRange(found, QCP::sdBoth, m_plot->xAxis->range());
            if (!found || !s.visible) continue;
            yr = any ? QCPRange(std::min(yr.lower, r.lower), std::max(yr.upper, r.upper)) : r;
            any = true;
        }
        if (any) {
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
    QCPRange r = m_plot->xAxis->range();
    // One min/max pair per 2 pixels: about one point per pixel column.
    int buckets = std::max(25, m_plot->axisRect()->width() / 2);
    auto toGraph = [](QCPGraph* g, const Decimated& d) {
        g->setData(QVector<double>(d.x.begin(), d.x.end()), QVector<double>(d.y.begin(), d.y.end()),
                   /*alreadySorted=*/true);
    };
    for (const Series& s : m_series) {
        toGraph(s.raw, minMaxDecimate(xs(s), s.value, r.lower, r.upper, buckets));
        toGraph(s.smooth, minMaxDecimate(xs(s), debiasedEma(s.value, m_smoothing), r.lower, r.upper,
                                         buckets));
    }
}

void MetricCard::updateEmptyState() {
    // Bare 0..5 axes read as "the value is 0..5": show that there is nothing yet instead.
    // A series of nulls only (a signal the format cannot compute) counts as empty.
    bool empty = std::none_of(m_series.begin(), m_series.end(), [](const Series& s) {
        return s.visible && std::any_of(s.value.begin(), s.value.end(),
                                        [](double v) { return std::isfinite(v); });
    });
    m_emptyText->setVisible(empty);
    m_plot->xAxis->setTickLabels(!empty);
    m_plot->yAxis->setTickLabels(!empty);
    m_plot->xAxis->setTicks(!empty);
    m_plot->yAxis->setTicks(!empty);
    m_plot->xAxis->grid()->setVisible(!empty);
    m_plot->yAxis->grid()->setVisible(!empty);
}

bool MetricCard::showsEmptyState() const { return m_emptyText->visible(); }

void MetricCard::updateTicks() {
    const int px = std::max(1, m_plot->axisRect()->width());
    m_plot->xAxis->ticker()->setTickCount(
        tickCountFor(px, m_mode == XAxisMode::step ? kStepLabelPx : kTimeLabelPx));
}

void MetricCard::onXRangeChanged() {
    if (m_settingRange) return;
    // The user zoomed or panned (wheel, drag, or code acting for them): keep their view.
    setFollowLatest(false);
    rebuildGraphs();
}

bool MetricCard::eventFilter(QObject* watched, QEvent* event) {
    if (watched != m_plot) return QFrame::eventFilter(watched, event);
    if (event->type() == QEvent::Wheel) {
        auto* wheel = static_cast<QWheelEvent*>(event);
        if (m_plot->hasFocus() || (wheel->modifiers() & Qt::ControlModifier)) return false;
        // The user meant the page: hand the wheel to the scroll area around the cards.
        for (QWidget* w = parentWidget(); w; w = w->parentWidget())
            if (auto* area = qobject_cast<QAbstractScrollArea*>(w)) {
                QCoreApplication::sendEvent(area->verticalScrollBar(), event);
                break;
            }
        return true;
    }
    if (event->type() == QEvent::MouseMove)
        showTracer(static_cast<QMouseEvent*>(event)->position().x());
    else if (event->type() == QEvent::Leave)
        hideTracer();
    return false;
}

QString MetricCard::hoverText(double x) const {
    QStringList lines;
    QString header;
    const bool many = m_series.size() > 1;
    for (const Series& s : m_series) {
        const auto& xv = xs(s);
        if (!s.visible || xv.empty() || x < xv.front() - 0.5 || x > xv.back() + 0.5) continue;
        // Nearest point by x.
        auto it = std::lower_bound(xv.begin(), xv.end(), x);
        size_t i = static_cast<size_t>(it - xv.begin());
        if (i == xv.size() || (i > 0 && x - xv[i - 1] < xv[i] - x)) --i;
        const double smooth = debiasedEma(s.value, m_smoothing)[i];
        if (header.isEmpty())
            header = tr("step %1 · %2").arg(s.step[i]).arg(elapsedLabel(s.time[i], s.time[i]));
        QString line = tr("%1 (smoothed %2)").arg(num(s.value[i]), num(smooth));
        if (many) {
            const QString name = s.label.isEmpty() ? tr("this run") : s.label;
            line = tr("%1 at step %2: %3").arg(name).arg(s.step[i]).arg(line);
        }
        lines << line;
    }
    if (lines.isEmpty()) return {};
    return header + "\n" + lines.join('\n');
}

QString MetricCard::shownHoverText() const {
    return m_tracerText->visible() ? m_tracerText->text() : QString();
}

void MetricCard::showTracer(double pixelX) {
    const double x = m_plot->xAxis->pixelToCoord(pixelX);
    const QString text = hoverText(x);
    const QRect area = m_plot->axisRect()->rect();
    if (text.isEmpty() || pixelX < area.left() || pixelX > area.right()) return hideTracer();
    m_tracerLine->point1->setCoords(x, 0);
    m_tracerLine->point2->setCoords(x, 1);
    m_tracerLine->setVisible(true);
    m_tracerText->setText(text);
    // Keep the read-out away from the cursor: on the side of the plot it is not on.
    const bool right = pixelX < m_plot->axisRect()->center().x();
    m_tracerText->setPositionAlignment((right ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignTop);
    m_tracerText->position->setCoords(right ? 0.99 : 0.01, 0.02);
    m_tracerText->setVisible(true);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricCard::hideTracer() {
    if (!m_tracerLine->visible() && !m_tracerText->visible()) return;
    m_tracerLine->setVisible(false);
    m_tracerText->setVisible(false);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
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
        m_plot->xAxis->setTicker(QSharedPointer<ElapsedTicker>::create());
        m_plot->xAxis->setLabel(tr("elapsed"));
    } else {
        m_plot->xAxis->setTicker(QSharedPointer<IntegerTicker>::create());
        m_plot->xAxis->setLabel(tr("step"));
    }
    updateTicks();
    updateEmptyState();
    updateMarkers();
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

void MetricCard::styleSeries(Series& s) {
    QColor line = s.id.isEmpty() && !s.color.isValid() ? plotColors(m_dark).accent : s.color;
    QColor faint = line;
    faint.setAlpha(70);
    s.raw->setPen(QPen(faint, 1));
    s.raw->setAntialiased(false);  // faint and dense: antialiasing buys nothing there
    s.smooth->setPen(QPen(line, 2));
}

void MetricCard::setDark(bool dark) {
    m_dark = dark;
    stylePlot(m_plot, dark);
    for (Series& s : m_series) styleSeries(s);
    const PlotColors c = plotColors(dark);
    m_emptyText->setColor(c.foreground);
    m_tracerLine->setPen(QPen(c.foreground, 1, Qt::DashLine));
    m_tracerText->setColor(c.foreground);
    QColor box = c.background;
    box.setAlpha(225);
    m_tracerText->setBrush(box);
    m_tracerText->setPen(QPen(c.grid));
    updateMarkers();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

int MetricCard::rawPointCount() const { return m_series[0].raw->data()->size(); }
int MetricCard::smoothedPointCount() const { return m_series[0].smooth->data()->size(); }

bool MetricCard::exportPng(const QString& path, int width, int height) {
    return m_plot->savePng(path, width, height);
}

bool MetricCard::exportCsv(const QString& path) const {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Text)) return false;
    QTextStream out(&f);
    const Series& s = m_series[0];
    std::vector<double> smooth = debiasedEma(s.value, m_smoothing);
    out << "step,time_s," << m_keys.value(0) << ",smoothed\n";
    auto full = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 10) : QString(); };
    for (size_t i = 0; i < s.value.size(); ++i)
        out << s.step[i] << ',' << full(s.time[i]) << ',' << full(s.value[i]) << ','
            << full(smooth[i]) << '\n';
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
