// One metric as a QCustomPlot card: the raw series drawn faint, a debiased-EMA smoothed line on
// top, min/max-decimated to the visible range so spikes survive. New data never resets a view
// the user zoomed or panned: doing so switches "follow latest" off (double-click turns it on).
#pragma once
#include <QFrame>
#include <QString>
#include <QStringList>
#include <vector>

class QCustomPlot;
class QCPGraph;
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
    void clear();
    void appendPoint(double step, double timeS, double value);
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

    int seriesSize() const { return static_cast<int>(m_value.size()); }
    int rawPointCount() const;       // points in the (decimated) raw graph
    int smoothedPointCount() const;  // points in the smoothed graph
    QCustomPlot* plot() const { return m_plot; }

    bool exportPng(const QString& path, int width = 800, int height = 450);
    bool exportCsv(const QString& path) const;

  signals:
    void followLatestChanged(bool follow);

  protected:
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;

  private:
    void rebuildGraphs();
    void onXRangeChanged();
    void chooseExport();
    const std::vector<double>& xs() const { return m_mode == XAxisMode::step ? m_step : m_time; }

    QString m_title;
    QStringList m_keys;
    QCustomPlot* m_plot;
    QCPGraph* m_raw;
    QCPGraph* m_smooth;
    QLabel* m_valueLabel;
    QToolButton* m_followButton;
    std::vector<double> m_step, m_time, m_value;
    double m_smoothing = 0.6;
    XAxisMode m_mode = XAxisMode::step;
    bool m_follow = true;
    bool m_settingRange = false;
    bool m_dark = false;
    bool m_dirty = false;
};

}  // namespace mmupt::ui
