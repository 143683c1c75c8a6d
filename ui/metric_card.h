// One metric as a QCustomPlot card: per run, the raw series drawn faint and a debiased-EMA
// smoothed line on top, min/max-decimated to the visible range so spikes survive. Series 0 is
// the current run; compared runs are overlaid as further series, each in its run's colour. New
// data never resets a view the user zoomed or panned: doing so switches "follow latest" off
// (double-click turns it on). The wheel zooms only with Ctrl held or once the plot has focus
// (a click); otherwise it scrolls the page. Hovering shows step, time and every visible value.
// Marked steps (collapse alarms) are drawn as vertical lines across the plot.
#pragma once
#include <QColor>
#include <QFrame>
#include <QString>
#include <QStringList>
#include <vector>

class QCustomPlot;
class QCPGraph;
class QCPItemStraightLine;
class QCPItemText;
class QLabel;
class QToolButton;

namespace mmupt::ui {

enum class XAxisMode { step, time };

class MetricCard : public QFrame {
    Q_OBJECT
  public:
    // `keys`: metrics.jsonl keys, the first one a step carries is plotted.
    MetricCard(const QString& title, const QStringList& keys, QWidget* parent = nullptr);

    const QStringList& keys() const { return m_keys; }
    QString title() const { return m_title; }
    // The current run (series 0).
    void clear();
    void appendPoint(double step, double timeS, double value);
    void setMainLabel(const QString& label);  // its name in the hover read-out
    // What the metric means and why it moves: the title's tooltip (with the key).
    void setDescription(const QString& text);
    QString description() const;
    // Shown instead of bare axes while no visible series has a finite value.
    void setEmptyText(const QString& text);
    QString emptyText() const;
    // Steps marked by a vertical line (alarm steps); in time mode at the current run's time of
    // that step (steps it has not reached are not drawn).
    void setMarkedSteps(const std::vector<int>& steps);
    const std::vector<int>& markedSteps() const { return m_markedSteps; }
    std::vector<double> markerPositions() const;  // x of each drawn line, plot coordinates

    // Compared runs, by id (their run directory): overlaid in `color`.
    void addSeries(const QString& id, const QString& label, const QColor& color);
    void removeSeries(const QString& id);
    void clearSeries(const QString& id);
    void appendPointTo(const QString& id, double step, double timeS, double value);
    void setSeriesVisible(const QString& id, bool visible);
    int seriesCount() const { return static_cast<int>(m_series.size()); }  // 1 + compared
    int seriesSize(const QString& id) const;

    void refresh();  // redraws after appends / setting changes
    // Throttled drawing (MetricsPanel): mark new data, draw when visible (also on first show /
    // resize, for cards that were off-screen or not laid out yet).
    void markDirty() { m_dirty = true; }
    bool isDirty() const { return m_dirty; }
    void refreshIfVisible();

    void setSmoothing(double weight);  // [0, 1)
    void setXAxisMode(XAxisMode mode);
    void setFollowLatest(bool follow);
    bool followLatest() const { return m_follow; }
    void setDark(bool dark);

    int seriesSize() const { return seriesSize(QString()); }
    int rawPointCount() const;       // points in the (decimated) raw graph of series 0
    int smoothedPointCount() const;  // points in the smoothed graph of series 0
    bool showsEmptyState() const;    // "no data yet" instead of bare axes
    // The hover read-out at plot x coordinate `x` (a step or seconds): "" outside the data.
    QString hoverText(double x) const;
    QString shownHoverText() const;  // what the tracer shows now ("" when hidden)
    QCustomPlot* plot() const { return m_plot; }

    bool exportPng(const QString& path, int width = 800, int height = 450);
    bool exportCsv(const QString& path) const;

  signals:
    void followLatestChanged(bool follow);

  protected:
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

  private:
    struct Series {
        QString id, label;
        QColor color;
        bool visible = true;
        std::vector<double> step, time, value;
        QCPGraph* raw = nullptr;
        QCPGraph* smooth = nullptr;
    };
    Series* find(const QString& id);
    const Series* find(const QString& id) const;
    void styleSeries(Series& s);
    void rebuildGraphs();
    void updateEmptyState();
    void updateTicks();
    void updateMarkers();
    void onXRangeChanged();
    void showTracer(double pixelX);
    void hideTracer();
    void chooseExport();
    const std::vector<double>& xs(const Series& s) const {
        return m_mode == XAxisMode::step ? s.step : s.time;
    }

    QString m_title;
    QStringList m_keys;
    QCustomPlot* m_plot;
    std::vector<Series> m_series;
    QCPItemText* m_emptyText;
    QCPItemStraightLine* m_tracerLine;
    QCPItemText* m_tracerText;
    QLabel* m_valueLabel;
    QLabel* m_titleLabel;
    std::vector<int> m_markedSteps;
    std::vector<QCPItemStraightLine*> m_markers;
    QToolButton* m_followButton;
    double m_smoothing = 0.6;
    XAxisMode m_mode = XAxisMode::step;
    bool m_follow = true;
    bool m_settingRange = false;
    bool m_dark = false;
    bool m_dirty = false;
};

}  // namespace mmupt::ui
